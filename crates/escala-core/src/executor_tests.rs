//! The engine against an in-memory cloud: plan ordering, the diff, replace propagation, orphans,
//! bounded concurrency, failure, cancellation and destroy waves.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;

use super::*;
use crate::plan::{FieldChange, Plan};
use crate::planner::{discover, plan};
use crate::progress::RecordedProgress;
use crate::task::{Prop, TaskError};

/// A fake object: physical id, properties, deletion wave and the logical ids it depends on.
type Object = (String, BTreeMap<String, String>, u8, Vec<String>);

#[derive(Debug, Default)]
struct Cloud {
    objects: Mutex<BTreeMap<String, Object>>,
    next: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    deleted: Mutex<Vec<String>>,
    /// Logical ids whose create fails with this code.
    fail: Mutex<BTreeMap<String, String>>,
    /// Deletes of wave-0 objects fail this many times with DependencyViolation first.
    violations: AtomicUsize,
    delay: Duration,
}

#[derive(Debug)]
struct Fake {
    id: String,
    deps: Vec<String>,
    props: Vec<(&'static str, &'static str, bool)>,
    wave: u8,
}

#[async_trait]
impl Task<Cloud> for Fake {
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static str {
        "Fake"
    }
    fn deps(&self) -> Vec<String> {
        self.deps.clone()
    }
    fn wave(&self) -> u8 {
        self.wave
    }
    fn desired(&self) -> BTreeMap<String, Prop> {
        self.props
            .iter()
            .map(|(k, v, m)| {
                (
                    k.to_string(),
                    if *m { Prop::mutable(v) } else { Prop::fixed(v) },
                )
            })
            .collect()
    }
    async fn find(&self, c: &Cloud, _refs: &Refs) -> Result<Option<Observed>, TaskError> {
        Ok(c.objects
            .lock()
            .unwrap()
            .get(&self.id)
            .map(|(p, props, _, _)| Observed {
                physical_id: p.clone(),
                props: props.clone(),
                outputs: BTreeMap::new(),
            }))
    }
    async fn create(&self, c: &Cloud, refs: &Refs) -> Result<Observed, TaskError> {
        for d in &self.deps {
            refs.id(d)?;
        }
        let now = c.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        c.max_in_flight.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(c.delay).await;
        c.in_flight.fetch_sub(1, Ordering::SeqCst);
        if let Some(code) = c.fail.lock().unwrap().get(&self.id) {
            return Err(TaskError::fatal(code.clone(), "injected"));
        }
        let physical = format!("{}-{}", self.id, c.next.fetch_add(1, Ordering::SeqCst));
        let props: BTreeMap<_, _> = self
            .desired()
            .into_iter()
            .map(|(k, p)| (k, p.value))
            .collect();
        c.objects.lock().unwrap().insert(
            self.id.clone(),
            (
                physical.clone(),
                props.clone(),
                self.wave,
                self.deps.clone(),
            ),
        );
        Ok(Observed {
            physical_id: physical,
            props,
            outputs: BTreeMap::new(),
        })
    }
    async fn update(
        &self,
        c: &Cloud,
        _refs: &Refs,
        cur: &Observed,
        changes: &[FieldChange],
    ) -> Result<Observed, TaskError> {
        crate::progress::report(50, format!("changing {}", changes.len()));
        let mut objects = c.objects.lock().unwrap();
        let entry = objects.get_mut(&self.id).unwrap();
        for ch in changes {
            entry.1.insert(ch.field.clone(), ch.to.clone().unwrap());
        }
        Ok(Observed {
            physical_id: cur.physical_id.clone(),
            props: entry.1.clone(),
            outputs: BTreeMap::new(),
        })
    }
}

struct Inv;

#[async_trait]
impl Inventory<Cloud> for Inv {
    async fn discover(&self, c: &Cloud) -> Result<Vec<Found>, TaskError> {
        Ok(c.objects
            .lock()
            .unwrap()
            .iter()
            .map(|(id, (p, _, wave, _))| Found {
                kind: "Fake".into(),
                logical_id: Some(id.clone()),
                physical_id: p.clone(),
                parent: None,
                wave: *wave,
                detail: BTreeMap::new(),
            })
            .collect())
    }
    async fn delete(&self, c: &Cloud, f: &Found) -> Result<(), TaskError> {
        let id = f.logical_id.clone().unwrap();
        if c.objects
            .lock()
            .unwrap()
            .values()
            .any(|o| o.3.contains(&id))
        {
            return Err(TaskError::fatal(
                "OrderViolated",
                "deleted before its dependents",
            ));
        }
        if f.wave == 0 && c.violations.load(Ordering::SeqCst) > 0 {
            c.violations.fetch_sub(1, Ordering::SeqCst);
            return Err(TaskError::retryable("DependencyViolation", "still in use"));
        }
        c.objects.lock().unwrap().remove(&id);
        c.deleted.lock().unwrap().push(id);
        Ok(())
    }
}

fn fake(
    id: &str,
    deps: &[&str],
    props: Vec<(&'static str, &'static str, bool)>,
    wave: u8,
) -> Arc<dyn Task<Cloud>> {
    Arc::new(Fake {
        id: id.into(),
        deps: deps.iter().map(|s| s.to_string()).collect(),
        props,
        wave,
    })
}

/// vpc <- subnet-a, subnet-b <- nat ; igw independent.
fn network(cidr: &'static str, dns: &'static str) -> Vec<Arc<dyn Task<Cloud>>> {
    vec![
        fake("nat", &["subnet-a"], vec![], 0),
        fake(
            "subnet-a",
            &["vpc"],
            vec![("cidr", "10.0.1.0/24", false)],
            1,
        ),
        fake(
            "subnet-b",
            &["vpc"],
            vec![("cidr", "10.0.2.0/24", false)],
            1,
        ),
        fake(
            "vpc",
            &[],
            vec![("cidr", cidr, false), ("dns", dns, true)],
            2,
        ),
        fake("igw", &[], vec![], 1),
    ]
}

fn opts() -> Options {
    Options {
        parallelism: 8,
        retry: RetryPolicy {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            deadline: Duration::from_secs(2),
            consistency_window: Duration::from_secs(60),
        },
    }
}

/// The plan for `tasks` against the fake cloud, from a fresh discovery.
async fn plan_of(cloud: &Arc<Cloud>, tasks: &[Arc<dyn Task<Cloud>>]) -> Plan {
    let found = discover(cloud.as_ref(), &Inv, &opts()).await.unwrap();
    plan("t", cloud.clone(), tasks, found, &opts())
        .await
        .unwrap()
}

async fn run(cloud: &Arc<Cloud>, tasks: &[Arc<dyn Task<Cloud>>]) -> Result<ApplyReport, CoreError> {
    let p = plan(
        "t",
        cloud.clone(),
        tasks,
        discover(cloud.as_ref(), &Inv, &opts()).await?,
        &opts(),
    )
    .await?;
    apply(
        cloud.clone(),
        tasks,
        Arc::new(Inv),
        &p,
        opts(),
        &RecordedProgress::default(),
        CancellationToken::new(),
    )
    .await
}

/// Applies `p` and returns every progress event it sent.
async fn apply_recorded(
    cloud: &Arc<Cloud>,
    tasks: &[Arc<dyn Task<Cloud>>],
    p: &Plan,
) -> Vec<ProgressEvent> {
    let sink = RecordedProgress::default();
    apply(
        cloud.clone(),
        tasks,
        Arc::new(Inv),
        p,
        opts(),
        &sink,
        CancellationToken::new(),
    )
    .await
    .unwrap();
    sink.events()
}

#[tokio::test]
async fn plan_create_apply_then_the_second_plan_is_empty() {
    let cloud = Arc::new(Cloud::default());
    let tasks = network("10.0.0.0/16", "on");
    let p = plan_of(&cloud, &tasks).await;
    assert_eq!(p.summary.create, 5);
    let order: Vec<_> = p.changes.iter().map(|c| c.id.as_str()).collect();
    let pos = |id| order.iter().position(|x| *x == id).unwrap();
    assert!(pos("vpc") < pos("subnet-a") && pos("subnet-a") < pos("nat"));

    let events = apply_recorded(&cloud, &tasks, &p).await;
    assert_eq!(cloud.objects.lock().unwrap().len(), 5);
    assert_eq!(events.first(), Some(&ProgressEvent::Started { total: 5 }));
    assert_eq!(
        events.last(),
        Some(&ProgressEvent::Finished {
            done: 5,
            failed: 0,
            skipped: 0
        })
    );

    let again = plan_of(&cloud, &tasks).await;
    assert!(again.is_empty(), "{:?}", again.changes);
}

#[tokio::test]
async fn a_mutable_change_is_exactly_one_update() {
    let cloud = Arc::new(Cloud::default());
    run(&cloud, &network("10.0.0.0/16", "on")).await.unwrap();
    let tasks = network("10.0.0.0/16", "off");
    let p = plan_of(&cloud, &tasks).await;
    assert_eq!((p.summary.update, p.summary.unchanged), (1, 4));
    let change = p.change("vpc").unwrap();
    assert_eq!(change.action, Action::Update);
    assert_eq!(change.fields[0].from.as_deref(), Some("on"));
    run(&cloud, &tasks).await.unwrap();
    assert_eq!(cloud.objects.lock().unwrap()["vpc"].1["dns"], "off");
}

#[tokio::test]
async fn a_task_reports_its_own_progress_between_its_start_and_its_end() {
    let cloud = Arc::new(Cloud::default());
    run(&cloud, &network("10.0.0.0/16", "on")).await.unwrap();
    let tasks = network("10.0.0.0/16", "off");
    let p = plan_of(&cloud, &tasks).await;
    let events = apply_recorded(&cloud, &tasks, &p).await;
    let vpc: Vec<_> = events
        .into_iter()
        .filter(|e| match e {
            ProgressEvent::Running { id, .. }
            | ProgressEvent::Progress { id, .. }
            | ProgressEvent::Done { id, .. } => id == "vpc",
            _ => false,
        })
        .collect();
    assert!(matches!(vpc[0], ProgressEvent::Running { .. }), "{vpc:?}");
    assert_eq!(
        vpc[1],
        ProgressEvent::Progress {
            id: "vpc".into(),
            percent: 50,
            message: "changing 1".into()
        }
    );
    assert!(matches!(vpc[2], ProgressEvent::Done { .. }), "{vpc:?}");
    // Outside a run, a report goes nowhere and doesn't fail.
    crate::progress::report(10, "nobody listens");
}

#[tokio::test]
async fn an_immutable_change_replaces_the_resource_and_its_dependents() {
    let cloud = Arc::new(Cloud::default());
    run(&cloud, &network("10.0.0.0/16", "on")).await.unwrap();
    let old_vpc = cloud.objects.lock().unwrap()["vpc"].0.clone();
    let tasks = network("10.1.0.0/16", "on");
    let p = plan_of(&cloud, &tasks).await;
    let action = |id| p.change(id).unwrap().action;
    assert_eq!(
        [
            action("vpc"),
            action("subnet-a"),
            action("nat"),
            action("igw")
        ],
        [
            Action::Replace,
            Action::Replace,
            Action::Replace,
            Action::NoOp
        ]
    );
    assert!(p
        .change("subnet-b")
        .unwrap()
        .reason
        .as_deref()
        .unwrap()
        .contains("'vpc'"));
    run(&cloud, &tasks).await.unwrap();
    let objects = cloud.objects.lock().unwrap();
    assert_ne!(objects["vpc"].0, old_vpc);
    assert_eq!(objects["vpc"].1["cidr"], "10.1.0.0/16");
    assert_eq!(objects.len(), 5);
}

#[tokio::test]
async fn orphans_are_planned_as_deletes_and_removed() {
    let cloud = Arc::new(Cloud::default());
    run(&cloud, &network("10.0.0.0/16", "on")).await.unwrap();
    let tasks: Vec<_> = network("10.0.0.0/16", "on")
        .into_iter()
        .filter(|t| t.id() != "nat")
        .collect();
    let p = plan_of(&cloud, &tasks).await;
    assert_eq!(p.summary.delete, 1);
    assert_eq!(p.change("nat").unwrap().action, Action::Delete);
    run(&cloud, &tasks).await.unwrap();
    assert!(!cloud.objects.lock().unwrap().contains_key("nat"));
}

#[tokio::test]
async fn independent_tasks_run_concurrently_within_the_bound() {
    let cloud = Arc::new(Cloud {
        delay: Duration::from_millis(30),
        ..Cloud::default()
    });
    let tasks: Vec<_> = (0..12)
        .map(|i| fake(&format!("t{i}"), &[], vec![], 0))
        .collect();
    let p = plan_of(&cloud, &tasks).await;
    let o = Options {
        parallelism: 4,
        ..opts()
    };
    apply(
        cloud.clone(),
        &tasks,
        Arc::new(Inv),
        &p,
        o,
        &RecordedProgress::default(),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(cloud.max_in_flight.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn a_failure_skips_dependents_and_keeps_the_error_code() {
    let cloud = Arc::new(Cloud::default());
    cloud
        .fail
        .lock()
        .unwrap()
        .insert("vpc".into(), "VpcLimitExceeded".into());
    let sink = RecordedProgress::default();
    let tasks = network("10.0.0.0/16", "on");
    let p = plan_of(&cloud, &tasks).await;
    let err = apply(
        cloud.clone(),
        &tasks,
        Arc::new(Inv),
        &p,
        opts(),
        &sink,
        CancellationToken::new(),
    )
    .await
    .unwrap_err();
    match err {
        CoreError::TasksFailed(f) => assert_eq!(
            (f[0].id.as_str(), f[0].code.as_str()),
            ("vpc", "VpcLimitExceeded")
        ),
        other => panic!("{other:?}"),
    }
    let skipped: Vec<_> = sink
        .events()
        .into_iter()
        .filter_map(|e| match e {
            ProgressEvent::Skipped { id, .. } => Some(id),
            _ => None,
        })
        .collect();
    assert!(skipped.contains(&"subnet-a".to_string()) && skipped.contains(&"nat".to_string()));
    assert!(!cloud.objects.lock().unwrap().contains_key("subnet-a"));
}

#[tokio::test]
async fn cancel_stops_the_run() {
    let cloud = Arc::new(Cloud {
        delay: Duration::from_millis(50),
        ..Cloud::default()
    });
    let tasks = network("10.0.0.0/16", "on");
    let p = plan_of(&cloud, &tasks).await;
    let cancel = CancellationToken::new();
    let c = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(20)).await;
        c.cancel();
    });
    let err = apply(
        cloud.clone(),
        &tasks,
        Arc::new(Inv),
        &p,
        opts(),
        &RecordedProgress::default(),
        cancel,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, CoreError::Cancelled), "{err:?}");
    assert!(!cloud.objects.lock().unwrap().contains_key("nat"));
}

#[tokio::test]
async fn destroy_goes_in_waves_retries_dependency_violations_and_reports_nothing_left() {
    let cloud = Arc::new(Cloud::default());
    run(&cloud, &network("10.0.0.0/16", "on")).await.unwrap();
    cloud.violations.store(2, Ordering::SeqCst);
    let sink = RecordedProgress::default();
    let report = destroy(
        "t",
        cloud.clone(),
        Arc::new(Inv),
        opts(),
        &sink,
        CancellationToken::new(),
    )
    .await
    .unwrap();
    assert!(report.left.is_empty() && report.failed.is_empty());
    assert_eq!(report.deleted.len(), 5);
    let deleted = cloud.deleted.lock().unwrap().clone();
    assert_eq!(deleted.first().map(String::as_str), Some("nat"));
    assert_eq!(deleted.last().map(String::as_str), Some("vpc"));
    let retries = sink
        .events()
        .into_iter()
        .filter(
            |e| matches!(e, ProgressEvent::Retrying { code, .. } if code == "DependencyViolation"),
        )
        .count();
    assert_eq!(retries, 2);
}

//! The engine against an in-memory cloud: plan ordering, the diff, replace propagation, orphans,
//! bounded concurrency, failure, cancellation, and deletion in the order of the kinds' edges.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;

use super::*;
use crate::kind::{Discovery, Kind};
use crate::options::Options;
use crate::plan::Plan;
use crate::planner::{discover, plan};
use crate::progress::RecordedProgress;
use crate::task::{Current, Field, Fields, Resource, TaskError};

/// A fake object: its kind, physical id, properties and the logical ids it depends on.
#[derive(Debug, Clone)]
struct Object {
    kind: &'static str,
    physical: String,
    props: Props,
    deps: Vec<String>,
}

#[derive(Debug, Default)]
struct Cloud {
    objects: Mutex<BTreeMap<String, Object>>,
    next: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    deleted: Mutex<Vec<String>>,
    /// Logical ids whose create fails with this code.
    fail: Mutex<BTreeMap<String, String>>,
    /// Logical ids whose delete fails with this code.
    fail_delete: Mutex<BTreeMap<String, String>>,
    /// Deletes of NAT gateways fail this many times with DependencyViolation first.
    violations: AtomicUsize,
    /// How many times the tag probe was asked.
    probes: AtomicUsize,
    delay: Duration,
}

#[async_trait]
impl crate::kind::Cloud for Cloud {
    type Permission = &'static str;
    async fn anything_tagged(&self) -> Result<bool, TaskError> {
        self.probes.fetch_add(1, Ordering::SeqCst);
        Ok(!self.objects.lock().unwrap().is_empty())
    }
}

/// A kind of the fake cloud: its objects are those the cloud holds under its name.
#[derive(Debug)]
struct FakeKind {
    name: &'static str,
    blocks: &'static [&'static str],
    discovery: Discovery,
}

static NAT: FakeKind = FakeKind {
    name: "Nat",
    blocks: &["Subnet"],
    discovery: Discovery::Tagged,
};
static SUBNET: FakeKind = FakeKind {
    name: "Subnet",
    blocks: &["Vpc"],
    discovery: Discovery::Tagged,
};
static VPC: FakeKind = FakeKind {
    name: "Vpc",
    blocks: &[],
    discovery: Discovery::Tagged,
};
static GATEWAY: FakeKind = FakeKind {
    name: "Gateway",
    blocks: &[],
    discovery: Discovery::Tagged,
};
/// Not seen by the probe, and able to outlive everything it sees: looked up every time.
static ROLE: FakeKind = FakeKind {
    name: "Role",
    blocks: &[],
    discovery: Discovery::Always,
};

fn inventory() -> Inventory<Cloud> {
    Inventory::new([&NAT, &SUBNET, &VPC, &GATEWAY, &ROLE].map(|k| k as &dyn Kind<Cloud>)).unwrap()
}

#[async_trait]
impl Kind<Cloud> for FakeKind {
    fn name(&self) -> &'static str {
        self.name
    }
    fn blocks(&self) -> &'static [&'static str] {
        self.blocks
    }
    fn discovery(&self) -> Discovery {
        self.discovery
    }
    fn permissions(&self) -> &'static [&'static str] {
        &[]
    }
    async fn discover(&self, c: &Cloud) -> Result<Vec<Found>, TaskError> {
        Ok(c.objects
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, o)| o.kind == self.name)
            .map(|(id, o)| Found::new(self.name, Some(id.clone()), &o.physical))
            .collect())
    }
    async fn delete(&self, c: &Cloud, f: &Found) -> Result<(), TaskError> {
        let id = f.logical_id.clone().unwrap();
        if c.objects
            .lock()
            .unwrap()
            .values()
            .any(|o| o.deps.contains(&id))
        {
            return Err(TaskError::fatal(
                "OrderViolated",
                "deleted before its dependents",
            ));
        }
        if let Some(code) = c.fail_delete.lock().unwrap().get(&id) {
            return Err(TaskError::fatal(code.clone(), "injected"));
        }
        if self.name == "Nat" && c.violations.load(Ordering::SeqCst) > 0 {
            c.violations.fetch_sub(1, Ordering::SeqCst);
            return Err(TaskError::retryable("DependencyViolation", "still in use"));
        }
        c.objects.lock().unwrap().remove(&id);
        c.deleted.lock().unwrap().push(id);
        Ok(())
    }
}

/// Fake properties: name, value, and whether the value changes in place.
#[derive(Debug, Clone, PartialEq)]
struct Props(Vec<(&'static str, String, bool)>);

impl Fields for Props {
    fn fields(&self) -> Vec<Field> {
        self.0
            .iter()
            .map(|(name, value, mutable)| Field {
                name,
                value: value.clone(),
                mutable: *mutable,
            })
            .collect()
    }
}

#[derive(Debug)]
struct Fake {
    id: String,
    kind: &'static FakeKind,
    deps: Vec<String>,
    props: Props,
}

#[async_trait]
impl Resource<Cloud> for Fake {
    type Props = Props;
    type Outputs = ();
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static dyn Kind<Cloud> {
        self.kind
    }
    fn deps(&self) -> Vec<String> {
        self.deps.clone()
    }
    fn desired(&self) -> Props {
        self.props.clone()
    }
    async fn find(&self, c: &Cloud, _refs: &Refs) -> Result<Option<Current<Props, ()>>, TaskError> {
        Ok(c.objects
            .lock()
            .unwrap()
            .get(&self.id)
            .map(|o| Current::new(&o.physical, o.props.clone())))
    }
    async fn create(&self, c: &Cloud, refs: &Refs) -> Result<Current<Props, ()>, TaskError> {
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
        c.objects.lock().unwrap().insert(
            self.id.clone(),
            Object {
                kind: self.kind.name,
                physical: physical.clone(),
                props: self.props.clone(),
                deps: self.deps.clone(),
            },
        );
        Ok(Current::new(physical, self.props.clone()))
    }
    async fn update(
        &self,
        c: &Cloud,
        _refs: &Refs,
        cur: &Current<Props, ()>,
    ) -> Result<Current<Props, ()>, TaskError> {
        let changed = cur
            .props
            .0
            .iter()
            .zip(&self.props.0)
            .filter(|(have, want)| have != want)
            .count();
        crate::progress::report(50, format!("changing {changed}"));
        let mut objects = c.objects.lock().unwrap();
        let entry = objects.get_mut(&self.id).unwrap();
        entry.props = self.props.clone();
        Ok(Current::new(&cur.id, self.props.clone()))
    }
}

fn fake(
    id: &str,
    kind: &'static FakeKind,
    deps: &[&str],
    props: Vec<(&'static str, &'static str, bool)>,
) -> Arc<dyn Task<Cloud>> {
    Arc::new(Fake {
        id: id.into(),
        kind,
        deps: deps.iter().map(|s| s.to_string()).collect(),
        props: Props(
            props
                .into_iter()
                .map(|(k, v, m)| (k, v.to_string(), m))
                .collect(),
        ),
    })
}

/// vpc <- subnet-a, subnet-b <- nat ; igw independent.
fn network(cidr: &'static str, dns: &'static str) -> Vec<Arc<dyn Task<Cloud>>> {
    vec![
        fake("nat", &NAT, &["subnet-a"], vec![]),
        fake(
            "subnet-a",
            &SUBNET,
            &["vpc"],
            vec![("cidr", "10.0.1.0/24", false)],
        ),
        fake(
            "subnet-b",
            &SUBNET,
            &["vpc"],
            vec![("cidr", "10.0.2.0/24", false)],
        ),
        fake(
            "vpc",
            &VPC,
            &[],
            vec![("cidr", cidr, false), ("dns", dns, true)],
        ),
        fake("igw", &GATEWAY, &[], vec![]),
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
    let found = discover(cloud.as_ref(), &inventory(), &opts())
        .await
        .unwrap();
    plan("t", cloud.clone(), tasks, found, &opts())
        .await
        .unwrap()
}

async fn run(cloud: &Arc<Cloud>, tasks: &[Arc<dyn Task<Cloud>>]) -> Result<ApplyReport, CoreError> {
    let p = plan(
        "t",
        cloud.clone(),
        tasks,
        discover(cloud.as_ref(), &inventory(), &opts()).await?,
        &opts(),
    )
    .await?;
    apply(
        cloud.clone(),
        tasks,
        &inventory(),
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
        &inventory(),
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
    assert_eq!(cloud.objects.lock().unwrap()["vpc"].props.0[1].1, "off");
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
    let old_vpc = cloud.objects.lock().unwrap()["vpc"].physical.clone();
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
    assert_ne!(objects["vpc"].physical, old_vpc);
    assert_eq!(objects["vpc"].props.0[0].1, "10.1.0.0/16");
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
        .map(|i| fake(&format!("t{i}"), &GATEWAY, &[], vec![]))
        .collect();
    let p = plan_of(&cloud, &tasks).await;
    let o = Options {
        parallelism: 4,
        ..opts()
    };
    apply(
        cloud.clone(),
        &tasks,
        &inventory(),
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
        &inventory(),
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
        &inventory(),
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
async fn destroy_follows_the_kinds_edges_retries_dependency_violations_and_reports_nothing_left() {
    let cloud = Arc::new(Cloud::default());
    run(&cloud, &network("10.0.0.0/16", "on")).await.unwrap();
    cloud.violations.store(2, Ordering::SeqCst);
    let sink = RecordedProgress::default();
    let report = destroy(
        "t",
        cloud.clone(),
        &inventory(),
        opts(),
        &sink,
        CancellationToken::new(),
    )
    .await
    .unwrap();
    assert!(report.left.is_empty() && report.failed.is_empty());
    assert_eq!(report.deleted.len(), 5);
    let deleted = cloud.deleted.lock().unwrap().clone();
    let pos = |id: &str| deleted.iter().position(|d| d == id).unwrap();
    assert!(pos("nat") < pos("subnet-a"), "{deleted:?}");
    assert!(
        pos("subnet-a") < pos("vpc") && pos("subnet-b") < pos("vpc"),
        "{deleted:?}"
    );
    let retries = sink
        .events()
        .into_iter()
        .filter(
            |e| matches!(e, ProgressEvent::Retrying { code, .. } if code == "DependencyViolation"),
        )
        .count();
    assert_eq!(retries, 2);
}

#[tokio::test]
async fn a_failed_delete_holds_back_only_what_waits_for_it() {
    let cloud = Arc::new(Cloud::default());
    run(&cloud, &network("10.0.0.0/16", "on")).await.unwrap();
    cloud
        .fail_delete
        .lock()
        .unwrap()
        .insert("subnet-b".into(), "InvalidSubnet.InUse".into());
    let sink = RecordedProgress::default();
    let report = destroy(
        "t",
        cloud.clone(),
        &inventory(),
        opts(),
        &sink,
        CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(report.failed.len(), 1, "{:?}", report.failed);
    assert_eq!(report.failed[0].code, "InvalidSubnet.InUse");
    let mut deleted = cloud.deleted.lock().unwrap().clone();
    deleted.sort();
    assert_eq!(
        deleted,
        vec!["igw", "nat", "subnet-a"],
        "the other branches went on"
    );
    let left: Vec<_> = report.left.iter().map(|f| f.label()).collect();
    assert_eq!(left, vec!["subnet-b", "vpc"], "in deletion order");
    assert!(sink.events().contains(&ProgressEvent::Skipped {
        id: "vpc".into(),
        reason: "waits for subnet-b to be deleted first".into(),
    }));
}

#[tokio::test]
async fn kinds_the_probe_cant_vouch_for_are_looked_up_even_when_it_finds_nothing() {
    let cloud = Arc::new(Cloud::default());
    let found = discover(cloud.as_ref(), &inventory(), &opts())
        .await
        .unwrap();
    assert!(found.is_empty());
    assert_eq!(cloud.probes.load(Ordering::SeqCst), 1);
    // A role left behind by a crash that happened before anything tagged existed.
    run(&cloud, &[fake("role", &ROLE, &[], vec![])])
        .await
        .unwrap();
    let found = discover(cloud.as_ref(), &inventory(), &opts())
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
}

#[test]
fn the_kinds_edges_are_checked_when_the_inventory_is_made() {
    static LOOP_A: FakeKind = FakeKind {
        name: "A",
        blocks: &["B"],
        discovery: Discovery::Tagged,
    };
    static LOOP_B: FakeKind = FakeKind {
        name: "B",
        blocks: &["A"],
        discovery: Discovery::Tagged,
    };
    static UNKNOWN: FakeKind = FakeKind {
        name: "C",
        blocks: &["Nowhere"],
        discovery: Discovery::Tagged,
    };
    static BEHIND_NOTHING: FakeKind = FakeKind {
        name: "D",
        blocks: &[],
        discovery: Discovery::Behind,
    };
    static BEHIND_A_SUBNET: FakeKind = FakeKind {
        name: "E",
        blocks: &["Subnet"],
        discovery: Discovery::Behind,
    };
    let of = |kinds: &[&'static FakeKind]| {
        Inventory::new(kinds.iter().map(|k| *k as &dyn Kind<Cloud>))
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    assert!(of(&[&LOOP_A, &LOOP_B]).unwrap_err().contains("cycle"));
    assert!(of(&[&UNKNOWN]).unwrap_err().contains("'Nowhere'"));
    assert!(of(&[&VPC, &VPC]).unwrap_err().contains("twice"));
    assert!(of(&[&BEHIND_NOTHING])
        .unwrap_err()
        .contains("never be found"));
    assert!(of(&[&BEHIND_A_SUBNET, &SUBNET, &VPC]).is_ok());
}

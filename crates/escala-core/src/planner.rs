//! The planner: looks up every task's object (concurrently, by tags), diffs it against the Spec and
//! discovers what the stack owns that the Spec no longer wants.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use futures::future::{join_all, BoxFuture, FutureExt, Shared};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::failure::{TaskError, TaskFailure};
use crate::graph;
use crate::inventory::Inventory;
use crate::kind::Cloud;
use crate::kind::Found;
use crate::options::Options;
use crate::plan::{Action, Change, FieldChange, Plan};
use crate::progress::NoProgress;
use crate::retry::{outcome_error, retrying, Outcome};
use crate::task::{Observed, Refs, Task};
use crate::CoreError;

type FindResult = Result<Option<Observed>, TaskError>;
type SharedFind = Shared<BoxFuture<'static, FindResult>>;

/// Everything the stack owns, by its tags: what [`plan`] starts from.
pub async fn discover<C: Cloud>(
    ctx: &C,
    inventory: &Inventory<C>,
    options: &Options,
) -> Result<Vec<Found>, CoreError> {
    retrying(
        "discovery",
        &options.retry,
        &CancellationToken::new(),
        &NoProgress,
        || inventory.discover(ctx),
    )
    .await
    .map_err(|o| outcome_error("discovery", o))
}

/// Plans `tasks` for `stack` from what discovery `found`. Reads only: nothing in the cloud changes.
///
/// A task found by its own tags (no find-dependencies) whose id discovery didn't see doesn't
/// exist, and costs no call: on an empty account the plan is the discovery round alone.
pub async fn plan<C: Cloud>(
    stack: &str,
    ctx: Arc<C>,
    tasks: &[Arc<dyn Task<C>>],
    found: Vec<Found>,
    options: &Options,
) -> Result<Plan, CoreError> {
    let by_id: BTreeMap<String, Arc<dyn Task<C>>> = tasks
        .iter()
        .map(|t| (t.id().to_string(), t.clone()))
        .collect();
    let deps: BTreeMap<String, Vec<String>> = tasks
        .iter()
        .map(|t| (t.id().to_string(), t.deps()))
        .collect();
    let order = graph::topo_order(&deps)?;

    let cancel = CancellationToken::new();
    let limit = Arc::new(Semaphore::new(options.parallelism.max(1)));
    let seen: BTreeSet<String> = found.iter().filter_map(|f| f.logical_id.clone()).collect();
    let observed = find_all(&ctx, &by_id, &order, &seen, limit, options, &cancel).await?;

    let mut changes: BTreeMap<String, Change> = BTreeMap::new();
    for id in &order {
        let task = &by_id[id];
        let mut change = diff(task.as_ref(), observed.get(id));
        // A dependency that is replaced or (re)created gets a new cloud id; an existing dependent
        // still points at the old one and must be replaced with it.
        if change.action == Action::NoOp || change.action == Action::Update {
            if let Some(dep) = task
                .deps()
                .iter()
                .find(|d| matches!(changes[d.as_str()].action, Action::Replace | Action::Create))
            {
                change.action = Action::Replace;
                change.reason = Some(format!("its dependency '{dep}' is replaced or recreated"));
            }
        }
        changes.insert(id.clone(), change);
    }

    let removals = removals(&by_id, &changes, &observed, &found);
    let mut list: Vec<Change> = order
        .iter()
        .map(|id| changes.remove(id).expect("planned"))
        .collect();
    let planned: BTreeSet<&str> = by_id.keys().map(String::as_str).collect();
    for f in &found {
        if f.logical_id
            .as_deref()
            .is_some_and(|id| !planned.contains(id))
        {
            list.push(Change {
                id: f.label(),
                kind: f.kind.clone(),
                action: Action::Delete,
                physical_id: Some(f.physical_id.clone()),
                fields: vec![],
                reason: Some("the spec no longer has it".into()),
            });
        }
    }
    Ok(Plan {
        stack: stack.to_string(),
        summary: Plan::summarize(&list),
        changes: list,
        notes: Vec::new(),
        observed,
        removals,
    })
}

/// Runs every task's `find`, each as soon as the finds it depends on are done, bounded by the
/// semaphore. A task whose find-dependency doesn't exist doesn't exist either, and costs no call.
async fn find_all<C: Cloud>(
    ctx: &Arc<C>,
    by_id: &BTreeMap<String, Arc<dyn Task<C>>>,
    order: &[String],
    seen: &BTreeSet<String>,
    limit: Arc<Semaphore>,
    options: &Options,
    cancel: &CancellationToken,
) -> Result<BTreeMap<String, Observed>, CoreError> {
    let mut futures: BTreeMap<String, SharedFind> = BTreeMap::new();
    for id in order {
        let task = by_id[id].clone();
        let parents: Vec<(String, SharedFind)> = task
            .find_deps()
            .into_iter()
            .map(|d| {
                let f = futures.get(&d).cloned().ok_or_else(|| {
                    CoreError::Graph(format!(
                        "'{id}' finds through '{d}', which is not among its dependencies"
                    ))
                })?;
                Ok((d, f))
            })
            .collect::<Result<_, CoreError>>()?;
        let (ctx, limit, policy, cancel) =
            (ctx.clone(), limit.clone(), options.retry, cancel.clone());
        let unseen = task.find_deps().is_empty() && !seen.contains(id);
        let fut = async move {
            if unseen {
                return Ok(None);
            }
            let mut refs = Refs::default();
            for (d, f) in parents {
                match f.await? {
                    Some(o) => {
                        refs.0.insert(d, o);
                    }
                    None => return Ok(None),
                }
            }
            let _permit = limit.acquire_owned().await.expect("semaphore never closes");
            retrying(task.id(), &policy, &cancel, &NoProgress, || {
                task.find(&ctx, &refs)
            })
            .await
            .map_err(|o| match o {
                Outcome::Failed(e) => e,
                Outcome::Cancelled => TaskError::fatal("Cancelled", "cancelled"),
            })
        }
        .boxed()
        .shared();
        futures.insert(id.clone(), fut);
    }
    let ids: Vec<String> = futures.keys().cloned().collect();
    let results = join_all(futures.into_values()).await;
    let mut observed = BTreeMap::new();
    let mut failures = Vec::new();
    for (id, r) in ids.into_iter().zip(results) {
        match r {
            Ok(Some(o)) => {
                observed.insert(id, o);
            }
            Ok(None) => {}
            Err(e) => failures.push(TaskFailure {
                id,
                code: e.code,
                message: e.message,
            }),
        }
    }
    if failures.is_empty() {
        Ok(observed)
    } else {
        Err(CoreError::TasksFailed(failures))
    }
}

/// Compares one task's desired properties with what the cloud has.
pub fn diff<C: Cloud>(task: &dyn Task<C>, observed: Option<&Observed>) -> Change {
    let mut change = Change {
        id: task.id().to_string(),
        kind: task.kind().name().to_string(),
        action: Action::Create,
        physical_id: observed.map(|o| o.physical_id.clone()),
        fields: vec![],
        reason: None,
    };
    let Some(observed) = observed else {
        return change;
    };
    for want in task.desired() {
        let have = observed.props.get(want.name);
        if have != Some(&want.value) {
            change.fields.push(FieldChange {
                field: want.name.to_string(),
                from: have.cloned(),
                to: Some(want.value),
                forces_replace: !want.mutable,
            });
        }
    }
    change.action = if change.fields.iter().any(|f| f.forces_replace) {
        Action::Replace
    } else if change.fields.is_empty() {
        Action::NoOp
    } else {
        Action::Update
    };
    change
}

/// What the delete phase removes: objects of replaced tasks, orphans (tagged for the stack, not in
/// the Spec), and the untagged dependents of both.
fn removals<C: Cloud>(
    by_id: &BTreeMap<String, Arc<dyn Task<C>>>,
    changes: &BTreeMap<String, Change>,
    observed: &BTreeMap<String, Observed>,
    found: &[Found],
) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    for (id, change) in changes {
        if change.action == Action::Replace {
            if let Some(o) = observed.get(id) {
                out.push(by_id[id].found(o));
            }
        }
    }
    for f in found {
        if f.logical_id
            .as_deref()
            .is_some_and(|id| !by_id.contains_key(id))
        {
            out.push(f.clone());
        }
    }
    let owners: BTreeSet<String> = out.iter().map(|f| f.physical_id.clone()).collect();
    for f in found {
        if f.parent.as_ref().is_some_and(|p| owners.contains(p)) {
            out.push(f.clone());
        }
    }
    let mut seen = BTreeSet::new();
    out.retain(|f| seen.insert(f.physical_id.clone()));
    out
}

//! The executor: applies a plan with bounded concurrency (every task whose dependencies are done
//! runs at once), retries, per-task deadlines, cancellation and progress events; and destroys a stack
//! in the order its kinds' edges give, reporting anything left.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use futures::stream::{FuturesUnordered, StreamExt};
use serde::Serialize;
use tokio::sync::{mpsc, Semaphore};
use tokio_util::sync::CancellationToken;

use crate::failure::TaskFailure;
use crate::graph;
use crate::inventory::Inventory;
use crate::kind::Cloud;
use crate::kind::Found;
use crate::options::Options;
use crate::plan::{Action, Change, Plan};
use crate::progress::{self, ProgressEvent, ProgressSink};
use crate::retry::{outcome_error, retrying, Outcome, RetryPolicy};
use crate::task::{Observed, Refs, Task};
use crate::CoreError;

/// What an apply did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApplyReport {
    pub stack: String,
    pub done: Vec<String>,
    pub removed: Vec<String>,
    /// The objects of the stack after the apply, by logical id.
    pub resources: BTreeMap<String, Observed>,
}

/// What a destroy did, and what it could not delete.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DestroyReport {
    pub stack: String,
    pub deleted: Vec<Found>,
    pub failed: Vec<TaskFailure>,
    /// Everything still tagged for the stack afterwards. Empty means nothing is left to pay for.
    pub left: Vec<Found>,
}

/// Shared plumbing for one run.
pub(crate) struct Run<'a, C> {
    pub ctx: Arc<C>,
    pub options: Options,
    pub sink: &'a dyn ProgressSink,
    pub cancel: CancellationToken,
}

/// Applies `plan`: first the delete phase (orphans and replaced objects, in their kinds' order), then every
/// create and update, concurrently as dependencies allow. On the first failure no new task starts;
/// the running ones finish, and the error lists every failure with its cloud error code.
pub async fn apply<C: Cloud>(
    ctx: Arc<C>,
    tasks: &[Arc<dyn Task<C>>],
    inventory: &Inventory<C>,
    plan: &Plan,
    options: Options,
    sink: &dyn ProgressSink,
    cancel: CancellationToken,
) -> Result<ApplyReport, CoreError> {
    let run = Run {
        ctx,
        options,
        sink,
        cancel,
    };
    let work: Vec<&Arc<dyn Task<C>>> = tasks
        .iter()
        .filter(|t| {
            plan.change(t.id())
                .is_some_and(|c| c.action != Action::NoOp)
        })
        .collect();
    sink.emit(ProgressEvent::Started {
        total: work.len() + plan.removals.len(),
    });

    let removal = run.delete_ordered(inventory, &plan.removals).await;
    let removed = removal.deleted;
    if !removal.failures.is_empty() || run.cancel.is_cancelled() {
        return Err(run.finish(removed.len(), removal.failures, removal.skipped));
    }

    let deps: BTreeMap<String, Vec<String>> = tasks
        .iter()
        .map(|t| (t.id().to_string(), t.deps()))
        .collect();
    let rank = graph::remaining_depth(&deps)?;
    let mut state: BTreeMap<String, Observed> = plan
        .observed
        .iter()
        .filter(|(id, _)| plan.change(id).is_some_and(|c| c.action == Action::NoOp))
        .map(|(id, o)| (id.clone(), o.clone()))
        .collect();
    let mut pending: Vec<&Arc<dyn Task<C>>> = work;
    let mut running = FuturesUnordered::new();
    let mut done = Vec::new();
    let mut failures = Vec::new();
    let limit = Arc::new(Semaphore::new(run.options.parallelism.max(1)));
    // Tasks' own progress reports come back here and go to the sink in order with the rest.
    let (reports, mut reported) = mpsc::unbounded_channel();
    loop {
        let stop = !failures.is_empty() || run.cancel.is_cancelled();
        if !stop {
            let (mut ready, rest): (Vec<_>, Vec<_>) = pending
                .into_iter()
                .partition(|t| t.deps().iter().all(|d| state.contains_key(d)));
            pending = rest;
            // Critical path first: the semaphore is first come, first served.
            ready.sort_by_key(|t| std::cmp::Reverse(rank[t.id()]));
            for task in ready {
                let refs = Refs(
                    task.deps()
                        .iter()
                        .map(|d| (d.clone(), state[d].clone()))
                        .collect(),
                );
                let change = plan.change(task.id()).expect("planned").clone();
                let current = plan.observed.get(task.id()).cloned();
                let (task, ctx, limit) = ((*task).clone(), run.ctx.clone(), limit.clone());
                let (policy, cancel, sink) = (run.options.retry, run.cancel.clone(), run.sink);
                let reports = reports.clone();
                running.push(async move {
                    let _permit = limit.acquire_owned().await.expect("semaphore never closes");
                    sink.emit(ProgressEvent::Running {
                        id: task.id().to_string(),
                        kind: task.kind().name().to_string(),
                        action: change.action,
                    });
                    let result = progress::reporting(
                        task.id(),
                        reports,
                        run_task(
                            task.as_ref(),
                            &ctx,
                            &refs,
                            &change,
                            current.as_ref(),
                            &policy,
                            &cancel,
                            sink,
                        ),
                    )
                    .await;
                    (task, change.action, result)
                });
            }
        }
        let next = loop {
            tokio::select! {
                biased;
                Some(event) = reported.recv() => sink.emit(event),
                next = running.next() => break next,
            }
        };
        // A task's last reports go out before its Done.
        while let Ok(event) = reported.try_recv() {
            sink.emit(event);
        }
        let Some((task, action, result)) = next else {
            break;
        };
        let id = task.id().to_string();
        match result {
            Ok(observed) => {
                sink.emit(ProgressEvent::Done {
                    id: id.clone(),
                    kind: task.kind().name().to_string(),
                    action,
                    physical_id: Some(observed.physical_id.clone()),
                });
                state.insert(id.clone(), observed);
                done.push(id);
            }
            Err(Outcome::Cancelled) => sink.emit(ProgressEvent::Skipped {
                id,
                reason: "cancelled".into(),
            }),
            Err(Outcome::Failed(e)) => {
                sink.emit(ProgressEvent::Failed {
                    id: id.clone(),
                    code: e.code.clone(),
                    message: e.message.clone(),
                });
                failures.push(TaskFailure {
                    id,
                    code: e.code,
                    message: e.message,
                });
            }
        }
    }
    if failures.is_empty() && !run.cancel.is_cancelled() && !pending.is_empty() {
        let ids: Vec<&str> = pending.iter().map(|t| t.id()).collect();
        return Err(CoreError::Graph(format!(
            "tasks never became ready: {}",
            ids.join(", ")
        )));
    }
    for task in &pending {
        let reason = if run.cancel.is_cancelled() {
            "cancelled"
        } else {
            "a task it depends on, or runs after, failed"
        };
        sink.emit(ProgressEvent::Skipped {
            id: task.id().to_string(),
            reason: reason.into(),
        });
    }
    if !failures.is_empty() || run.cancel.is_cancelled() || !pending.is_empty() {
        return Err(run.finish(done.len() + removed.len(), failures, pending.len()));
    }
    sink.emit(ProgressEvent::Finished {
        done: done.len() + removed.len(),
        failed: 0,
        skipped: 0,
    });
    Ok(ApplyReport {
        stack: plan.stack.clone(),
        done,
        removed: removed.iter().map(Found::label).collect(),
        resources: state,
    })
}

/// Creates or updates one task, retrying as the policy allows.
#[allow(clippy::too_many_arguments)]
async fn run_task<C: Cloud>(
    task: &dyn Task<C>,
    ctx: &C,
    refs: &Refs,
    change: &Change,
    current: Option<&Observed>,
    policy: &RetryPolicy,
    cancel: &CancellationToken,
    sink: &dyn ProgressSink,
) -> Result<Observed, Outcome> {
    let tries = AtomicU32::new(0);
    retrying(task.id(), policy, cancel, sink, || async {
        let first = tries.fetch_add(1, Ordering::SeqCst) == 0;
        match (change.action, current) {
            (Action::Update, Some(cur)) => task.update(ctx, refs, cur).await,
            _ => {
                // A create that failed may still have happened (its answer lost on the way back):
                // before trying again, look for the object by its tags and adopt it, finishing it
                // in place when only mutable properties differ (a NAT gateway still pending).
                if !first {
                    if let Some(made) = task.find(ctx, refs).await? {
                        let diff = crate::planner::diff(task, Some(&made));
                        match diff.action {
                            Action::NoOp => return Ok(made),
                            Action::Update => return task.update(ctx, refs, &made).await,
                            _ => {}
                        }
                    }
                }
                task.create(ctx, refs).await
            }
        }
    })
    .await
}

/// Deletes everything the stack owns, in its kinds' order, then looks again and reports what is left.
pub async fn destroy<C: Cloud>(
    stack: &str,
    ctx: Arc<C>,
    inventory: &Inventory<C>,
    options: Options,
    sink: &dyn ProgressSink,
    cancel: CancellationToken,
) -> Result<DestroyReport, CoreError> {
    let run = Run {
        ctx,
        options,
        sink,
        cancel,
    };
    let found = run.discover(inventory).await?;
    sink.emit(ProgressEvent::Started { total: found.len() });
    let done = run.delete_ordered(inventory, &found).await;
    if run.cancel.is_cancelled() {
        return Err(run.finish(done.deleted.len(), done.failures, done.skipped));
    }
    let left = run.discover(inventory).await?;
    sink.emit(ProgressEvent::Finished {
        done: done.deleted.len(),
        failed: done.failures.len(),
        skipped: done.skipped,
    });
    Ok(DestroyReport {
        stack: stack.to_string(),
        deleted: done.deleted,
        failed: done.failures,
        left,
    })
}

impl<C: Cloud> Run<'_, C> {
    async fn discover(&self, inventory: &Inventory<C>) -> Result<Vec<Found>, CoreError> {
        retrying(
            "discovery",
            &self.options.retry,
            &self.cancel,
            self.sink,
            || inventory.discover(&self.ctx),
        )
        .await
        .map_err(|o| outcome_error("discovery", o))
    }

    fn finish(&self, done: usize, failures: Vec<TaskFailure>, skipped: usize) -> CoreError {
        self.sink.emit(ProgressEvent::Finished {
            done,
            failed: failures.len(),
            skipped,
        });
        if failures.is_empty() {
            CoreError::Cancelled
        } else {
            CoreError::TasksFailed(failures)
        }
    }
}

#[cfg(test)]
#[path = "executor_tests.rs"]
mod tests;

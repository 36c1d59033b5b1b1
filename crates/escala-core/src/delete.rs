//! Deleting what a stack owns in the order its kinds' edges give: an object goes once every object
//! whose kind blocks its kind is gone, and objects that wait on nothing go concurrently (bounded).
//! A failure holds back only what waits on the failed object; every other branch carries on, so a
//! destroy deletes all it can and the final discovery reports the rest.

use std::sync::Arc;

use futures::stream::{FuturesUnordered, StreamExt};
use tokio::sync::Semaphore;

use crate::executor::Run;
use crate::failure::TaskFailure;
use crate::inventory::Inventory;
use crate::kind::Cloud;
use crate::kind::Found;
use crate::plan::Action;
use crate::progress::ProgressEvent;
use crate::retry::{retrying, Outcome};

/// What a deletion did: the objects gone, the failures, and how many objects were never tried
/// (they wait on a failed one, or the run was cancelled).
pub(crate) struct Deleted {
    pub deleted: Vec<Found>,
    pub failures: Vec<TaskFailure>,
    pub skipped: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Waiting,
    Running,
    Gone,
    Failed,
}

impl<C: Cloud> Run<'_, C> {
    pub(crate) async fn delete_ordered(
        &self,
        inventory: &Inventory<C>,
        found: &[Found],
    ) -> Deleted {
        let blockers = match inventory.blockers(found) {
            Ok(b) => b,
            Err(e) => {
                return Deleted {
                    deleted: vec![],
                    failures: vec![TaskFailure {
                        id: "deletion".into(),
                        code: e.code,
                        message: e.message,
                    }],
                    skipped: found.len(),
                }
            }
        };
        let limit = Arc::new(Semaphore::new(self.options.parallelism.max(1)));
        let mut state = vec![State::Waiting; found.len()];
        let mut running = FuturesUnordered::new();
        let mut out = Deleted {
            deleted: Vec::new(),
            failures: Vec::new(),
            skipped: 0,
        };
        loop {
            if !self.cancel.is_cancelled() {
                for i in 0..found.len() {
                    let ready = state[i] == State::Waiting
                        && blockers[i].iter().all(|b| state[*b] == State::Gone);
                    if !ready {
                        continue;
                    }
                    state[i] = State::Running;
                    let f = &found[i];
                    let kind = inventory.kind(&f.kind).expect("checked by blockers");
                    let limit = limit.clone();
                    running.push(async move {
                        let _permit = limit.acquire_owned().await.expect("semaphore never closes");
                        let label = f.label();
                        self.sink.emit(ProgressEvent::Running {
                            id: label.clone(),
                            kind: f.kind.clone(),
                            action: Action::Delete,
                        });
                        let r =
                            retrying(&label, &self.options.retry, &self.cancel, self.sink, || {
                                kind.delete(&self.ctx, f)
                            })
                            .await;
                        (i, label, r)
                    });
                }
            }
            let Some((i, label, result)) = running.next().await else {
                break;
            };
            let f = &found[i];
            match result {
                Ok(()) => {
                    state[i] = State::Gone;
                    self.sink.emit(ProgressEvent::Done {
                        id: label,
                        kind: f.kind.clone(),
                        action: Action::Delete,
                        physical_id: Some(f.physical_id.clone()),
                    });
                    out.deleted.push(f.clone());
                }
                Err(Outcome::Cancelled) => {
                    state[i] = State::Failed;
                    out.skipped += 1;
                    self.sink.emit(ProgressEvent::Skipped {
                        id: label,
                        reason: "cancelled".into(),
                    });
                }
                Err(Outcome::Failed(e)) => {
                    state[i] = State::Failed;
                    self.sink.emit(ProgressEvent::Failed {
                        id: label.clone(),
                        code: e.code.clone(),
                        message: e.message.clone(),
                    });
                    out.failures.push(TaskFailure {
                        id: label,
                        code: e.code,
                        message: e.message,
                    });
                }
            }
        }
        for (i, f) in found.iter().enumerate() {
            if state[i] != State::Waiting {
                continue;
            }
            out.skipped += 1;
            let reason = if self.cancel.is_cancelled() {
                "cancelled".to_string()
            } else {
                let failed: Vec<String> = blockers[i]
                    .iter()
                    .filter(|b| state[**b] != State::Gone)
                    .map(|b| found[*b].label())
                    .collect();
                format!("waits for {} to be deleted first", failed.join(", "))
            };
            self.sink.emit(ProgressEvent::Skipped {
                id: f.label(),
                reason,
            });
        }
        out
    }
}

//! Progress events: the core reports through a [`ProgressSink`]; the CLI draws bars from them and the
//! desktop app streams them over a channel.

use std::future::Future;
use std::sync::Mutex;

use serde::Serialize;
use tokio::sync::mpsc::UnboundedSender;

use crate::plan::Action;

/// The state of one task as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "event",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ProgressEvent {
    /// The run starts with this many tasks.
    Started { total: usize },
    /// A task began its work.
    Running {
        id: String,
        kind: String,
        action: Action,
    },
    /// A try failed with a retryable error; another follows after `delay_ms`.
    Retrying {
        id: String,
        attempt: u32,
        code: String,
        message: String,
        delay_ms: u64,
    },
    /// How far a long task has come (an instance refresh replacing instances), from the task itself.
    Progress {
        id: String,
        percent: u8,
        message: String,
    },
    /// A task finished.
    Done {
        id: String,
        kind: String,
        action: Action,
        physical_id: Option<String>,
    },
    /// A task failed for good.
    Failed {
        id: String,
        code: String,
        message: String,
    },
    /// A task didn't run because a dependency failed or the run was cancelled.
    Skipped { id: String, reason: String },
    /// The run ended.
    Finished {
        done: usize,
        failed: usize,
        skipped: usize,
    },
}

tokio::task_local! {
    /// The running task's line back to the executor. A task-local rather than a parameter: only the
    /// few long tasks report, and the sink the executor borrows can't be moved into them.
    static STEP: Step;
}

struct Step {
    id: String,
    tx: UnboundedSender<ProgressEvent>,
}

/// Reports how far the running task has come. Outside an executor's run it does nothing.
pub fn report(percent: u8, message: impl Into<String>) {
    let _ = STEP.try_with(|step| {
        // The executor outlives its tasks' futures; a closed channel only means the run ended.
        let _ = step.tx.send(ProgressEvent::Progress {
            id: step.id.clone(),
            percent: percent.min(100),
            message: message.into(),
        });
    });
}

/// Runs `work` as task `id`, its [`report`]s sent down `tx`.
pub(crate) fn reporting<F: Future>(
    id: &str,
    tx: UnboundedSender<ProgressEvent>,
    work: F,
) -> impl Future<Output = F::Output> {
    STEP.scope(
        Step {
            id: id.to_string(),
            tx,
        },
        work,
    )
}

/// Where progress goes. Implementations must be cheap: they are called from the executor's tasks.
pub trait ProgressSink: Send + Sync {
    fn emit(&self, event: ProgressEvent);
}

/// Discards events (scripts that only want the result).
#[derive(Debug, Default)]
pub struct NoProgress;

impl ProgressSink for NoProgress {
    fn emit(&self, _event: ProgressEvent) {}
}

/// Keeps every event, for tests and for resuming a view.
#[derive(Debug, Default)]
pub struct RecordedProgress(pub Mutex<Vec<ProgressEvent>>);

impl ProgressSink for RecordedProgress {
    fn emit(&self, event: ProgressEvent) {
        self.0.lock().expect("progress lock").push(event);
    }
}

impl RecordedProgress {
    pub fn events(&self) -> Vec<ProgressEvent> {
        self.0.lock().expect("progress lock").clone()
    }
}

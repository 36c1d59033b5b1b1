//! The core crate's one error type.

use crate::task::TaskFailure;
use crate::validate::ValidationErrors;

/// Everything that can go wrong in the engine core.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The YAML could not be read as a Spec (syntax, unknown field, wrong type).
    #[error("the spec is not valid YAML for escala/v1: {0}")]
    SpecSyntax(String),
    /// The Spec was read but breaks one or more rules; nothing was touched.
    #[error("{0}")]
    Validation(#[from] ValidationErrors),
    /// One or more tasks failed while applying or destroying; the failures keep the cloud's error codes.
    #[error("{} task(s) failed: {}", .0.len(), summarize(.0))]
    TasksFailed(Vec<TaskFailure>),
    /// The user cancelled; tasks already running were allowed to finish their current call.
    #[error("cancelled by the user")]
    Cancelled,
    /// The dependency graph has a cycle or names a task that does not exist (a programming error).
    #[error("invalid task graph: {0}")]
    Graph(String),
    /// The Spec names a stack that already lives in another region.
    #[error("stack '{stack}' already lives in {region}; destroy it there first or give this Spec another name")]
    RegionChange { stack: String, region: String },
    /// One of Escala's own files exists but can't be read (edited by hand, or from another version).
    #[error(
        "Escala's record of a stack is damaged ({0}); delete that file and run the operation again"
    )]
    State(String),
    /// Reading or writing Escala's own files failed.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

fn summarize(failures: &[TaskFailure]) -> String {
    failures
        .iter()
        .map(|f| format!("{} ({}: {})", f.id, f.code, f.message))
        .collect::<Vec<_>>()
        .join("; ")
}

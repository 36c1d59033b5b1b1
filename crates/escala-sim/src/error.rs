//! The simulator's one error type: each names the trace's line or the field at fault.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// A demand trace that can't be simulated, at its line (1-based) when it came from a file.
    #[error("{}{reason}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
    Trace { line: Option<usize>, reason: String },
    /// A setting out of its range, at its field.
    #[error("{field}: {reason}")]
    Field { field: String, reason: String },
    /// A route asked for that the Spec doesn't configure.
    #[error("the Spec configures no {0} route: simulate the route its `route:` section names")]
    NoRoute(String),
}

impl SimError {
    pub(crate) fn trace(line: Option<usize>, reason: impl Into<String>) -> Self {
        SimError::Trace {
            line,
            reason: reason.into(),
        }
    }

    pub(crate) fn field(field: &str, reason: impl Into<String>) -> Self {
        SimError::Field {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

//! How a task fails: with the cloud's own error code and message, and whether another try can help.

use serde::Serialize;

/// Whether an error is worth another try.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ErrorClass {
    /// Throttling, a 5xx, a dependency still in use.
    Retryable,
    /// Eventual consistency: something just made isn't visible yet. Worth retrying for a short
    /// while only; after [`crate::retry::RetryPolicy::consistency_window`] it is really missing.
    Eventual,
    /// Anything else: bad parameters, no permission, limits.
    Fatal,
}

/// A task's failure, keeping the cloud's error code and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct TaskError {
    pub code: String,
    pub message: String,
    pub class: ErrorClass,
}

impl TaskError {
    pub fn retryable(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::with_class(code, message, ErrorClass::Retryable)
    }

    pub fn eventual(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::with_class(code, message, ErrorClass::Eventual)
    }

    pub fn fatal(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::with_class(code, message, ErrorClass::Fatal)
    }

    fn with_class(code: impl Into<String>, message: impl Into<String>, class: ErrorClass) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            class,
        }
    }
}

/// A task that failed for good, as reported at the end of an apply or destroy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TaskFailure {
    pub id: String,
    pub code: String,
    pub message: String,
}

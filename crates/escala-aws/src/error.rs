//! The AWS crate's one error type.

use escala_core::task::TaskError;
use escala_core::CoreError;

#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    /// The engine reported a problem (validation, task failures, cancel).
    #[error(transparent)]
    Core(#[from] CoreError),
    /// No usable credentials for the chosen source.
    #[error("no AWS credentials: {0}")]
    NoCredentials(String),
    /// AWS rejected the credentials (STS GetCallerIdentity failed).
    #[error("AWS did not accept these credentials ({code}): {message}")]
    BadCredentials { code: String, message: String },
    /// The OS keyring could not be used.
    #[error("the OS keyring failed: {0}")]
    Keyring(String),
    /// An AWS call outside the engine failed; the code and message are AWS's own.
    #[error("{operation} failed ({code}): {message}")]
    Api {
        operation: &'static str,
        code: String,
        message: String,
    },
    /// The credentials in use may not call these actions, which the change needs; nothing was
    /// changed.
    #[error("AccessDenied: {} may not call {}; nothing was changed. Give it these permissions, or make a deploy user for the stack's route (escala auth create-deploy-user --route …)", principal, actions.join(", "))]
    Denied {
        principal: String,
        actions: Vec<String>,
    },
    /// A cluster's API refused or didn't answer; the error names the endpoint and identity.
    #[error(transparent)]
    Kube(#[from] escala_kube::KubeError),
    /// The request can't be done as asked (bad user name, unknown route).
    #[error("{0}")]
    Invalid(String),
}

impl AwsError {
    /// A failed call made outside the engine's executor, keeping AWS's code and message.
    pub(crate) fn api(operation: &'static str, e: TaskError) -> Self {
        AwsError::Api {
            operation,
            code: e.code,
            message: e.message,
        }
    }
}

//! The stacks crate's one error type.

use escala_aws::AwsError;
use escala_core::CoreError;

#[derive(Debug, thiserror::Error)]
pub enum StacksError {
    /// The engine or AWS refused or failed (validation included); AWS's codes are kept.
    #[error(transparent)]
    Aws(#[from] AwsError),
    /// Escala knows no stack by that name.
    #[error("Escala knows no stack named '{0}' (see `escala status`)")]
    UnknownStack(String),
    /// The stack exists but isn't of the route the operation is for.
    #[error("{0}")]
    WrongRoute(String),
    /// A file Escala writes for the user (a kubeconfig) couldn't be read or written.
    #[error("{what} {}: {source}", path.display())]
    File {
        what: &'static str,
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

impl From<CoreError> for StacksError {
    fn from(e: CoreError) -> Self {
        StacksError::Aws(AwsError::Core(e))
    }
}

//! The desktop crate's one error type, and the single `{code, message, errors}` shape it crosses IPC
//! in. The UI keys on `code` (and on each validation error's `rule`), never on message text.

use serde::Serialize;

use escala_aws::AwsError;
use escala_core::validate::ValidationError;
use escala_core::CoreError;
use escala_sandbox::SandboxError;
use escala_stacks::StacksError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The engine or AWS refused or failed; AWS's codes and messages are kept.
    #[error(transparent)]
    Aws(#[from] AwsError),
    /// A stack operation failed, or named a stack Escala doesn't know.
    #[error(transparent)]
    Stacks(#[from] StacksError),
    /// Escala's own files (stack records) or the engine's checks.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// The embedded emulator could not be started or reached.
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
    /// A command that needs a connection ran before Connect.
    #[error("connect first: choose the sandbox or your AWS account")]
    NotConnected,
    /// An apply or destroy is already running; one at a time keeps the progress readable.
    #[error("'{0}' is still being changed; wait for it to finish or cancel it")]
    Busy(String),
    /// Input the command can't use as given.
    #[error("{0}")]
    Invalid(String),
    /// Checking for, downloading or installing an update of the app failed or was refused.
    #[error("{0}")]
    Update(String),
    /// Writing an exported file failed.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

/// What the UI can tell apart. Stable: the TypeScript side switches on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    Invalid,
    Credentials,
    Aws,
    Cancelled,
    Sandbox,
    Keyring,
    NotFound,
    NotConnected,
    Busy,
    Io,
    Update,
}

/// An error as the UI receives it. `errors` lists every broken rule when `code` is `invalid`.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub errors: Vec<ValidationError>,
}

impl AppError {
    fn code(&self) -> ErrorCode {
        match self {
            AppError::Aws(e) | AppError::Stacks(StacksError::Aws(e)) => aws_code(e),
            AppError::Stacks(StacksError::UnknownStack(_)) => ErrorCode::NotFound,
            AppError::Stacks(StacksError::WrongRoute(_)) => ErrorCode::Invalid,
            AppError::Stacks(StacksError::File { .. }) => ErrorCode::Io,
            AppError::Core(c) => core_code(c),
            AppError::Sandbox(_) => ErrorCode::Sandbox,
            AppError::NotConnected => ErrorCode::NotConnected,
            AppError::Busy(_) => ErrorCode::Busy,
            AppError::Invalid(_) => ErrorCode::Invalid,
            AppError::Io { .. } => ErrorCode::Io,
            AppError::Update(_) => ErrorCode::Update,
        }
    }

    fn validation(&self) -> Vec<ValidationError> {
        match self {
            AppError::Aws(AwsError::Core(CoreError::Validation(v)))
            | AppError::Stacks(StacksError::Aws(AwsError::Core(CoreError::Validation(v))))
            | AppError::Core(CoreError::Validation(v)) => v.0.clone(),
            _ => Vec::new(),
        }
    }
}

fn aws_code(e: &AwsError) -> ErrorCode {
    match e {
        AwsError::Core(c) => core_code(c),
        AwsError::NoCredentials(_) | AwsError::BadCredentials { .. } => ErrorCode::Credentials,
        AwsError::Keyring(_) => ErrorCode::Keyring,
        AwsError::Api { .. } | AwsError::Denied { .. } | AwsError::Kube(_) => ErrorCode::Aws,
        AwsError::Invalid(_) => ErrorCode::Invalid,
    }
}

fn core_code(e: &CoreError) -> ErrorCode {
    match e {
        CoreError::SpecSyntax(_) | CoreError::Validation(_) | CoreError::RegionChange { .. } => {
            ErrorCode::Invalid
        }
        CoreError::TasksFailed(_) => ErrorCode::Aws,
        CoreError::Cancelled => ErrorCode::Cancelled,
        CoreError::Graph(_) | CoreError::State(_) | CoreError::Io { .. } => ErrorCode::Io,
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        // Logged here once, so every failed command leaves a trace without the UI resending it.
        tracing::warn!(error = %e, "command failed");
        ApiError {
            code: e.code(),
            message: e.to_string(),
            errors: e.validation(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use escala_core::spec::Spec;
    use escala_core::validate::CheckedSpec;

    #[test]
    fn validation_errors_keep_every_rule_for_the_ui() {
        let mut spec = Spec::seed_network("shop", "us-east-1");
        spec.network.vpc_cidr = "10.0.0/16".into();
        let errors = CheckedSpec::new(spec).unwrap_err();
        let api = ApiError::from(AppError::Core(CoreError::Validation(errors)));
        assert_eq!(api.code, ErrorCode::Invalid);
        assert_eq!(api.errors[0].field, "network.vpcCidr");
    }

    #[test]
    fn codes_separate_credentials_from_aws_failures() {
        let bad = AppError::Aws(AwsError::BadCredentials {
            code: "InvalidClientTokenId".into(),
            message: "The security token included in the request is invalid.".into(),
        });
        let api = ApiError::from(bad);
        assert_eq!(api.code, ErrorCode::Credentials);
        assert!(api.message.contains("InvalidClientTokenId"));
        assert_eq!(
            ApiError::from(AppError::NotConnected).code,
            ErrorCode::NotConnected
        );
    }
}

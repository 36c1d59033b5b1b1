//! The CLI's one error type, and the exit code of each kind of failure.

use escala_aws::AwsError;
use escala_core::CoreError;
use escala_stacks::StacksError;

/// Exit codes scripts can rely on.
pub mod exit {
    pub const OK: u8 = 0;
    /// Something else failed (the sandbox, a file).
    pub const OTHER: u8 = 1;
    /// The Spec or the arguments are invalid; nothing was touched.
    pub const INVALID: u8 = 3;
    /// AWS refused or failed a call; the error carries AWS's code.
    pub const AWS: u8 = 4;
    /// No usable credentials, or the keyring failed.
    pub const CREDENTIALS: u8 = 5;
    /// Destroy finished but some resources are left (they are listed).
    pub const LEFT_BEHIND: u8 = 6;
    /// Cancelled by the user (Ctrl-C), as shells report SIGINT.
    pub const CANCELLED: u8 = 130;
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Stacks(#[from] StacksError),
    #[error(transparent)]
    Sandbox(#[from] escala_sandbox::SandboxError),
    /// The sandbox runtime (its processes, its listeners) failed.
    #[error(transparent)]
    Runtime(#[from] escala_runtime::RuntimeError),
    /// Bad arguments or an unreadable Spec file.
    #[error("{0}")]
    Invalid(String),
    /// Destroy left resources behind (listed in the output already).
    #[error("{0} resource(s) are left; they still cost money: see the list above")]
    LeftBehind(usize),
    /// The user answered no.
    #[error("nothing was changed")]
    Declined,
}

impl From<AwsError> for CliError {
    fn from(e: AwsError) -> Self {
        CliError::Stacks(StacksError::Aws(e))
    }
}

impl From<CoreError> for CliError {
    fn from(e: CoreError) -> Self {
        CliError::from(AwsError::Core(e))
    }
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        let aws = match self {
            CliError::Stacks(StacksError::Aws(e)) => e,
            CliError::Stacks(StacksError::UnknownStack(_) | StacksError::WrongRoute(_))
            | CliError::Invalid(_) => return exit::INVALID,
            CliError::Stacks(StacksError::File { .. }) => return exit::OTHER,
            CliError::LeftBehind(_) => return exit::LEFT_BEHIND,
            CliError::Declined => return exit::OK,
            CliError::Sandbox(_) | CliError::Runtime(_) => return exit::OTHER,
        };
        match aws {
            AwsError::Core(
                CoreError::Validation(_)
                | CoreError::SpecSyntax(_)
                | CoreError::RegionChange { .. },
            )
            | AwsError::Invalid(_) => exit::INVALID,
            AwsError::Core(CoreError::Cancelled) => exit::CANCELLED,
            AwsError::NoCredentials(_) | AwsError::BadCredentials { .. } | AwsError::Keyring(_) => {
                exit::CREDENTIALS
            }
            AwsError::Api { .. }
            | AwsError::Denied { .. }
            | AwsError::Kube(_)
            | AwsError::Core(CoreError::TasksFailed(_)) => exit::AWS,
            AwsError::Core(CoreError::Graph(_) | CoreError::Io { .. } | CoreError::State(_)) => {
                exit::OTHER
            }
        }
    }

    /// A stable name for `--output json`.
    pub fn code(&self) -> &'static str {
        match self.exit_code() {
            exit::INVALID => "invalid",
            exit::CANCELLED => "cancelled",
            exit::CREDENTIALS => "credentials",
            exit::AWS => "aws",
            exit::LEFT_BEHIND => "leftBehind",
            exit::OK => "declined",
            _ => "other",
        }
    }
}

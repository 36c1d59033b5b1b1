//! The sandbox crate's one error type.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// No moto server executable: the setup script installs one.
    #[error("the AWS emulator (moto_server) is not installed; run ./scripts/setup.sh or set ESCALA_MOTO_SERVER to its path")]
    NotInstalled,
    /// The process could not be started.
    #[error("could not start {path}: {source}")]
    Spawn {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The emulator started but never answered on its port.
    #[error("the AWS emulator did not answer on {endpoint} within {seconds}s (log: {log})")]
    NotReady {
        endpoint: String,
        seconds: u64,
        log: String,
    },
    /// An HTTP call to the emulator's control API failed.
    #[error("the AWS emulator at {endpoint} did not answer {path}: {reason}")]
    Control {
        endpoint: String,
        path: String,
        reason: String,
    },
    /// Reading or writing the sandbox's files failed.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    /// A time factor out of range or not a number.
    #[error("{0}")]
    Speed(String),
    /// The sandbox's process exited before it answered.
    #[error("the sandbox stopped while starting (log: {log})")]
    Exited { log: String },
    /// `sandbox.json` is unreadable.
    #[error("{0} is damaged; run `escala sandbox stop` then `escala sandbox start`")]
    State(String),
}

pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> SandboxError {
    SandboxError::Io {
        context: context.into(),
        source,
    }
}

//! The runtime crate's one error type.

#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// A workload process could not be started.
    #[error("could not start the process for {what}: {source}")]
    Spawn {
        what: String,
        #[source]
        source: std::io::Error,
    },
    /// A workload process started but never said which port it serves on.
    #[error("the process for {0} did not start serving")]
    NotServing(String),
    /// The emulator's state could not be read, or a call to it failed.
    #[error("the emulator: {0}")]
    Emulator(String),
    /// A local listener could not be opened.
    #[error("could not listen on loopback for {what}: {source}")]
    Listen {
        what: String,
        #[source]
        source: std::io::Error,
    },
    /// A cluster's API refused or didn't answer.
    #[error(transparent)]
    Kube(#[from] escala_kube::KubeError),
    #[error(transparent)]
    Sandbox(#[from] escala_sandbox::SandboxError),
}

//! The crate's one error type. Each message starts with the step that failed ("build:" or "push:"),
//! so a caller can show it as is. No variant holds a password: credentials live only in [`crate::Auth`].

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("build: no binary at {}", path.display())]
    NoBinary { path: PathBuf },

    #[error("build: cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("build: {} is not an ELF file this builder can read: {reason}", path.display())]
    Elf { path: PathBuf, reason: String },

    #[error("build: {} is for machine {machine}, and images are made for amd64 and arm64 only", path.display())]
    UnsupportedMachine { path: PathBuf, machine: String },

    #[error("build: {} and {} are both {arch} binaries; give one binary per architecture", first.display(), second.display())]
    DuplicateArch {
        arch: String,
        first: PathBuf,
        second: PathBuf,
    },

    #[error("build: the loader {interpreter} that {} asks for is not on this machine", binary.display())]
    MissingLoader {
        interpreter: String,
        binary: PathBuf,
    },

    #[error("build: library {library} needed by {} was not found in {}", needed_by.display(), searched.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", "))]
    MissingLibrary {
        library: String,
        needed_by: PathBuf,
        searched: Vec<PathBuf>,
    },

    #[error("build: {reason}")]
    Spec { reason: String },

    #[error("build: writing layer {layer}: {source}")]
    Layer {
        layer: String,
        source: std::io::Error,
    },

    #[error("push: cannot reach the registry {registry}: {reason}")]
    Unreachable { registry: String, reason: String },

    /// `answer` is what the registry said, starting with its HTTP status.
    #[error("push: the registry {registry} refused the credentials: {answer}")]
    AuthRefused { registry: String, answer: String },

    #[error("push: checking whether {digest} is already in the registry failed: {reason}")]
    Check { digest: String, reason: String },

    #[error("push: uploading {what} ({digest}) failed: {reason}")]
    Upload {
        what: String,
        digest: String,
        reason: String,
    },

    #[error("push: the registry refused the manifest {reference}: {answer}")]
    Manifest { reference: String, answer: String },
}

use thiserror::Error;

#[derive(Debug, Error)]
pub enum LoadError {
    #[error("{0}")]
    Usage(String),
    #[error("reading /proc for pid {pid}: {source}")]
    Proc { pid: u32, source: std::io::Error },
    #[error("reading or writing {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("only {connected} of {wanted} clients connected; first error: {first_error}")]
    TooFewConnections {
        connected: usize,
        wanted: usize,
        first_error: String,
    },
}

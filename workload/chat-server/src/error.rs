use thiserror::Error;

/// Why the chat server failed to start or stopped abnormally. Per-request problems are not errors of the
/// process: they become [`escala_chat_proto::Rejection`]s sent back to the client.
#[derive(Debug, Error)]
pub enum ServerError {
    #[error("configuration: {name} = {value:?} is invalid: {reason}")]
    Config {
        name: &'static str,
        value: String,
        reason: String,
    },
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("socket.io namespace setup failed: {0}")]
    Namespace(String),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("logging setup: {0}")]
    Logging(String),
}

use thiserror::Error;

/// Everything that can go wrong while speaking socket.io to a chat server.
#[derive(Debug, Error)]
pub enum ProtoError {
    #[error("websocket error: {0}")]
    WebSocket(#[from] tokio_tungstenite::tungstenite::Error),
    #[error("invalid JSON in a packet: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the server refused the namespace connection: {0}")]
    ConnectRefused(String),
    #[error("the server closed the connection during the handshake")]
    ClosedDuringHandshake,
    #[error("unexpected packet during the handshake: {0}")]
    UnexpectedHandshake(String),
    #[error("the connection is closed")]
    Closed,
    #[error("no acknowledgement before the connection closed")]
    AckLost,
    #[error("url must start with http:// or ws://: {0}")]
    BadUrl(String),
}

//! Event names and payloads of the chat protocol. The web client (web/src/app.js) and the Node reference server
//! (bench/server.js) speak the same shapes; keep the three in step.

use serde::{Deserialize, Serialize};

/// Client → server: join a room with a nickname (acknowledged with [`JoinAck`]).
pub const EV_JOIN: &str = "join";
/// Client → server: leave a room (acknowledged with [`Ack`]).
pub const EV_LEAVE: &str = "leave";
/// Client → server: send a message ([`SendMessage`], acknowledged with [`SendAck`]).
/// Server → clients in the room: a [`ChatMessage`].
pub const EV_MESSAGE: &str = "message";
/// Both ways: typing indicator ([`TypingRequest`] in, [`TypingNotice`] out).
pub const EV_TYPING: &str = "typing";
/// Server → room: someone joined ([`PresenceNotice`]).
pub const EV_JOINED: &str = "user_joined";
/// Server → room: someone left ([`PresenceNotice`]).
pub const EV_LEFT: &str = "user_left";
/// Server → one client: a rejection of something that had no acknowledgement callback to answer on.
pub const EV_ERROR: &str = "chat_error";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct JoinRequest {
    pub room: String,
    pub nick: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LeaveRequest {
    pub room: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SendMessage {
    pub room: String,
    pub text: String,
    /// The sender's wall clock in microseconds since the Unix epoch; receivers compute end-to-end latency from it.
    pub sent_at_us: u64,
    /// An id the sender picks to recognise its own message (optional, echoed back unchanged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cid: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TypingRequest {
    pub room: String,
    pub typing: bool,
}

/// A message as it is broadcast and as it is kept in the room history.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ChatMessage {
    /// Unique across instances: the server instance id and a counter.
    pub id: String,
    pub room: String,
    pub nick: String,
    pub text: String,
    pub sent_at_us: u64,
    /// The server's wall clock when it accepted the message, in milliseconds since the Unix epoch.
    pub server_ts_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cid: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PresenceNotice {
    pub room: String,
    pub nick: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TypingNotice {
    pub room: String,
    pub nick: String,
    pub typing: bool,
}

/// Why the server refused a request. Serialized in snake_case (`"message_too_long"`) so that clients can
/// match on it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The payload is not the JSON object the event expects.
    BadPayload,
    /// No handler for this event name.
    UnknownEvent,
    InvalidRoom,
    InvalidNick,
    MessageTooLong,
    EmptyMessage,
    /// Sending, typing or leaving in a room the socket has not joined.
    NotInRoom,
    TooManyRooms,
    /// The client sends faster than its rate limit allows.
    RateLimited,
    /// The server is draining before shutdown: reconnect elsewhere.
    ShuttingDown,
    /// Redis failed; the message was neither stored nor broadcast.
    Unavailable,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Rejection {
    pub code: ErrorCode,
    pub message: String,
}

/// The plain acknowledgement: `{"ok": true}` or `{"ok": false, "error": {...}}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Ack {
    pub ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Rejection>,
}

/// Acknowledgement of a join: the room's recent history, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct JoinAck {
    pub ok: bool,
    #[serde(default)]
    pub history: Vec<ChatMessage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Rejection>,
}

/// Acknowledgement of a message: it is stored in the room history and published to every instance.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SendAck {
    pub ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Rejection>,
}

impl Ack {
    pub fn ok() -> Self {
        Self {
            ok: true,
            error: None,
        }
    }
}

impl Rejection {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl From<Rejection> for Ack {
    fn from(r: Rejection) -> Self {
        Self {
            ok: false,
            error: Some(r),
        }
    }
}

impl From<Rejection> for JoinAck {
    fn from(r: Rejection) -> Self {
        Self {
            ok: false,
            history: Vec::new(),
            error: Some(r),
        }
    }
}

impl From<Rejection> for SendAck {
    fn from(r: Rejection) -> Self {
        Self {
            ok: false,
            id: None,
            error: Some(r),
        }
    }
}

/// Microseconds since the Unix epoch, the clock of [`SendMessage::sent_at_us`].
pub fn now_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

impl ErrorCode {
    /// The wire name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadPayload => "bad_payload",
            Self::UnknownEvent => "unknown_event",
            Self::InvalidRoom => "invalid_room",
            Self::InvalidNick => "invalid_nick",
            Self::MessageTooLong => "message_too_long",
            Self::EmptyMessage => "empty_message",
            Self::NotInRoom => "not_in_room",
            Self::TooManyRooms => "too_many_rooms",
            Self::RateLimited => "rate_limited",
            Self::ShuttingDown => "shutting_down",
            Self::Unavailable => "unavailable",
        }
    }
}

/// `code: message`, the form a socket.io connect_error carries.
impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for Rejection {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_code_names_match_serde() {
        for code in [
            ErrorCode::BadPayload,
            ErrorCode::UnknownEvent,
            ErrorCode::InvalidRoom,
            ErrorCode::InvalidNick,
            ErrorCode::MessageTooLong,
            ErrorCode::EmptyMessage,
            ErrorCode::NotInRoom,
            ErrorCode::TooManyRooms,
            ErrorCode::RateLimited,
            ErrorCode::ShuttingDown,
            ErrorCode::Unavailable,
        ] {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }
}

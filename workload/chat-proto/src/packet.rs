//! Engine.io v4 / socket.io v5 text packets, the subset a websocket-only client on the main namespace needs.
//!
//! An engine.io frame starts with its type digit (`0` open, `2` ping, `3` pong, `4` message). A socket.io
//! packet rides in a `4` frame and starts with its own type digit (`0` connect, `1` disconnect, `2` event,
//! `3` ack, `4` connect error), then an optional ack id in decimal, then JSON.

use serde_json::Value;

/// One decoded text frame from the server.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerFrame {
    /// Engine.io open (`0{...}`): the handshake.
    Open,
    /// Engine.io ping (`2`): the client must answer with a pong.
    Ping,
    /// Engine.io close (`1`).
    Close,
    /// Socket.io connect acknowledged (`40{...}`).
    Connected,
    /// Socket.io connect error (`44{...}`).
    ConnectError(String),
    /// Socket.io disconnect from the server (`41`).
    Disconnect,
    /// Socket.io event (`42[...]`), with an ack id when the server waits for an answer.
    Event {
        name: String,
        args: Vec<Value>,
        ack: Option<u64>,
    },
    /// Socket.io ack (`43<id>[...]`).
    Ack { id: u64, args: Vec<Value> },
    /// Anything this client does not use (binary placeholders, other namespaces, noops).
    Other,
}

/// Decodes a text frame. Errors only on broken JSON in an event or ack, which a correct server never sends.
pub fn decode(frame: &str) -> Result<ServerFrame, serde_json::Error> {
    let mut chars = frame.chars();
    match chars.next() {
        Some('0') => Ok(ServerFrame::Open),
        Some('1') => Ok(ServerFrame::Close),
        Some('2') => Ok(ServerFrame::Ping),
        Some('4') => decode_socketio(chars.as_str()),
        _ => Ok(ServerFrame::Other),
    }
}

fn decode_socketio(body: &str) -> Result<ServerFrame, serde_json::Error> {
    let Some(kind) = body.chars().next() else {
        return Ok(ServerFrame::Other);
    };
    let rest = &body[1..];
    if rest.starts_with('/') {
        // Another namespace: this client only ever joins "/".
        return Ok(ServerFrame::Other);
    }
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let ack = rest[..digits].parse::<u64>().ok();
    let json = &rest[digits..];
    match kind {
        '0' => Ok(ServerFrame::Connected),
        '1' => Ok(ServerFrame::Disconnect),
        '4' => Ok(ServerFrame::ConnectError(json.to_string())),
        '2' => {
            let mut args: Vec<Value> = serde_json::from_str(json)?;
            if args.is_empty() {
                return Ok(ServerFrame::Other);
            }
            let name = match args.remove(0) {
                Value::String(s) => s,
                other => other.to_string(),
            };
            Ok(ServerFrame::Event { name, args, ack })
        }
        '3' => match ack {
            Some(id) => Ok(ServerFrame::Ack {
                id,
                args: serde_json::from_str(json)?,
            }),
            None => Ok(ServerFrame::Other),
        },
        _ => Ok(ServerFrame::Other),
    }
}

/// Encodes an event, `42[name,data]` or `42<ack>[name,data]`.
pub fn encode_event(name: &str, data: &Value, ack: Option<u64>) -> String {
    let body = serde_json::to_string(&(name, data)).unwrap_or_else(|_| "[]".into());
    match ack {
        Some(id) => format!("42{id}{body}"),
        None => format!("42{body}"),
    }
}

/// The socket.io connect packet for the main namespace.
pub const CONNECT: &str = "40";
/// The engine.io pong answering a ping.
pub const PONG: &str = "3";

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_events_acks_and_control_frames() {
        assert_eq!(decode("0{\"sid\":\"x\"}").unwrap(), ServerFrame::Open);
        assert_eq!(decode("2").unwrap(), ServerFrame::Ping);
        assert_eq!(decode("40{\"sid\":\"y\"}").unwrap(), ServerFrame::Connected);
        assert_eq!(
            decode("42[\"message\",{\"a\":1}]").unwrap(),
            ServerFrame::Event {
                name: "message".into(),
                args: vec![json!({"a":1})],
                ack: None
            }
        );
        assert_eq!(
            decode("4317[{\"ok\":true}]").unwrap(),
            ServerFrame::Ack {
                id: 17,
                args: vec![json!({"ok":true})]
            }
        );
        assert_eq!(
            decode("44{\"message\":\"no\"}").unwrap(),
            ServerFrame::ConnectError("{\"message\":\"no\"}".into())
        );
        assert_eq!(decode("42/admin,[\"x\"]").unwrap(), ServerFrame::Other);
        assert!(decode("42[not json").is_err());
    }

    #[test]
    fn encodes_events_with_and_without_ack() {
        assert_eq!(
            encode_event("join", &json!({"room":"a"}), None),
            "42[\"join\",{\"room\":\"a\"}]"
        );
        assert_eq!(encode_event("join", &json!(1), Some(5)), "425[\"join\",1]");
    }
}

//! A socket's events, as one handler's payload.
//!
//! socketioxide keeps each socket's named handlers in a hash map of the socket's own: the chat's four events
//! cost every connection 344 bytes (eight 40-byte slots and their control bytes) for a table that is the same
//! on every socket. The chat registers a single fallback handler instead, which takes the whole payload,
//! reads the event's name and dispatches with a match, at no cost per connection.

use std::convert::Infallible;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use socketioxide::adapter::Adapter;
use socketioxide::extract::TryData;
use socketioxide::handler::{FromMessage, Value};
use socketioxide::socket::Socket;
use socketioxide_core::parser::Parse;
use socketioxide_parser_common::CommonParser;

/// An event's raw payload, `[name, data]`. It is decoded with socket.io's common parser, which is the one
/// this server's `SocketIo` uses (socketioxide's default).
pub struct Payload(Value);

impl<A: Adapter> FromMessage<A> for Payload {
    type Error = Infallible;

    fn from_message(_: Arc<Socket<A>>, v: Value, _: Option<i64>) -> Result<Self, Infallible> {
        Ok(Self(v))
    }
}

impl Payload {
    /// The event's name. socketioxide read it already to find the handler, so it is always there.
    pub fn event(&self) -> &str {
        CommonParser.read_event(&self.0).unwrap_or_default()
    }

    /// The event's data as `T`, as socketioxide's own `TryData` extractor gives it.
    pub fn data<T: DeserializeOwned>(&mut self) -> TryData<T> {
        TryData(CommonParser.decode_value(&mut self.0, true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use escala_chat_proto::JoinRequest;
    use socketioxide_core::Str;

    fn payload(text: &'static str) -> Payload {
        Payload(Value::Str(Str::from(text), None))
    }

    #[test]
    fn the_name_and_the_data_are_read_as_socketioxide_reads_them() {
        let mut p = payload(r#"["join",{"room":"lobby","nick":"ana"}]"#);
        assert_eq!(p.event(), "join");
        let TryData(join) = p.data::<JoinRequest>();
        let join = join.unwrap();
        assert_eq!((join.room.as_str(), join.nick.as_str()), ("lobby", "ana"));
    }

    #[test]
    fn data_of_the_wrong_shape_is_an_error_for_the_handler_to_answer() {
        let mut p = payload(r#"["join",{"room":3}]"#);
        assert!(p.data::<JoinRequest>().0.is_err());
    }
}

//! Answering a client: on the event's acknowledgement callback when it passed one, otherwise with a
//! `chat_error` event, so that a rejection always reaches the client.

use std::convert::Infallible;
use std::sync::Arc;

use escala_chat_proto::{EV_ERROR, Rejection};
use serde::Serialize;
use socketioxide::adapter::Adapter;
use socketioxide::extract::{AckSender, SocketRef};
use socketioxide::handler::{FromMessageParts, Value};
use socketioxide::socket::Socket;

pub struct Reply<A: Adapter> {
    ack: AckSender<A>,
    socket: SocketRef<A>,
    has_callback: bool,
}

impl<A: Adapter> FromMessageParts<A> for Reply<A> {
    type Error = Infallible;

    fn from_message_parts(
        s: &Arc<Socket<A>>,
        v: &mut Value,
        ack_id: &Option<i64>,
    ) -> Result<Self, Infallible> {
        Ok(Self {
            ack: AckSender::from_message_parts(s, v, ack_id)?,
            socket: SocketRef::from_message_parts(s, v, ack_id)?,
            has_callback: ack_id.is_some(),
        })
    }
}

/// The `chat_error` event's payload: the rejection plus the event it answers.
#[derive(Serialize)]
struct ErrorEvent<'a> {
    event: &'a str,
    #[serde(flatten)]
    rejection: &'a Rejection,
}

impl<A: Adapter> Reply<A> {
    /// Sends a success acknowledgement (nothing when the client passed no callback).
    pub fn ok<T: Serialize + ?Sized>(self, body: &T) {
        if let Err(e) = self.ack.send(body) {
            tracing::debug!(error = %e, "could not send ack");
        }
    }

    /// Rejects the event: `err_body` on the callback, or a `chat_error` event naming `event`.
    pub fn reject<T: Serialize + From<Rejection>>(self, event: &str, rejection: Rejection) {
        tracing::debug!(event, code = ?rejection.code, socket = %self.socket.id, "rejected");
        if self.has_callback {
            self.ok(&T::from(rejection));
        } else if let Err(e) = self.socket.emit(
            EV_ERROR,
            &ErrorEvent {
                event,
                rejection: &rejection,
            },
        ) {
            tracing::debug!(error = %e, "could not send chat_error");
        }
    }
}

//! A websocket-only socket.io v5 client on the main namespace.
//!
//! Each connection runs one task that owns the websocket: it answers pings, routes acks to their waiters and
//! forwards events, stamped with the time they were read, to the owner of the [`Client`].

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

use crate::error::ProtoError;
use crate::events::now_us;
use crate::packet::{self, ServerFrame};

type AckWaiters = Arc<Mutex<HashMap<u64, oneshot::Sender<Vec<Value>>>>>;

/// Something the server sent that is not an ack.
#[derive(Debug, Clone)]
pub enum Incoming {
    Event {
        name: String,
        args: Vec<Value>,
        /// Wall clock in microseconds since the epoch when the frame was read off the socket.
        received_at_us: u64,
    },
    /// The connection ended (server disconnect, close frame, or transport error).
    Closed,
}

pub struct Client {
    outgoing: mpsc::UnboundedSender<Message>,
    incoming: mpsc::UnboundedReceiver<Incoming>,
    acks: AckWaiters,
    next_ack: AtomicU64,
}

/// Turns `http://host:port` into the socket.io websocket endpoint.
fn endpoint(base: &str) -> Result<String, ProtoError> {
    let rest = base
        .strip_prefix("http://")
        .or_else(|| base.strip_prefix("ws://"))
        .ok_or_else(|| ProtoError::BadUrl(base.to_string()))?;
    Ok(format!(
        "ws://{}/socket.io/?EIO=4&transport=websocket",
        rest.trim_end_matches('/')
    ))
}

impl Client {
    /// Opens the websocket, completes the engine.io and socket.io handshakes, and returns once the server has
    /// accepted the namespace connection.
    pub async fn connect(base_url: &str) -> Result<Self, ProtoError> {
        // Nagle off: chat packets are small and latency is what the load generator measures.
        let (ws, _) =
            tokio_tungstenite::connect_async_with_config(endpoint(base_url)?, None, true).await?;
        let (mut sink, mut stream) = ws.split();

        // Handshake inline, before spawning, so that connect errors reach the caller.
        let mut sent_connect = false;
        loop {
            let Some(msg) = stream.next().await else {
                return Err(ProtoError::ClosedDuringHandshake);
            };
            let Message::Text(text) = msg? else { continue };
            match packet::decode(&text)? {
                ServerFrame::Open if !sent_connect => {
                    sink.send(Message::text(packet::CONNECT)).await?;
                    sent_connect = true;
                }
                ServerFrame::Ping => sink.send(Message::text(packet::PONG)).await?,
                ServerFrame::Connected => break,
                ServerFrame::ConnectError(reason) => {
                    return Err(ProtoError::ConnectRefused(reason));
                }
                ServerFrame::Close | ServerFrame::Disconnect => {
                    return Err(ProtoError::ClosedDuringHandshake);
                }
                _ => return Err(ProtoError::UnexpectedHandshake(text.to_string())),
            }
        }

        let (out_tx, mut out_rx) = mpsc::unbounded_channel::<Message>();
        let (in_tx, in_rx) = mpsc::unbounded_channel();
        let acks: AckWaiters = Arc::default();
        let task_acks = acks.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    out = out_rx.recv() => {
                        // All senders gone means the Client was dropped: close politely.
                        let Some(out) = out else { let _ = sink.close().await; break };
                        if sink.send(out).await.is_err() { break }
                    }
                    msg = stream.next() => {
                        let Some(Ok(msg)) = msg else { break };
                        let received_at_us = now_us();
                        let Message::Text(text) = msg else {
                            if matches!(msg, Message::Close(_)) { break }
                            continue
                        };
                        match packet::decode(&text) {
                            Ok(ServerFrame::Ping) => {
                                if sink.send(Message::text(packet::PONG)).await.is_err() { break }
                            }
                            Ok(ServerFrame::Event { name, args, .. }) => {
                                let _ = in_tx.send(Incoming::Event { name, args, received_at_us });
                            }
                            Ok(ServerFrame::Ack { id, args }) => {
                                let waiter = task_acks.lock().ok().and_then(|mut m| m.remove(&id));
                                if let Some(waiter) = waiter { let _ = waiter.send(args); }
                            }
                            Ok(ServerFrame::Close | ServerFrame::Disconnect) => break,
                            Ok(_) | Err(_) => {}
                        }
                    }
                }
            }
            // Waiters whose ack can no longer come learn it when their sender is dropped here.
            if let Ok(mut m) = task_acks.lock() {
                m.clear();
            }
            let _ = in_tx.send(Incoming::Closed);
        });

        Ok(Self {
            outgoing: out_tx,
            incoming: in_rx,
            acks,
            next_ack: AtomicU64::new(0),
        })
    }

    /// Sends a raw text frame, bypassing encoding (tests use it to send malformed packets).
    pub fn send_raw(&self, frame: impl Into<String>) -> Result<(), ProtoError> {
        self.outgoing
            .send(Message::text(frame.into()))
            .map_err(|_| ProtoError::Closed)
    }

    /// Emits an event without asking for an acknowledgement.
    pub fn emit<T: Serialize + ?Sized>(&self, event: &str, data: &T) -> Result<(), ProtoError> {
        let value = serde_json::to_value(data)?;
        self.send_raw(packet::encode_event(event, &value, None))
    }

    /// Emits an event with an ack id and returns a receiver for the ack's arguments, so that a caller can keep
    /// many acks in flight.
    pub fn emit_with_ack_rx<T: Serialize + ?Sized>(
        &self,
        event: &str,
        data: &T,
    ) -> Result<oneshot::Receiver<Vec<Value>>, ProtoError> {
        let value = serde_json::to_value(data)?;
        let id = self.next_ack.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        if let Ok(mut m) = self.acks.lock() {
            m.insert(id, tx);
        }
        self.send_raw(packet::encode_event(event, &value, Some(id)))?;
        Ok(rx)
    }

    /// Emits an event and waits for the first argument of its acknowledgement, decoded as `R`.
    pub async fn request<T: Serialize + ?Sized, R: DeserializeOwned>(
        &self,
        event: &str,
        data: &T,
    ) -> Result<R, ProtoError> {
        let rx = self.emit_with_ack_rx(event, data)?;
        let mut args = rx.await.map_err(|_| ProtoError::AckLost)?;
        let first = if args.is_empty() {
            Value::Null
        } else {
            args.swap_remove(0)
        };
        Ok(serde_json::from_value(first)?)
    }

    /// The next event from the server; [`Incoming::Closed`] once, then `None`.
    pub async fn next(&mut self) -> Option<Incoming> {
        self.incoming.recv().await
    }
}

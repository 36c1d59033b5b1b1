//! What the Escala chat's server, its tests and its load generator agree on: the event names and payloads
//! of the chat protocol, and a small socket.io v5 client over a websocket.
//!
//! The client is hand-written on purpose: the load generator needs to timestamp every received packet the
//! moment it is read and to keep thousands of connections cheap, and the tests need to send malformed
//! packets that a well-behaved client library would refuse to produce.

pub mod client;
pub mod error;
pub mod events;
pub mod packet;

pub use client::{Client, Incoming};
pub use error::ProtoError;
pub use events::*;

//! AWS for Escala: the network as engine tasks, discovery and deletion by tags, how to connect
//! (sandbox, keyring, the SDK's default chain), and the least-privilege deploy user.
//!
//! [`session::Session`] is the one API the CLI and the desktop app both call.

pub mod asg;
pub mod connect;
pub mod context;
pub mod credentials;
pub mod deploy_user;
pub mod error;
pub mod inventory;
pub mod metrics;
pub mod network;
pub mod policy;
pub mod profiles;
pub mod regions;
mod sdk;
pub mod session;

pub use error::AwsError;

//! AWS for Escala: resource kinds and tasks, grouped in routes that plug in (`routes`), discovery
//! and deletion by tags, how to connect (sandbox, keyring, the SDK's default chain), and the
//! least-privilege deploy user made from the routes' own permissions.
//!
//! [`session::Session`] is what the stacks API drives for one stack in one region.

pub mod account;
pub mod connect;
pub mod context;
pub mod credentials;
pub mod deploy_user;
pub mod error;
mod fingerprint;
pub mod iam;
pub mod metrics;
pub mod policy;
mod preflight;
pub mod profiles;
pub mod regions;
pub mod route;
pub mod routes;
mod sdk;
pub mod session;

pub use error::AwsError;

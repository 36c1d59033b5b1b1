//! Escala's engine core.
//!
//! Everything here is independent of any cloud and of any user interface: the [`spec::Spec`] a user
//! writes and its [`routes`], its validation into a [`validate::ValidSpec`], the [`task::Resource`]
//! and [`kind::Kind`] abstractions cloud crates implement, the [`plan::Plan`] of changes, and the
//! [`executor`] that applies a plan concurrently with retries, deadlines, cancellation and progress
//! events, and deletes in the order the kinds' edges give. [`scaling`] holds AWS's scaling
//! algorithms, pure, for the sandbox runtime and the what-if simulator.

pub mod cidr;
pub mod cost;
mod delete;
pub mod error;
pub mod executor;
pub mod failure;
pub mod graph;
pub mod instances;
pub mod inventory;
pub mod kind;
pub mod network;
pub mod options;
pub mod plan;
pub mod planner;
pub mod progress;
pub mod retry;
pub mod routes;
pub mod scaling;
pub mod sensitive;
pub mod spec;
pub mod store;
pub mod tags;
pub mod task;
pub mod validate;

pub use error::CoreError;

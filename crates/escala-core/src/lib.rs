//! Escala's engine core.
//!
//! Everything here is independent of any cloud and of any user interface: the [`spec::Spec`] a user
//! writes, its validation into a [`network::ResolvedNetwork`], the [`task::Task`] abstraction that cloud
//! crates implement, the [`plan::Plan`] of changes, and the [`executor`] that applies a plan
//! concurrently with retries, deadlines, cancellation and progress events.

pub mod asg;
pub mod cidr;
pub mod cost;
pub mod error;
pub mod executor;
pub mod graph;
pub mod network;
pub mod plan;
pub mod planner;
pub mod progress;
pub mod retry;
pub mod sensitive;
pub mod spec;
pub mod store;
pub mod tags;
pub mod task;
pub mod validate;
mod validate_asg;

pub use error::CoreError;

//! The sandbox runtime: makes the emulator behave like AWS, not only accept its calls.
//!
//! moto stores what it is told; it evaluates no alarm and listens on no load balancer. Beside
//! it, this runtime reads the emulator's state each round ([`world`]) and:
//! - runs each group's instances as local processes of a [`workload`] ([`instances`]);
//! - serves each load balancer on loopback, with health checks and stickiness ([`balancer`]);
//! - publishes the metrics AWS publishes, at its periods, from the work really served
//!   ([`metrics`]);
//! - evaluates the alarms and runs the scaling policies with AWS's algorithms
//!   (`escala_core::scaling`), through AWS's own API on the emulator ([`scaler`]);
//! - keeps each warm pool at its size ([`warm_pool`]);
//! - runs each ECS service's tasks as local processes of the chat server, with a real Redis for
//!   each replication group, publishes ECS's and ElastiCache's metrics, and runs Application
//!   Auto Scaling's policies and schedules on the services ([`services`]);
//! - plays the nodes, kubelet, the load balancer controller, the HPA and cluster-autoscaler of
//!   each EKS cluster that has an API server (`clusters`);
//!
//! all at a time factor ([`escala_sandbox::Speed`]).

pub mod balancer;
mod clock;
mod clusters;
mod emulator;
mod error;
pub mod instances;
mod metrics;
mod run;
mod scaler;
mod serve;
pub mod services;
mod warm_pool;
pub mod workload;
pub mod world;

pub use error::RuntimeError;
pub use run::{Runtime, Settings};
pub use serve::{serve, Live};

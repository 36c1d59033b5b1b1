//! What-if: the routes on one demand trace, side by side. Pure and deterministic: no AWS, no
//! clock, the same input giving the same output bit for bit. Each route runs the scaling
//! algorithms the sandbox's runtime runs (`escala_core::scaling`: CloudWatch's alarms, target
//! tracking, the HPA, cluster-autoscaler), with the delays between a decision and its capacity
//! as named parameters ([`Delays`]), a second at a time:
//! - [`asg`] and [`fargate`]: a group behind a load balancer, sized by target tracking
//!   ([`group`], [`tracking`]);
//! - [`kube`]: the demo's pods under the HPA on cluster-autoscaler's nodes.
//!
//! Demand is a [`Trace`] (a built-in [`shapes::Shape`], or a CSV); each request costs the demo
//! workload's CPU (`escala_core::scaling::work`), so a unit serves what its vCPUs serve. Each
//! route yields an [`Outcome`]: its timeline and the figures to compare it by.

pub mod asg;
pub mod chart;
pub mod delays;
mod error;
pub mod fargate;
pub mod group;
pub mod kube;
mod model;
pub mod outcome;
pub mod pool;
mod registry;
pub mod schedule;
pub mod setting;
pub mod shapes;
pub mod step;
pub mod sweep;
pub mod trace;
pub mod tracking;
pub mod warm;

pub use delays::Delays;
pub use error::SimError;
pub use model::{Model, SimRoute};
pub use outcome::{Outcome, Sample, Summary};
pub use registry::{route, simulate, ROUTES};
pub use trace::Trace;

/// The seeds: the Specs a comparison runs when the user gives none (asg, fargate, kubernetes).
pub const SEEDS: [&str; 3] = [
    include_str!("../../../examples/seed-asg.yaml"),
    include_str!("../../../examples/seed-fargate.yaml"),
    include_str!("../../../examples/seed-eks.yaml"),
];

//! The `fargate` route: the seed's third case study, its socket.io + Redis chat in containers on
//! ECS Fargate behind an Application Load Balancer with sticky sessions, scaled horizontally by
//! Application Auto Scaling, with Redis carrying messages between the tasks.

mod cost;
mod rules;
mod spec;

pub use rules::{memory_range, FargateRule};
pub use spec::*;

use crate::cost::CostEstimate;
use crate::network::ResolvedNetwork;
use crate::routes::{NetworkShape, RouteSection};
use crate::validate::ValidationError;

impl RouteSection for FargateSpec {
    fn check(&self, network: &NetworkShape) -> Vec<ValidationError> {
        rules::check(self, network)
    }

    fn cost(&self, network: &ResolvedNetwork, region: &str, estimate: &mut CostEstimate) {
        cost::add(self, network, region, estimate)
    }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod rules_tests;

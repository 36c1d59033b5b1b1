//! The `asg` route: EC2 instances in an Auto Scaling Group behind an Application Load Balancer, as
//! the seed's first case study does by hand, the way it is done today (launch templates, target
//! tracking, instance refresh).

mod cost;
mod rules;
mod spec;

pub use rules::AsgRule;
pub use spec::*;

use crate::cost::CostEstimate;
use crate::network::ResolvedNetwork;
use crate::routes::{NetworkShape, RouteSection};
use crate::validate::ValidationError;

impl RouteSection for AsgSpec {
    /// The load balancer's rule waits for valid subnets: until then it can't count their zones.
    fn check(&self, network: &NetworkShape) -> Vec<ValidationError> {
        rules::check(self, network.public_zones.unwrap_or(usize::MAX))
    }

    fn cost(&self, network: &ResolvedNetwork, region: &str, estimate: &mut CostEstimate) {
        cost::add(self, network, region, estimate)
    }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod rules_tests;

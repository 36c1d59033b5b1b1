//! The `kubernetes` route: the seed's second case study, a Kubernetes cluster whose nodes
//! cluster-autoscaler scales, on EKS (AWS's managed control plane).

mod cost;
mod eks;
mod in_cluster;
mod in_cluster_rules;
mod rule;
mod rules;
mod spec;
pub mod versions;

pub use rule::KubernetesRule;
pub use spec::*;

use crate::cost::CostEstimate;
use crate::network::ResolvedNetwork;
use crate::routes::{NetworkShape, RouteSection};
use crate::validate::ValidationError;

impl RouteSection for KubernetesSpec {
    fn check(&self, network: &NetworkShape) -> Vec<ValidationError> {
        rules::check(self, network)
    }

    fn cost(&self, _network: &ResolvedNetwork, region: &str, estimate: &mut CostEstimate) {
        cost::add(self, region, estimate)
    }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod rules_tests;

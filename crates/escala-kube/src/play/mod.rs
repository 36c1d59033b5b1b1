//! What a cluster's nodes and its cloud's controllers do, for a sandbox that has an API server and
//! no machines (in KWOK's way): nodes registered with their instance's capacity and kept Ready by
//! their leases, pods bound and reported Running, the replicas an autoscaler chose set through the
//! scale subresource with the HPA's status, a Service's load balancer published, and a claim's EBS
//! volume provided. Whoever
//! plays them (escala-runtime) decides what to do; these are the API calls, under their own field
//! manager so that Escala's applies and the sandbox's writes never take each other's fields.

mod nodes;
mod pods;
mod quantity;
mod scale;
mod services;
mod volumes;

pub use nodes::{heartbeat, played_nodes, register, remove, NodeSpec, Taint};
pub use pods::{bind, finish, pods, started, unschedulable, PodView};
pub use quantity::{cpu_millis, memory_mib};
pub use scale::{
    autoscaler_flags, hpas, report, scale_of, set_replicas, HpaReport, HpaView, Scale,
};
pub use services::{load_balancers, publish, LbService};
pub use volumes::{provide, released, remove_volume, waiting_claims, ClaimView, EBS_DRIVER};

/// The field manager the sandbox's writes are recorded under.
pub const FIELD_MANAGER: &str = "escala-sandbox";
/// Marks the nodes the sandbox plays, so that it lists (and removes) only those.
pub const PLAYED: &str = "escala.dev/sandbox-node";

/// Equality-based label selectors (`a=b,c=d`, what a Deployment's scale reports): whether
/// `labels` match.
pub fn matches(selector: &str, labels: &std::collections::BTreeMap<String, String>) -> bool {
    selector
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .all(|term| match term.split_once('=') {
            Some((k, v)) => {
                let k = k.trim().trim_end_matches('=');
                labels.get(k).map(String::as_str) == Some(v.trim().trim_start_matches('='))
            }
            None => false,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn selectors_match_every_term() {
        let labels = BTreeMap::from([
            ("app".into(), "php-apache".into()),
            ("tier".into(), "web".into()),
        ]);
        assert!(matches("app=php-apache", &labels));
        assert!(matches("app==php-apache,tier=web", &labels));
        assert!(!matches("app=php-apache,tier=db", &labels));
        assert!(
            !matches("app", &labels),
            "an existence term isn't what a scale reports"
        );
        assert!(matches("", &labels));
    }
}

//! What the objects are made from: the stack, its cluster, the Spec's in-cluster fields and the
//! tags, and the helper every object file builds its typed objects with.

use std::collections::BTreeMap;

use escala_core::routes::kubernetes::{ClusterAutoscaler, Demo, Storage};

/// The demo's namespace: its app, its HPA and its claim.
pub const DEMO_NAMESPACE: &str = "demo";

/// What a stack runs in its cluster.
#[derive(Debug, Clone)]
pub struct InCluster<'a> {
    pub stack: &'a str,
    /// The cluster's name, as its node groups' auto-discovery tags carry it.
    pub cluster: &'a str,
    pub autoscaler: &'a ClusterAutoscaler,
    pub demo: &'a Demo,
    /// The demo's image: the Spec's, or the one Escala built for the chat.
    pub demo_image: Option<&'a str>,
    pub storage: &'a Storage,
    /// The stack's tags, put on every EBS volume the driver makes and on the demo's load
    /// balancer, so that a teardown finds them even when the cluster is gone.
    pub tags: &'a BTreeMap<String, String>,
}

/// Parses a typed object from its JSON: the object files' shapes are checked against k8s-openapi's
/// types where they are made, rather than trusted.
pub(super) fn typed<K: serde::de::DeserializeOwned>(value: serde_json::Value) -> K {
    serde_json::from_value(value).expect("the object fits its Kubernetes type")
}

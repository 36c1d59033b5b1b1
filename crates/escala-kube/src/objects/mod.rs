//! The objects Escala puts in a cluster for a stack, in the order they are applied: each group in
//! its own file, built from the Spec's in-cluster fields. Nothing here knows which provider made
//! the cluster: the caller passes the cluster's name and the stack's tags.

mod autoscaler;
mod demo;
mod storage;

use std::collections::BTreeMap;

use escala_core::routes::kubernetes::{ClusterAutoscaler, Demo, DemoApp, Storage};
use k8s_openapi::api::core::v1::Namespace;
use serde_json::json;

use crate::object::Desired;

pub use autoscaler::{AUTOSCALER, AUTOSCALER_NAMESPACE};
pub use demo::DEMO_NAMESPACE;
pub use storage::{CLAIM, STORAGE_CLASS};

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

impl InCluster<'_> {
    /// Every object, each after those it needs (a namespace before what it holds, a role before
    /// its binding).
    pub fn objects(&self) -> Vec<Desired> {
        let mut objects = Vec::new();
        let demo = self.demo.app != DemoApp::None;
        if demo || self.storage.claim_gib.is_some() {
            objects.push(Desired::of(self.stack, namespace(DEMO_NAMESPACE)));
        }
        objects.extend(storage::objects(self));
        if demo {
            objects.extend(demo::objects(self));
        }
        if self.autoscaler.enabled {
            objects.extend(autoscaler::objects(self));
        }
        objects
    }
}

fn namespace(name: &str) -> Namespace {
    serde_json::from_value(json!({"metadata": {"name": name}})).expect("a namespace")
}

/// Parses a typed object from its JSON: the shapes below are checked against k8s-openapi's
/// types here, once, rather than trusted.
fn typed<K: serde::de::DeserializeOwned>(value: serde_json::Value) -> K {
    serde_json::from_value(value).expect("the object fits its Kubernetes type")
}

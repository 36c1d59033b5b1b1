//! The objects Escala puts in a cluster for a stack, in the order they are applied: each group in
//! its own file, built from the Spec's in-cluster fields. Nothing here knows which provider made
//! the cluster: the caller passes the cluster's name and the stack's tags.

mod autoscaler;
mod demo;
mod input;
mod storage;

use escala_core::routes::kubernetes::DemoApp;
use k8s_openapi::api::core::v1::Namespace;
use serde_json::json;

use crate::object::Desired;

pub use autoscaler::{AUTOSCALER, AUTOSCALER_NAMESPACE};
pub use input::{InCluster, DEMO_NAMESPACE};
pub use storage::CLAIM;

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
    input::typed(json!({"metadata": {"name": name}}))
}

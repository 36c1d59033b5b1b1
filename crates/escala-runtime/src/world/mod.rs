//! The emulator's state the runtime acts on, read in one call (`/moto-api/escala/world`, the
//! launcher's fix 12): groups and their instances, target groups, load balancers, alarms, and
//! ECS services with their tasks, scalable targets and caches (fixes 15 to 17), and EKS clusters
//! with their node groups and API servers (fix 20).

mod alarms;
mod balancers;
mod clusters;
mod groups;
mod place;
mod services;

use serde::Deserialize;

pub use alarms::{Alarm, Dimension};
pub use balancers::{Forward, HealthCheck, Listener, LoadBalancer, Target, TargetGroup};
pub use clusters::{ClusterApi, KubeCluster, NodeGroup, NodeGroupTaint, NodeShape};
pub use groups::{Group, Instance, Policy, Scheduled, StepAdjustment, WarmPool};
pub use place::Place;
pub use services::{
    Cache, Container, EcsService, EcsTask, ScalableTarget, ServiceLoadBalancer, TargetSchedule,
    TrackingPolicy,
};

use crate::RuntimeError;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct World {
    pub groups: Vec<Group>,
    pub target_groups: Vec<TargetGroup>,
    pub load_balancers: Vec<LoadBalancer>,
    pub alarms: Vec<Alarm>,
    #[serde(default)]
    pub services: Vec<EcsService>,
    #[serde(default)]
    pub scalable_targets: Vec<ScalableTarget>,
    #[serde(default)]
    pub caches: Vec<Cache>,
    #[serde(default)]
    pub clusters: Vec<KubeCluster>,
}

impl World {
    pub async fn read(endpoint: &str) -> Result<Self, RuntimeError> {
        let endpoint = endpoint.to_string();
        let text = tokio::task::spawn_blocking(move || {
            escala_sandbox::get(&endpoint, "/moto-api/escala/world")
        })
        .await
        .map_err(|e| RuntimeError::Emulator(e.to_string()))??;
        serde_json::from_str(&text).map_err(|e| RuntimeError::Emulator(format!("world: {e}")))
    }

    pub fn target_group(&self, arn: &str) -> Option<&TargetGroup> {
        self.target_groups.iter().find(|t| t.arn == arn)
    }
}

/// A number moto kept as JSON number or text.
pub fn number(v: &serde_json::Value) -> Option<f64> {
    match v {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

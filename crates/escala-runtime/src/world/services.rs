//! ECS services and their tasks (launcher fix 16), Application Auto Scaling's scalable targets
//! with their policies and schedules (fix 17), and the caches' endpoints (fix 15).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::Place;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EcsService {
    #[serde(flatten)]
    pub place: Place,
    pub cluster: String,
    pub name: String,
    /// ACTIVE, DRAINING (deleted, its tasks stopping) or INACTIVE.
    pub status: String,
    pub desired: u32,
    /// The task's size: CPU units (1024 a vCPU) and MiB.
    pub cpu: u32,
    pub memory: u32,
    pub containers: Vec<Container>,
    pub load_balancers: Vec<ServiceLoadBalancer>,
    pub health_check_grace_seconds: u32,
    pub tasks: Vec<EcsTask>,
}

impl EcsService {
    /// The resource id Application Auto Scaling names it by.
    pub fn resource_id(&self) -> String {
        format!("service/{}/{}", self.cluster, self.name)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    pub name: Option<String>,
    pub environment: BTreeMap<String, String>,
    pub ports: Vec<u16>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceLoadBalancer {
    pub target_group: Option<String>,
    pub container_port: u16,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EcsTask {
    pub arn: String,
    /// Its network interface's private IP: the target the load balancer knows it by.
    pub ip: Option<String>,
    pub last_status: String,
    pub desired_status: String,
    pub capacity_provider: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScalableTarget {
    #[serde(flatten)]
    pub place: Place,
    pub namespace: String,
    pub resource: String,
    pub dimension: String,
    pub min: u32,
    pub max: u32,
    pub policies: Vec<TrackingPolicy>,
    pub scheduled: Vec<TargetSchedule>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrackingPolicy {
    pub name: String,
    pub arn: String,
    #[serde(rename = "type")]
    pub policy_type: String,
    pub target_value: Option<f64>,
    pub disable_scale_in: bool,
    pub scale_out_cooldown: u32,
    pub scale_in_cooldown: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetSchedule {
    pub name: String,
    pub schedule: String,
    pub time_zone: Option<String>,
    pub min: Option<u32>,
    pub max: Option<u32>,
}

/// A replication group's primary endpoint, as the tasks' REDIS_URL names it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cache {
    #[serde(flatten)]
    pub place: Place,
    pub id: String,
    pub status: String,
    pub address: String,
    pub port: u16,
    /// The member the ElastiCache metrics name (CacheClusterId).
    pub member: String,
}

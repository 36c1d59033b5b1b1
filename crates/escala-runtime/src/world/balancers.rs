//! Load balancers, their listeners, and target groups with their targets.

use serde::Deserialize;

use super::Place;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetGroup {
    #[serde(flatten)]
    pub place: Place,
    pub arn: String,
    pub name: String,
    pub port: Option<u16>,
    pub protocol: Option<String>,
    pub health_check: HealthCheck,
    pub attributes: std::collections::BTreeMap<String, String>,
    pub targets: Vec<Target>,
    pub load_balancers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthCheck {
    pub enabled: bool,
    pub path: String,
    pub interval_seconds: u32,
    pub timeout_seconds: u32,
    pub healthy_threshold: u32,
    pub unhealthy_threshold: u32,
    pub matcher: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
pub struct Target {
    pub id: String,
    pub port: u16,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadBalancer {
    #[serde(flatten)]
    pub place: Place,
    pub arn: String,
    pub name: String,
    pub dns_name: String,
    pub listeners: Vec<Listener>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Listener {
    pub arn: String,
    pub port: u16,
    pub protocol: String,
    pub forward: Vec<Forward>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Forward {
    pub target_group: String,
    pub weight: u32,
}

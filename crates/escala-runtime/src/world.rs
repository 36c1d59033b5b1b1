//! The emulator's state the runtime acts on, read in one call (`/moto-api/escala/world`, the
//! launcher's fix 12): groups and their instances, target groups, load balancers, alarms.

use serde::Deserialize;

use crate::RuntimeError;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct World {
    pub groups: Vec<Group>,
    pub target_groups: Vec<TargetGroup>,
    pub load_balancers: Vec<LoadBalancer>,
    pub alarms: Vec<Alarm>,
}

/// Where an object lives: the emulator keeps one backend per account and region.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
pub struct Place {
    pub account: String,
    pub region: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    #[serde(flatten)]
    pub place: Place,
    pub name: String,
    pub min: u32,
    pub max: u32,
    pub desired: u32,
    pub grace_seconds: u32,
    pub health_check_type: String,
    pub default_cooldown: Option<u32>,
    pub default_instance_warmup: Option<u32>,
    pub collects_metrics: bool,
    pub target_groups: Vec<String>,
    pub instances: Vec<Instance>,
    pub warm_pool: Option<WarmPool>,
    pub scheduled: Vec<Scheduled>,
    pub policies: Vec<Policy>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Instance {
    pub id: String,
    #[serde(rename = "type")]
    pub instance_type: String,
    pub vcpus: u32,
    pub lifecycle: String,
    pub health: String,
}

/// A group's warm pool (launcher fix 13): its settings, and the instances it holds.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WarmPool {
    pub min_size: u32,
    pub max_prepared_capacity: Option<i64>,
    /// Where its prepared instances wait: Stopped, Running or Hibernated.
    pub state: String,
    pub instances: Vec<Instance>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scheduled {
    pub name: String,
    pub recurrence: Option<String>,
    pub time_zone: Option<String>,
    pub start_time: Option<String>,
    pub min: Option<u32>,
    pub max: Option<u32>,
    pub desired: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    pub name: String,
    pub arn: String,
    #[serde(rename = "type")]
    pub policy_type: String,
    pub adjustment_type: Option<String>,
    pub min_adjustment_magnitude: Option<serde_json::Value>,
    pub scaling_adjustment: Option<i64>,
    pub cooldown: Option<u32>,
    pub estimated_instance_warmup: Option<serde_json::Value>,
    pub step_adjustments: Vec<StepAdjustment>,
    pub target_value: Option<f64>,
    pub disable_scale_in: bool,
}

/// As moto keeps them: AWS's member names, numbers possibly as text.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StepAdjustment {
    pub metric_interval_lower_bound: Option<serde_json::Value>,
    pub metric_interval_upper_bound: Option<serde_json::Value>,
    pub scaling_adjustment: serde_json::Value,
}

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

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alarm {
    #[serde(flatten)]
    pub place: Place,
    pub name: String,
    pub namespace: String,
    pub metric: String,
    pub dimensions: Vec<Dimension>,
    pub statistic: Option<String>,
    pub period: u32,
    pub evaluation_periods: u32,
    pub datapoints_to_alarm: u32,
    pub threshold: f64,
    pub comparison: String,
    pub treat_missing: String,
    pub actions_enabled: bool,
    pub actions: Vec<String>,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
pub struct Dimension {
    pub name: String,
    pub value: String,
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

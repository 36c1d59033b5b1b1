//! Auto Scaling groups as the runtime reads them: instances, warm pools, schedules, policies.

use serde::Deserialize;

use super::Place;

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

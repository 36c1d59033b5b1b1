//! The `asg` route's Spec section: what the instances are, where they run, how many, and what
//! makes the group grow and shrink.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Amazon Linux 2023, resolved through AWS's public SSM parameter for the instance's architecture.
pub const LATEST_AMI: &str = "latest";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AsgSpec {
    /// `latest` (Amazon Linux 2023) or an AMI id of the stack's region.
    #[serde(default = "latest")]
    pub ami: String,
    #[serde(default = "small")]
    pub instance_type: String,
    /// An SSH key pair for the instances; none by default (the demo needs no login).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_pair: Option<KeyPairSpec>,
    /// A shell script run at first boot. The default serves a page naming the instance, so load
    /// spread over instances is visible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_data: Option<String>,
    /// Which subnets the instances go in. The load balancer always uses the public ones.
    #[serde(default)]
    pub subnets: Tier,
    pub capacity: Capacity,
    /// Seconds a new instance gets before failed health checks count against it.
    #[serde(default = "grace")]
    pub health_check_grace_seconds: u32,
    #[serde(default)]
    pub scaling: Scaling,
    #[serde(default)]
    pub rollout: Rollout,
}

fn latest() -> String {
    LATEST_AMI.into()
}

fn small() -> String {
    "t3.micro".into()
}

fn grace() -> u32 {
    300
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Tier {
    /// The seed's choice: instances in the public subnets, reachable only through the load balancer's
    /// security group.
    #[default]
    Public,
    /// Instances without public addresses; they reach the internet through the NAT gateway(s).
    Private,
}

/// How many instances: never fewer than `min` nor more than `max`; `desired` is where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Capacity {
    pub min: u32,
    pub desired: u32,
    pub max: u32,
}

/// An SSH key pair: made by AWS (the private key is saved where asked, readable by the user only)
/// or imported from an existing public key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyPairSpec {
    pub name: String,
    /// Create the pair and save the private key to this file (mode 0600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub save_private_key_to: Option<PathBuf>,
    /// Import this public key (OpenSSH format) instead of creating a pair.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub public_key_file: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scaling {
    /// Keep a metric near a target by adding and removing instances (AWS's recommended policy).
    /// `null` turns it off, so it is always written out: absent means the default.
    #[serde(default = "cpu_70")]
    pub target_tracking: Option<TargetTracking>,
    /// Add instances in a step when an alarm fires, on top of target tracking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<StepScaling>,
    /// Capacity changes on a schedule (business hours, a known campaign).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scheduled: Vec<ScheduledAction>,
    /// Stopped, pre-initialised instances that join faster than new ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warm_pool: Option<WarmPool>,
}

impl Default for Scaling {
    fn default() -> Self {
        Self {
            target_tracking: cpu_70(),
            step: None,
            scheduled: Vec::new(),
            warm_pool: None,
        }
    }
}

/// The seed scales out when average CPU goes over about 70%.
fn cpu_70() -> Option<TargetTracking> {
    Some(TargetTracking {
        metric: TrackedMetric::Cpu,
        target: 70.0,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TargetTracking {
    pub metric: TrackedMetric,
    /// Average CPU in percent, or requests per instance per minute.
    pub target: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum TrackedMetric {
    /// The group's average CPU utilisation.
    Cpu,
    /// Load balancer requests per instance.
    RequestsPerTarget,
}

/// A CloudWatch alarm on average CPU that adds instances when it stays above a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StepScaling {
    pub cpu_above: f64,
    /// Instances added each time the alarm fires.
    pub add: u32,
    /// Minutes the CPU must stay above the threshold.
    #[serde(default = "two")]
    pub minutes: u32,
}

fn two() -> u32 {
    2
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScheduledAction {
    pub name: String,
    /// A cron expression in UTC: minute hour day-of-month month day-of-week.
    pub cron: String,
    pub capacity: Capacity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WarmPool {
    pub min_size: u32,
}

/// How instances are replaced when the launch template changes: an instance refresh that keeps this
/// share of the group healthy (the seed did it by hand, cycling desired 2 → 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rollout {
    pub min_healthy_percentage: u32,
    /// Seconds a new instance warms up before it counts as healthy for the refresh.
    pub warmup_seconds: u32,
}

impl Default for Rollout {
    fn default() -> Self {
        Self {
            min_healthy_percentage: 90,
            warmup_seconds: 120,
        }
    }
}

/// The page each instance serves: its own instance id, read from the instance metadata service
/// (IMDSv2), so `escala load` can count how many instances answered.
pub const DEFAULT_USER_DATA: &str = r#"#!/bin/bash
set -eu
TOKEN=$(curl -s -X PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 300")
ID=$(curl -s -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/instance-id)
mkdir -p /srv/www
echo "$ID" > /srv/www/index.html
cd /srv/www && nohup python3 -m http.server 80 >/var/log/escala-web.log 2>&1 &
"#;

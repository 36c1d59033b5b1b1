//! What Escala runs inside a cluster, whichever provider made it: cluster-autoscaler, the seed's
//! demo behind a HorizontalPodAutoscaler, and EBS-backed storage. EKS and kops share these fields.

use serde::{Deserialize, Serialize};

/// cluster-autoscaler: it adds a node when pods can't be scheduled and removes an underused one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClusterAutoscaler {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// cluster-autoscaler's image: its release for the cluster's Kubernetes minor
    /// (`autoscaling/cluster-autoscaler:v1.35.0` for 1.35), as the registry you pull from serves it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Which node group grows when several could fit the pending pods.
    #[serde(default)]
    pub expander: Expander,
    /// How long a node stays underused before it is removed (cluster-autoscaler's
    /// `--scale-down-unneeded-time`, 10 minutes by default).
    #[serde(default = "ten")]
    pub scale_down_unneeded_minutes: u32,
    /// The share of a node's requested CPU and memory below which it counts as underused
    /// (`--scale-down-utilization-threshold`, 50 % by default).
    #[serde(default = "fifty")]
    pub scale_down_utilization_percent: u32,
}

impl Default for ClusterAutoscaler {
    fn default() -> Self {
        Self {
            enabled: true,
            image: None,
            expander: Expander::default(),
            scale_down_unneeded_minutes: ten(),
            scale_down_utilization_percent: fifty(),
        }
    }
}

/// cluster-autoscaler's expanders (its FAQ, "What are Expanders?").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Expander {
    Random,
    /// The group whose new node schedules the most pending pods.
    MostPods,
    /// The group that leaves the least CPU, then memory, idle: the cheapest fit.
    #[default]
    LeastWaste,
    /// The cheapest group per pod, from the cloud's prices.
    Price,
}

impl Expander {
    /// The flag's value, as cluster-autoscaler spells it.
    pub fn flag(self) -> &'static str {
        match self {
            Expander::Random => "random",
            Expander::MostPods => "most-pods",
            Expander::LeastWaste => "least-waste",
            Expander::Price => "price",
        }
    }
}

/// The demo the HorizontalPodAutoscaler scales, and that `escala kube load` loads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Demo {
    #[serde(default)]
    pub app: DemoApp,
    /// The image to run. php-apache has none of Escala's: name the seed's `hpa-example` image
    /// from the registry you use. The chat runs Escala's own image when this is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The HorizontalPodAutoscaler's bounds.
    #[serde(default = "seed_replicas")]
    pub replicas: Replicas,
    /// The average CPU use, as a percentage of each pod's request, that the HPA keeps.
    #[serde(default = "fifty")]
    pub target_cpu: u32,
    /// Each pod's CPU request in millicores: the HPA's percentages are of it, and
    /// cluster-autoscaler adds a node when the pending pods' requests don't fit.
    #[serde(default = "two_hundred")]
    pub cpu_millis: u32,
}

impl Default for Demo {
    fn default() -> Self {
        Self {
            app: DemoApp::default(),
            image: None,
            replicas: seed_replicas(),
            target_cpu: fifty(),
            cpu_millis: two_hundred(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum DemoApp {
    /// The seed's CPU burner: an Apache + PHP page that computes on every request, on port 80.
    PhpApache,
    /// The socket.io chat from `workload/`, on port 3000.
    #[default]
    Chat,
    /// No demo and no HPA.
    None,
}

impl DemoApp {
    /// The port the app listens on inside its pod.
    pub fn port(self) -> u16 {
        match self {
            DemoApp::PhpApache => 80,
            DemoApp::Chat | DemoApp::None => 3000,
        }
    }

    /// The Kubernetes name of its objects.
    pub fn name(self) -> &'static str {
        match self {
            DemoApp::PhpApache => "php-apache",
            DemoApp::Chat | DemoApp::None => "chat",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Replicas {
    pub min: u32,
    pub max: u32,
}

/// The seed's HPA: 2 to 20 pods.
fn seed_replicas() -> Replicas {
    Replicas { min: 2, max: 20 }
}

/// EBS-backed storage: a gp3 StorageClass the EBS CSI driver provisions from, and a demo claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Storage {
    /// The demo PersistentVolumeClaim's size in GiB (the seed's volumes are 10); none when absent.
    #[serde(default = "seed_claim", skip_serializing_if = "Option::is_none")]
    pub claim_gib: Option<u32>,
    /// gp3's provisioned IOPS (3,000 included in its price).
    #[serde(default = "three_thousand")]
    pub iops: u32,
    /// gp3's provisioned throughput in MiB/s (125 included).
    #[serde(default = "one_twenty_five")]
    pub throughput_mibps: u32,
}

impl Default for Storage {
    fn default() -> Self {
        Self {
            claim_gib: seed_claim(),
            iops: three_thousand(),
            throughput_mibps: one_twenty_five(),
        }
    }
}

fn seed_claim() -> Option<u32> {
    Some(10)
}

fn yes() -> bool {
    true
}

fn ten() -> u32 {
    10
}

fn fifty() -> u32 {
    50
}

fn two_hundred() -> u32 {
    200
}

fn three_thousand() -> u32 {
    3000
}

fn one_twenty_five() -> u32 {
    125
}

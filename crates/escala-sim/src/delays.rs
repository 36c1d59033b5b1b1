//! The delays between a decision and the capacity it brings, each a named parameter with its
//! default and where the default comes from (docs/SIMULATOR.md cites each).

use escala_core::scaling::{cluster_autoscaler, hpa};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delays {
    /// CloudWatch's period for the metrics scaling reads (EC2 detailed monitoring, ECS service
    /// metrics, ALB): 60 s.
    pub metric_period: u32,
    /// An EC2 instance from its launch to its web server answering: AWS documents no figure; an
    /// Amazon Linux instance with the seed's user data typically takes about 40 s.
    pub ec2_boot: u32,
    /// A new target's wait for the load balancer's health checks: ALB's defaults, 5 healthy
    /// checks 30 s apart.
    pub target_healthy: u32,
    /// A warm pool's stopped instance from its start to its web server answering: it skips the
    /// first boot's initialisation; AWS documents no figure; about 15 s.
    pub warm_start: u32,
    /// An instance's warm-up, when neither its policy nor its group sets one: EC2 Auto Scaling
    /// takes the group's default cooldown, 300 s.
    pub instance_warmup: u32,
    /// A Fargate task from its start to serving: provisioning, the image pull and the chat
    /// server's start; AWS documents no figure; about a minute is typical for a small image.
    pub fargate_task_start: u32,
    /// A pod from its binding to Ready on a node that has its image: a few seconds.
    pub pod_start: u32,
    /// The HPA's sync period (`--horizontal-pod-autoscaler-sync-period`).
    pub hpa_sync: u32,
    /// cluster-autoscaler's scan interval (`--scan-interval`).
    pub ca_scan: u32,
    /// A node from its group's scale-up to Ready.
    pub node_start: u32,
}

impl Default for Delays {
    fn default() -> Self {
        Self {
            metric_period: 60,
            ec2_boot: 40,
            target_healthy: 5 * 30,
            warm_start: 15,
            instance_warmup: escala_core::scaling::cooldown::DEFAULT_COOLDOWN_SECONDS,
            fargate_task_start: 60,
            pod_start: 5,
            hpa_sync: hpa::SYNC_PERIOD_SECONDS,
            ca_scan: cluster_autoscaler::SCAN_INTERVAL_SECONDS,
            node_start: cluster_autoscaler::NODE_START_SECONDS,
        }
    }
}

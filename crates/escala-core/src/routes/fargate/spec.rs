//! The `fargate` route's Spec section: the chat's container (its size, platform and port), how many
//! tasks, where they run, which capacity providers carry them, what scales them, and the Redis that
//! carries messages between them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FargateSpec {
    /// CPU units per task (1024 is one vCPU): one of Fargate's sizes, 256 to 16384.
    #[serde(default = "quarter_vcpu")]
    pub cpu: u32,
    /// Memory per task in MiB, one of those Fargate pairs with `cpu`.
    #[serde(default = "half_gib")]
    pub memory: u32,
    #[serde(default)]
    pub platform: Platform,
    /// The port the chat listens on in its container, and the target group's.
    #[serde(default = "chat_port")]
    pub port: u32,
    pub tasks: Tasks,
    /// What the load balancer asks each task for; a task that doesn't answer 200 is replaced.
    #[serde(default = "health_path")]
    pub health_check_path: String,
    #[serde(default)]
    pub subnets: Placement,
    #[serde(default)]
    pub capacity_providers: CapacityProviders,
    #[serde(default)]
    pub scaling: ServiceScaling,
    #[serde(default)]
    pub redis: Redis,
    #[serde(default)]
    pub repository: Repository,
    /// Days the tasks' logs are kept, one of CloudWatch Logs' retention periods.
    #[serde(default = "two_weeks")]
    pub log_retention_days: u32,
    /// Seconds a task being stopped keeps finishing its requests (and its sockets) after it leaves
    /// the target group.
    #[serde(default = "thirty")]
    pub deregistration_delay_seconds: u32,
}

fn quarter_vcpu() -> u32 {
    256
}

fn half_gib() -> u32 {
    512
}

fn chat_port() -> u32 {
    3000
}

/// The chat server's own health endpoint (workload/chat-server).
fn health_path() -> String {
    "/healthz".into()
}

fn two_weeks() -> u32 {
    14
}

fn thirty() -> u32 {
    30
}

/// The CPU architecture the tasks run on; the image is built for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Platform {
    #[default]
    #[serde(rename = "linux/amd64")]
    LinuxAmd64,
    /// Graviton: about 20% cheaper per vCPU and GB on Fargate.
    #[serde(rename = "linux/arm64")]
    LinuxArm64,
}

impl Platform {
    /// As the Spec and Docker write it.
    pub fn name(self) -> &'static str {
        match self {
            Platform::LinuxAmd64 => "linux/amd64",
            Platform::LinuxArm64 => "linux/arm64",
        }
    }

    /// ECS's `runtimePlatform.cpuArchitecture`.
    pub fn cpu_architecture(self) -> &'static str {
        match self {
            Platform::LinuxAmd64 => "X86_64",
            Platform::LinuxArm64 => "ARM64",
        }
    }
}

/// How many tasks: never fewer than `min` nor more than `max`; `desired` is where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Tasks {
    pub min: u32,
    pub desired: u32,
    pub max: u32,
}

/// Where the tasks' network interfaces go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Placement {
    /// Private subnets, pulling the image and writing logs through the NAT gateway(s); needs a
    /// network with NAT.
    #[default]
    Private,
    /// Public subnets with a public IP per task (no NAT needed), still reachable only from the
    /// load balancer's security group.
    Public,
}

/// The capacity-provider strategy, as ECS takes it: the first `fargateBase` tasks on FARGATE, then
/// the rest split by weight between FARGATE and FARGATE_SPOT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CapacityProviders {
    #[serde(default)]
    pub fargate_base: u32,
    #[serde(default = "one")]
    pub fargate_weight: u32,
    #[serde(default)]
    pub spot_weight: u32,
    /// No task below `tasks.min` may be on Spot, which AWS can reclaim with two minutes' notice:
    /// the base must cover the minimum.
    #[serde(default)]
    pub never_interrupt: bool,
}

fn one() -> u32 {
    1
}

impl Default for CapacityProviders {
    fn default() -> Self {
        Self {
            fargate_base: 0,
            fargate_weight: 1,
            spot_weight: 0,
            never_interrupt: false,
        }
    }
}

impl CapacityProviders {
    /// How many of `tasks` run on Spot: the base on FARGATE first, then the rest by weight, the
    /// way ECS places them (rounded towards FARGATE).
    pub fn spot_tasks(&self, tasks: u32) -> u32 {
        let rest = tasks.saturating_sub(self.fargate_base);
        let weights = self.fargate_weight + self.spot_weight;
        if weights == 0 {
            return 0;
        }
        rest * self.spot_weight / weights
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceScaling {
    /// Application Auto Scaling's target tracking on the service. `null` turns it off, so it is
    /// always written out: absent means the default.
    #[serde(default = "cpu_60")]
    pub target_tracking: Option<ServiceTargetTracking>,
    /// Task counts on a schedule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scheduled: Vec<ServiceScheduledAction>,
}

impl Default for ServiceScaling {
    fn default() -> Self {
        Self {
            target_tracking: cpu_60(),
            scheduled: Vec::new(),
        }
    }
}

/// A chat's tasks are mostly waiting on sockets: 60% CPU leaves headroom for a burst of joins.
fn cpu_60() -> Option<ServiceTargetTracking> {
    Some(ServiceTargetTracking {
        metric: ServiceMetric::Cpu,
        target: 60.0,
        scale_out_cooldown_seconds: 60,
        scale_in_cooldown_seconds: 300,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceTargetTracking {
    pub metric: ServiceMetric,
    /// Average CPU in percent, or requests per task per minute.
    pub target: f64,
    /// Seconds after a scale-out before another may follow.
    #[serde(default = "sixty")]
    pub scale_out_cooldown_seconds: u32,
    /// Seconds after a scale-in before another may follow: long, so a lull doesn't drop sockets.
    #[serde(default = "five_minutes")]
    pub scale_in_cooldown_seconds: u32,
}

fn sixty() -> u32 {
    60
}

fn five_minutes() -> u32 {
    300
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ServiceMetric {
    /// `ECSServiceAverageCPUUtilization`.
    Cpu,
    /// `ALBRequestCountPerTarget`.
    RequestsPerTarget,
}

impl ServiceMetric {
    /// Application Auto Scaling's predefined metric.
    pub fn predefined(self) -> &'static str {
        match self {
            ServiceMetric::Cpu => "ECSServiceAverageCPUUtilization",
            ServiceMetric::RequestsPerTarget => "ALBRequestCountPerTarget",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceScheduledAction {
    pub name: String,
    /// A cron expression in UTC: minute hour day-of-month month day-of-week.
    pub cron: String,
    pub tasks: Tasks,
}

/// The Redis that carries the chat's messages between tasks, or none (then one task holds every
/// room, and `tasks.max` must be 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(untagged)]
pub enum Redis {
    None(NoRedis),
    Nodes(RedisNodes),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum NoRedis {
    None,
}

impl Default for Redis {
    fn default() -> Self {
        Redis::Nodes(RedisNodes::default())
    }
}

impl Redis {
    pub fn nodes(&self) -> Option<&RedisNodes> {
        match self {
            Redis::None(_) => None,
            Redis::Nodes(n) => Some(n),
        }
    }
}

/// An ElastiCache replication group: a primary and `replicas` read replicas in other zones (with
/// at least one, automatic failover is on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RedisNodes {
    #[serde(default = "micro_node")]
    pub node_type: String,
    #[serde(default)]
    pub replicas: u32,
    #[serde(default)]
    pub engine: Engine,
}

fn micro_node() -> String {
    "cache.t4g.micro".into()
}

impl Default for RedisNodes {
    fn default() -> Self {
        Self {
            node_type: micro_node(),
            replicas: 0,
            engine: Engine::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Engine {
    /// Valkey, the open-source fork ElastiCache prices 20% below Redis OSS; the chat speaks to it
    /// as to Redis.
    #[default]
    Valkey,
    Redis,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Valkey => "valkey",
            Engine::Redis => "redis",
        }
    }
}

/// The ECR repository the image is pushed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Repository {
    /// A pushed tag can't be pushed again with other content, so a deployed image is the one
    /// that was reviewed.
    #[serde(default = "yes")]
    pub immutable_tags: bool,
    #[serde(default = "yes")]
    pub scan_on_push: bool,
}

fn yes() -> bool {
    true
}

impl Default for Repository {
    fn default() -> Self {
        Self {
            immutable_tags: true,
            scan_on_push: true,
        }
    }
}

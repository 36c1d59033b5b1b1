//! The `fargate` route's rules. Shape and range checks run offline; whether the region offers the
//! Redis node type is checked against AWS before planning (escala-aws).

use serde::Serialize;

use super::spec::{CapacityProviders, FargateSpec, Placement, ServiceMetric, Tasks};
use crate::routes::bounds::{range_problem, valid_action_name};
use crate::routes::NetworkShape;
use crate::validate::ValidationError;

/// The route's rules. Stable: user interfaces key their help and highlighting on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum FargateRule {
    CpuMemory,
    Port,
    Tasks,
    HealthCheckPath,
    Subnets,
    LoadBalancerZones,
    CapacityProviders,
    ScalingTarget,
    Cooldown,
    Schedule,
    RedisNodeType,
    RedisReplicas,
    SingleTask,
    LogRetention,
    DeregistrationDelay,
}

const FIELD: &str = "route.fargate";

/// CloudWatch Logs' retention periods, in days.
const RETENTION_DAYS: [u32; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// ElastiCache takes up to 5 read replicas per shard.
const MAX_REPLICAS: u32 = 5;

/// The memory sizes (MiB) Fargate pairs with `cpu` units, per AWS's task size table: `(from, to,
/// step)`, or `None` for a CPU size Fargate doesn't have.
pub fn memory_range(cpu: u32) -> Option<(u32, u32, u32)> {
    Some(match cpu {
        256 => (512, 2048, 512),
        512 => (1024, 4096, 1024),
        1024 => (2048, 8192, 1024),
        2048 => (4096, 16384, 1024),
        4096 => (8192, 30720, 1024),
        8192 => (16384, 61440, 4096),
        16384 => (32768, 122880, 8192),
        _ => return None,
    })
}

/// Fargate's 256-unit size takes 512, 1024 and 2048 MiB only (not 1536), which its step of 512
/// would otherwise allow.
fn fits(cpu: u32, memory: u32) -> bool {
    match memory_range(cpu) {
        Some(_) if cpu == 256 => matches!(memory, 512 | 1024 | 2048),
        Some((from, to, step)) => {
            (from..=to).contains(&memory) && (memory - from).is_multiple_of(step)
        }
        None => false,
    }
}

/// Every broken rule of the route, given the network's shape.
pub(super) fn check(f: &FargateSpec, network: &NetworkShape) -> Vec<ValidationError> {
    let mut errors = Vec::new();
    let mut fail = |rule: FargateRule, field: &str, message: String| {
        errors.push(ValidationError {
            rule: rule.into(),
            field: format!("{FIELD}.{field}"),
            message,
        })
    };
    if memory_range(f.cpu).is_none() {
        fail(
            FargateRule::CpuMemory,
            "cpu",
            format!(
                "{} CPU units is not a Fargate size: use 256, 512, 1024, 2048, 4096, 8192 or 16384 (1024 is one vCPU)",
                f.cpu
            ),
        );
    } else if !fits(f.cpu, f.memory) {
        let (from, to, step) = memory_range(f.cpu).expect("a Fargate size");
        let sizes = if f.cpu == 256 {
            "512, 1024 or 2048 MiB".to_string()
        } else {
            format!("{from} to {to} MiB in steps of {step}")
        };
        fail(
            FargateRule::CpuMemory,
            "memory",
            format!(
                "{} MiB with {} CPU units is not a combination Fargate runs: use {sizes}",
                f.memory, f.cpu
            ),
        );
    }
    if !(1..=65535).contains(&f.port) {
        fail(
            FargateRule::Port,
            "port",
            format!("{}: a port is 1 to 65535", f.port),
        );
    }
    if let Some(message) = tasks_problem(&f.tasks) {
        fail(FargateRule::Tasks, "tasks", message);
    }
    if let Some(message) = path_problem(&f.health_check_path) {
        fail(FargateRule::HealthCheckPath, "healthCheckPath", message);
    }
    let public_zones = network.public_zones.unwrap_or(usize::MAX);
    if public_zones < 2 {
        fail(
            FargateRule::LoadBalancerZones,
            "subnets",
            format!("the load balancer needs public subnets in at least 2 zones; the network has {public_zones}: use 2 or more zones with public subnets"),
        );
    }
    if f.subnets == Placement::Private {
        let private_zones = network.private_zones.unwrap_or(usize::MAX);
        if private_zones == 0 {
            fail(
                FargateRule::Subnets,
                "subnets",
                "private tasks need private subnets, and the network has none: add them, or use subnets: public".into(),
            );
        } else if !network.nat {
            fail(
                FargateRule::Subnets,
                "subnets",
                "private tasks pull their image and send their logs through NAT, and the network has none: use nat: single (or perZone), or subnets: public".into(),
            );
        }
    }
    if let Some(message) = providers_problem(&f.capacity_providers, &f.tasks) {
        fail(FargateRule::CapacityProviders, "capacityProviders", message);
    }
    if let Some(tt) = &f.scaling.target_tracking {
        let ok = match tt.metric {
            ServiceMetric::Cpu => tt.target > 0.0 && tt.target <= 100.0,
            ServiceMetric::RequestsPerTarget => tt.target >= 1.0,
        };
        if !ok {
            let range = match tt.metric {
                ServiceMetric::Cpu => "a CPU percentage above 0 and at most 100",
                ServiceMetric::RequestsPerTarget => "at least 1 request per task",
            };
            fail(
                FargateRule::ScalingTarget,
                "scaling.targetTracking.target",
                format!("{}: use {range}", tt.target),
            );
        }
        for (field, seconds) in [
            ("scaleOutCooldownSeconds", tt.scale_out_cooldown_seconds),
            ("scaleInCooldownSeconds", tt.scale_in_cooldown_seconds),
        ] {
            if seconds > 3600 {
                fail(
                    FargateRule::Cooldown,
                    &format!("scaling.targetTracking.{field}"),
                    format!("{seconds} s: use 0 to 3600 seconds"),
                );
            }
        }
    }
    let scheduled = &f.scaling.scheduled;
    for (i, action) in scheduled.iter().enumerate() {
        let field = format!("scaling.scheduled[{i}]");
        if !valid_action_name(&action.name) || scheduled[..i].iter().any(|a| a.name == action.name)
        {
            fail(
                FargateRule::Schedule,
                &format!("{field}.name"),
                format!("'{}': give each scheduled action its own name of 1 to 64 letters, digits, '-' or '_'", action.name),
            );
        }
        if let Some(message) = crate::scaling::cron::Cron::problem(&action.cron) {
            fail(FargateRule::Schedule, &format!("{field}.cron"), message);
        }
        if let Some(message) = tasks_problem(&action.tasks) {
            fail(FargateRule::Tasks, &format!("{field}.tasks"), message);
        }
    }
    match f.redis.nodes() {
        Some(nodes) => {
            if !valid_node_type(&nodes.node_type) {
                fail(
                    FargateRule::RedisNodeType,
                    "redis.nodeType",
                    format!(
                        "'{}' is not an ElastiCache node type like cache.t4g.micro",
                        nodes.node_type
                    ),
                );
            }
            if nodes.replicas > MAX_REPLICAS {
                fail(
                    FargateRule::RedisReplicas,
                    "redis.replicas",
                    format!(
                        "{} replicas: ElastiCache takes 0 to {MAX_REPLICAS}",
                        nodes.replicas
                    ),
                );
            }
        }
        None if f.tasks.max > 1 => fail(
            FargateRule::SingleTask,
            "redis",
            format!(
                "without Redis a message reaches only the users of the task it was sent to, and tasks.max is {}: keep Redis, or set tasks to 1/1/1",
                f.tasks.max
            ),
        ),
        None => {}
    }
    if !RETENTION_DAYS.contains(&f.log_retention_days) {
        fail(
            FargateRule::LogRetention,
            "logRetentionDays",
            format!(
                "{} days is not a CloudWatch Logs retention: use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653",
                f.log_retention_days
            ),
        );
    }
    if f.deregistration_delay_seconds > 3600 {
        fail(
            FargateRule::DeregistrationDelay,
            "deregistrationDelaySeconds",
            format!(
                "{} s: use 0 to 3600 seconds",
                f.deregistration_delay_seconds
            ),
        );
    }
    errors
}

fn tasks_problem(t: &Tasks) -> Option<String> {
    range_problem((t.min, t.desired, t.max), "task", "a service")
}

/// ECS's limits on a strategy, and the user's "never interrupt".
fn providers_problem(p: &CapacityProviders, tasks: &Tasks) -> Option<String> {
    if p.fargate_weight > 1000 || p.spot_weight > 1000 || p.fargate_base > 100_000 {
        return Some(format!(
            "fargateBase {}, fargateWeight {}, spotWeight {}: ECS takes a base of 0 to 100000 and weights of 0 to 1000",
            p.fargate_base, p.fargate_weight, p.spot_weight
        ));
    }
    if p.fargate_weight == 0 && p.spot_weight == 0 {
        return Some(
            "fargateWeight and spotWeight are both 0: give at least one a weight, or ECS places no task beyond the base".into(),
        );
    }
    if p.never_interrupt && p.spot_weight > 0 && p.fargate_base < tasks.min {
        let base = if p.fargate_base == 0 {
            "without any FARGATE base".to_string()
        } else {
            format!("with a FARGATE base of {}", p.fargate_base)
        };
        return Some(format!(
            "neverInterrupt, but spotWeight {} {base} puts some of the {} minimum tasks on Spot, which AWS reclaims with 2 minutes' notice: set fargateBase to at least {}, or spotWeight to 0",
            p.spot_weight, tasks.min, tasks.min
        ));
    }
    None
}

/// What is wrong with a target group's health-check path, as ELBv2 takes it.
fn path_problem(path: &str) -> Option<String> {
    if !path.starts_with('/') {
        Some(format!(
            "'{path}': a health-check path starts with '/', like /healthz"
        ))
    } else if path.len() > 1024 {
        Some(format!(
            "{} characters: a health-check path is at most 1024",
            path.len()
        ))
    } else if !path.bytes().all(|b| b.is_ascii_graphic()) {
        Some(format!(
            "'{path}': a health-check path is printable ASCII without spaces"
        ))
    } else {
        None
    }
}

/// `cache.family.size`: `cache.t4g.micro`, `cache.r7g.xlarge`.
fn valid_node_type(name: &str) -> bool {
    let mut parts = name.split('.');
    let ok = |s: Option<&str>| {
        s.is_some_and(|s| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
    };
    parts.next() == Some("cache") && ok(parts.next()) && ok(parts.next()) && parts.next().is_none()
}

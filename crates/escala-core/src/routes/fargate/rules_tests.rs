//! The route's bad-input table: one row per rule, each asserting the rule, the field and the
//! message, on the seed network.

use super::*;
use crate::spec::{NatMode, RouteSpec, Spec};
use crate::validate::{RegionZones, Rule, ValidSpec};

fn region() -> RegionZones {
    RegionZones {
        region: "eu-west-3".into(),
        zones: vec![
            "eu-west-3a".into(),
            "eu-west-3b".into(),
            "eu-west-3c".into(),
        ],
    }
}

fn base() -> Spec {
    Spec::seed_network("chat", "eu-west-3")
}

type Edit = fn(&mut Spec);

/// The stack's `fargate` route, added with 1/2/4 tasks when absent.
fn fargate(spec: &mut Spec) -> &mut FargateSpec {
    let route = spec.route.get_or_insert_with(|| {
        RouteSpec::Fargate(
            serde_saphyr::from_str("tasks: {min: 1, desired: 2, max: 4}")
                .expect("a minimal fargate route"),
        )
    });
    let RouteSpec::Fargate(f) = route else {
        unreachable!("the route was made as fargate")
    };
    f
}

fn tracking(spec: &mut Spec) -> &mut ServiceTargetTracking {
    fargate(spec)
        .scaling
        .target_tracking
        .as_mut()
        .expect("target tracking is on by default")
}

fn nodes(spec: &mut Spec) -> &mut RedisNodes {
    match &mut fargate(spec).redis {
        Redis::Nodes(n) => n,
        Redis::None(_) => unreachable!("Redis is on by default"),
    }
}

/// (what, edit, expected rule, expected field, a fragment of the message)
const TABLE: &[(&str, Edit, FargateRule, &str, &str)] = &[
    (
        "a CPU size Fargate doesn't have",
        |s| fargate(s).cpu = 300,
        FargateRule::CpuMemory,
        "route.fargate.cpu",
        "not a Fargate size",
    ),
    (
        "memory that doesn't pair with the CPU",
        |s| {
            fargate(s).cpu = 256;
            fargate(s).memory = 4096;
        },
        FargateRule::CpuMemory,
        "route.fargate.memory",
        "use 512, 1024 or 2048 MiB",
    ),
    (
        "memory off the size's step",
        |s| {
            fargate(s).cpu = 8192;
            fargate(s).memory = 18432;
        },
        FargateRule::CpuMemory,
        "route.fargate.memory",
        "16384 to 61440 MiB in steps of 4096",
    ),
    (
        "a port outside 1–65535",
        |s| fargate(s).port = 70000,
        FargateRule::Port,
        "route.fargate.port",
        "a port is 1 to 65535",
    ),
    (
        "desired outside min … max",
        |s| {
            fargate(s).tasks = Tasks {
                min: 2,
                desired: 1,
                max: 4,
            }
        },
        FargateRule::Tasks,
        "route.fargate.tasks",
        "desired 1 is outside min 2 … max 4",
    ),
    (
        "a health-check path without a leading /",
        |s| fargate(s).health_check_path = "healthz".into(),
        FargateRule::HealthCheckPath,
        "route.fargate.healthCheckPath",
        "starts with '/'",
    ),
    (
        "private tasks without NAT",
        |s| {
            s.network.nat = NatMode::None;
            fargate(s);
        },
        FargateRule::Subnets,
        "route.fargate.subnets",
        "subnets: public",
    ),
    (
        "a load balancer in one zone",
        |s| {
            s.network.zones = crate::spec::Zones::Count(1);
            s.network.public_subnets = Some(vec!["10.0.1.0/24".into()]);
            s.network.private_subnets = Some(vec!["10.0.3.0/24".into()]);
            fargate(s);
        },
        FargateRule::LoadBalancerZones,
        "route.fargate.subnets",
        "at least 2 zones",
    ),
    (
        "Spot without any FARGATE base, never to be interrupted",
        |s| {
            fargate(s).capacity_providers = CapacityProviders {
                fargate_base: 0,
                fargate_weight: 1,
                spot_weight: 3,
                never_interrupt: true,
            }
        },
        FargateRule::CapacityProviders,
        "route.fargate.capacityProviders",
        "without any FARGATE base",
    ),
    (
        "a target above 100% CPU",
        |s| tracking(s).target = 120.0,
        FargateRule::ScalingTarget,
        "route.fargate.scaling.targetTracking.target",
        "at most 100",
    ),
    (
        "a cooldown above an hour",
        |s| tracking(s).scale_in_cooldown_seconds = 7200,
        FargateRule::Cooldown,
        "route.fargate.scaling.targetTracking.scaleInCooldownSeconds",
        "0 to 3600 seconds",
    ),
    (
        "a scheduled action with a bad cron",
        |s| {
            fargate(s).scaling.scheduled = vec![ServiceScheduledAction {
                name: "evenings".into(),
                cron: "0 25 * * *".into(),
                tasks: Tasks {
                    min: 1,
                    desired: 2,
                    max: 4,
                },
            }]
        },
        FargateRule::Schedule,
        "route.fargate.scaling.scheduled[0].cron",
        "",
    ),
    (
        "a Redis node type shape",
        |s| nodes(s).node_type = "t4g.micro".into(),
        FargateRule::RedisNodeType,
        "route.fargate.redis.nodeType",
        "like cache.t4g.micro",
    ),
    (
        "too many replicas",
        |s| nodes(s).replicas = 6,
        FargateRule::RedisReplicas,
        "route.fargate.redis.replicas",
        "0 to 5",
    ),
    (
        "no Redis for more than one task",
        |s| fargate(s).redis = Redis::None(NoRedis::None),
        FargateRule::SingleTask,
        "route.fargate.redis",
        "tasks.max is 4",
    ),
    (
        "a retention CloudWatch Logs doesn't have",
        |s| fargate(s).log_retention_days = 13,
        FargateRule::LogRetention,
        "route.fargate.logRetentionDays",
        "13 days is not a CloudWatch Logs retention",
    ),
    (
        "a deregistration delay above an hour",
        |s| fargate(s).deregistration_delay_seconds = 4000,
        FargateRule::DeregistrationDelay,
        "route.fargate.deregistrationDelaySeconds",
        "0 to 3600 seconds",
    ),
];

#[test]
fn every_rule_has_a_precise_error() {
    for (what, edit, rule, field, fragment) in TABLE {
        let mut spec = base();
        edit(&mut spec);
        let errors = ValidSpec::new(spec, &region()).expect_err(what);
        let hit = errors
            .0
            .iter()
            .find(|e| e.rule == Rule::from(*rule))
            .unwrap_or_else(|| panic!("{what}: expected {rule:?}, got {errors}"));
        assert_eq!(hit.field, *field, "{what}");
        assert!(
            hit.message.contains(fragment),
            "{what}: message was '{}'",
            hit.message
        );
    }
}

#[test]
fn every_rule_is_in_the_table() {
    use FargateRule::*;
    let all = [
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
    ];
    for rule in all {
        // A new variant must be added here and to the table: the match makes that a compile error.
        match rule {
            CpuMemory | Port | Tasks | HealthCheckPath | Subnets | LoadBalancerZones
            | CapacityProviders | ScalingTarget | Cooldown | Schedule | RedisNodeType
            | RedisReplicas | SingleTask | LogRetention | DeregistrationDelay => {}
        }
        assert!(
            TABLE.iter().any(|row| row.2 == rule),
            "no table row for {rule:?}"
        );
    }
}

#[test]
fn every_problem_is_reported_at_once_and_the_seed_passes() {
    let mut spec = base();
    fargate(&mut spec).cpu = 512;
    fargate(&mut spec).memory = 512;
    fargate(&mut spec).port = 0;
    fargate(&mut spec).health_check_path = "x".into();
    let errors = ValidSpec::new(spec, &region()).expect_err("three problems");
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "route.fargate.memory",
            "route.fargate.port",
            "route.fargate.healthCheckPath"
        ]
    );
    let seed = Spec::from_yaml(include_str!("../../../../../examples/seed-fargate.yaml"))
        .expect("the seed's Spec parses");
    let zones = RegionZones {
        region: seed.region.clone(),
        zones: vec!["us-east-1a".into(), "us-east-1b".into()],
    };
    ValidSpec::new(seed, &zones).expect("the seed's Spec is valid");
}

#[test]
fn every_fargate_size_takes_its_documented_memory() {
    // AWS's task size table, at its ends.
    let ok = [
        (256, 512),
        (256, 2048),
        (512, 4096),
        (4096, 30720),
        (16384, 122880),
    ];
    let refused = [(256, 1536), (512, 512), (2048, 17408), (16384, 36864)];
    for (cpu, memory) in ok {
        let mut spec = base();
        fargate(&mut spec).cpu = cpu;
        fargate(&mut spec).memory = memory;
        assert!(ValidSpec::new(spec, &region()).is_ok(), "{cpu}/{memory}");
    }
    for (cpu, memory) in refused {
        let mut spec = base();
        fargate(&mut spec).cpu = cpu;
        fargate(&mut spec).memory = memory;
        assert!(ValidSpec::new(spec, &region()).is_err(), "{cpu}/{memory}");
    }
}

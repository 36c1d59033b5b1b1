//! The route's bad-input table: one row per rule, each asserting the rule, the field and the
//! message, on the seed network.

use super::*;
use crate::spec::{RouteSpec, Spec, Zones};
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
    Spec::seed_network("shop", "eu-west-3")
}

type Edit = fn(&mut Spec);

/// The stack's `asg` route, added with the seed's capacity (1/1/2) when absent.
fn asg(spec: &mut Spec) -> &mut AsgSpec {
    let route = spec.route.get_or_insert_with(|| {
        RouteSpec::Asg(
            serde_saphyr::from_str("capacity: {min: 1, desired: 1, max: 2}")
                .expect("a minimal asg route"),
        )
    });
    #[allow(irrefutable_let_patterns)]
    let RouteSpec::Asg(asg) = route
    else {
        unreachable!("the route was made as asg")
    };
    asg
}

/// (what, edit, expected rule, expected field, a fragment of the message)
const TABLE: &[(&str, Edit, AsgRule, &str, &str)] = &[
    (
        "ami id shape",
        |s| asg(s).ami = "ami-12345".into(),
        AsgRule::AmiId,
        "route.asg.ami",
        "not an AMI id",
    ),
    (
        "instance type shape",
        |s| asg(s).instance_type = "t3micro".into(),
        AsgRule::InstanceType,
        "route.asg.instanceType",
        "like t3.micro",
    ),
    (
        "min above max",
        |s| {
            asg(s).capacity = Capacity {
                min: 3,
                desired: 3,
                max: 2,
            }
        },
        AsgRule::Capacity,
        "route.asg.capacity",
        "min 3 is above max 2",
    ),
    (
        "desired outside the range",
        |s| {
            asg(s).capacity = Capacity {
                min: 1,
                desired: 5,
                max: 2,
            }
        },
        AsgRule::Capacity,
        "route.asg.capacity",
        "desired 5 is outside min 1 … max 2",
    ),
    (
        "no room at all",
        |s| {
            asg(s).capacity = Capacity {
                min: 0,
                desired: 0,
                max: 0,
            }
        },
        AsgRule::Capacity,
        "route.asg.capacity",
        "max is 0",
    ),
    (
        "a load balancer in one zone",
        |s| {
            s.network.zones = Zones::Count(1);
            s.network.public_subnets = Some(vec!["10.0.1.0/24".into()]);
            s.network.private_subnets = Some(vec!["10.0.3.0/24".into()]);
            asg(s);
        },
        AsgRule::LoadBalancerZones,
        "route.asg.subnets",
        "at least 2 zones",
    ),
    (
        "grace period",
        |s| asg(s).health_check_grace_seconds = 9000,
        AsgRule::HealthCheckGrace,
        "route.asg.healthCheckGraceSeconds",
        "0 to 7200",
    ),
    (
        "user data too big",
        |s| asg(s).user_data = Some("#".repeat(20_000)),
        AsgRule::UserData,
        "route.asg.userData",
        "at most 12288 bytes",
    ),
    (
        "key pair name",
        |s| {
            asg(s).key_pair = Some(KeyPairSpec {
                name: "my key".into(),
                save_private_key_to: Some("/nonexistent-dir/k.pem".into()),
                public_key_file: None,
            })
        },
        AsgRule::KeyPair,
        "route.asg.keyPair.name",
        "without spaces",
    ),
    (
        "key pair source",
        |s| {
            asg(s).key_pair = Some(KeyPairSpec {
                name: "web".into(),
                save_private_key_to: None,
                public_key_file: None,
            })
        },
        AsgRule::KeyPair,
        "route.asg.keyPair",
        "exactly one of",
    ),
    (
        "unreadable public key",
        |s| {
            asg(s).key_pair = Some(KeyPairSpec {
                name: "web".into(),
                save_private_key_to: None,
                public_key_file: Some("/nonexistent-dir/web.pub".into()),
            })
        },
        AsgRule::KeyFile,
        "route.asg.keyPair.publicKeyFile",
        "cannot read /nonexistent-dir/web.pub",
    ),
    (
        "a private key would overwrite a file",
        |s| {
            asg(s).key_pair = Some(KeyPairSpec {
                name: "web".into(),
                save_private_key_to: Some(env!("CARGO_MANIFEST_PATH").into()),
                public_key_file: None,
            })
        },
        AsgRule::KeyFile,
        "route.asg.keyPair.savePrivateKeyTo",
        "never overwrites",
    ),
    (
        "cpu target above 100",
        |s| {
            asg(s).scaling.target_tracking = Some(TargetTracking {
                metric: TrackedMetric::Cpu,
                target: 150.0,
            })
        },
        AsgRule::ScalingTarget,
        "route.asg.scaling.targetTracking.target",
        "at most 100",
    ),
    (
        "step adds nothing",
        |s| {
            asg(s).scaling.step = Some(StepScaling {
                cpu_above: 85.0,
                add: 0,
                minutes: 2,
            })
        },
        AsgRule::StepScaling,
        "route.asg.scaling.step",
        "add at least 1",
    ),
    (
        "cron hour",
        |s| {
            asg(s).scaling.scheduled = vec![ScheduledAction {
                name: "morning".into(),
                cron: "0 25 * * 1-5".into(),
                capacity: Capacity {
                    min: 2,
                    desired: 2,
                    max: 4,
                },
            }]
        },
        AsgRule::Schedule,
        "route.asg.scaling.scheduled[0].cron",
        "25 is not an hour (0–23)",
    ),
    (
        "warm pool larger than the group",
        |s| asg(s).scaling.warm_pool = Some(WarmPool { min_size: 5 }),
        AsgRule::WarmPool,
        "route.asg.scaling.warmPool.minSize",
        "at or below max",
    ),
    (
        "rollout percentage",
        |s| {
            asg(s).rollout = Rollout {
                min_healthy_percentage: 150,
                warmup_seconds: 60,
            }
        },
        AsgRule::Rollout,
        "route.asg.rollout",
        "0 to 100 percent",
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
    let all = [
        AsgRule::AmiId,
        AsgRule::InstanceType,
        AsgRule::Capacity,
        AsgRule::LoadBalancerZones,
        AsgRule::HealthCheckGrace,
        AsgRule::UserData,
        AsgRule::KeyPair,
        AsgRule::KeyFile,
        AsgRule::ScalingTarget,
        AsgRule::StepScaling,
        AsgRule::Schedule,
        AsgRule::WarmPool,
        AsgRule::Rollout,
    ];
    for rule in all {
        // A new variant must be added here and to the table: the match makes that a compile error.
        match rule {
            AsgRule::AmiId
            | AsgRule::InstanceType
            | AsgRule::Capacity
            | AsgRule::LoadBalancerZones
            | AsgRule::HealthCheckGrace
            | AsgRule::UserData
            | AsgRule::KeyPair
            | AsgRule::KeyFile
            | AsgRule::ScalingTarget
            | AsgRule::StepScaling
            | AsgRule::Schedule
            | AsgRule::WarmPool
            | AsgRule::Rollout => {}
        }
        assert!(
            TABLE.iter().any(|row| row.2 == rule),
            "no table row for {rule:?}"
        );
    }
}

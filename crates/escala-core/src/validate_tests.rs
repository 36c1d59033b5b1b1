//! The bad-input table: one row per rule, each asserting the rule, the field and the message.

use super::*;
use crate::asg::{
    AsgSpec, Capacity, KeyPairSpec, Rollout, ScheduledAction, StepScaling, TargetTracking,
    TrackedMetric, WarmPool,
};
use crate::spec::{RouteSpec, Spec};

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

#[test]
fn the_seed_network_resolves_to_the_seed_layout() {
    let net = resolve(&base(), &region()).unwrap();
    assert_eq!(net.zones, vec!["eu-west-3a", "eu-west-3b"]);
    let ids: Vec<_> = net
        .public
        .iter()
        .chain(&net.private)
        .map(|s| s.logical_id())
        .collect();
    assert_eq!(ids, vec!["public-a", "public-b", "private-a", "private-b"]);
    assert_eq!(net.private[1].cidr.to_string(), "10.0.4.0/24");
    assert_eq!(net.nat_zones(), vec!["eu-west-3a"]);
}

#[test]
fn defaults_fill_in_subnets_and_explicit_zones_are_kept_in_order() {
    let mut spec = base();
    spec.network.public_subnets = None;
    spec.network.private_subnets = None;
    spec.network.zones = Zones::Names(vec!["eu-west-3c".into(), "eu-west-3a".into()]);
    spec.network.nat = NatMode::PerZone;
    let net = resolve(&spec, &region()).unwrap();
    assert_eq!(net.public[0].zone, "eu-west-3c");
    assert_eq!(net.public[0].cidr.to_string(), "10.0.1.0/24");
    assert_eq!(net.private[1].cidr.to_string(), "10.0.4.0/24");
    assert_eq!(net.nat_zones(), vec!["eu-west-3c", "eu-west-3a"]);
}

#[test]
fn private_only_network_without_nat_is_valid() {
    let mut spec = base();
    spec.network.public_subnets = Some(vec![]);
    spec.network.nat = NatMode::None;
    let net = resolve(&spec, &region()).unwrap();
    assert!(net.public.is_empty());
    assert_eq!(net.private.len(), 2);
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
    match route {
        RouteSpec::Asg(asg) => asg,
    }
}

/// (what, edit, expected rule, expected field, a fragment of the message)
const TABLE: &[(&str, Edit, Rule, &str, &str)] = &[
    (
        "api version",
        |s| s.api_version = "escala/v2".into(),
        Rule::ApiVersion,
        "apiVersion",
        "escala/v1",
    ),
    (
        "kind",
        |s| s.kind = "Cluster".into(),
        Rule::Kind,
        "kind",
        "'Stack'",
    ),
    (
        "name upper case",
        |s| s.name = "Shop".into(),
        Rule::Name,
        "name",
        "lower-case",
    ),
    (
        "name too short",
        |s| s.name = "ab".into(),
        Rule::Name,
        "name",
        "3 to 24",
    ),
    (
        "name too long",
        |s| s.name = "a".repeat(25),
        Rule::Name,
        "name",
        "3 to 24",
    ),
    (
        "name trailing hyphen",
        |s| s.name = "shop-".into(),
        Rule::Name,
        "name",
        "hyphen",
    ),
    (
        "name starts with digit",
        |s| s.name = "1shop".into(),
        Rule::Name,
        "name",
        "starting with a letter",
    ),
    (
        "region shape",
        |s| s.region = "europe".into(),
        Rule::Region,
        "region",
        "eu-west-1",
    ),
    (
        "invalid vpc cidr",
        |s| s.network.vpc_cidr = "10.0.0.0/33".into(),
        Rule::VpcCidr,
        "network.vpcCidr",
        "not an IPv4 CIDR",
    ),
    (
        "vpc host bits",
        |s| s.network.vpc_cidr = "10.0.0.5/16".into(),
        Rule::VpcCidr,
        "network.vpcCidr",
        "10.0.0.0/16",
    ),
    (
        "vpc too large",
        |s| s.network.vpc_cidr = "10.0.0.0/8".into(),
        Rule::VpcCidr,
        "network.vpcCidr",
        "/16",
    ),
    (
        "zero zones",
        |s| s.network.zones = Zones::Count(0),
        Rule::ZoneCount,
        "network.zones",
        "1 to 6",
    ),
    (
        "seven zones",
        |s| s.network.zones = Zones::Count(7),
        Rule::ZoneCount,
        "network.zones",
        "1 to 6",
    ),
    (
        "more zones than the region has",
        |s| {
            s.network.zones = Zones::Count(4);
            s.network.public_subnets = None;
            s.network.private_subnets = None;
        },
        Rule::TooManyZones,
        "network.zones",
        "has 3 available zone(s); the spec asks for 4",
    ),
    (
        "zone of another region",
        |s| s.network.zones = Zones::Names(vec!["eu-west-3a".into(), "us-east-1b".into()]),
        Rule::ZoneName,
        "network.zones[1]",
        "not a zone of region",
    ),
    (
        "zone the region lacks",
        |s| s.network.zones = Zones::Names(vec!["eu-west-3a".into(), "eu-west-3z".into()]),
        Rule::ZoneNotInRegion,
        "network.zones[1]",
        "available: eu-west-3a",
    ),
    (
        "duplicate zone",
        |s| s.network.zones = Zones::Names(vec!["eu-west-3a".into(), "eu-west-3a".into()]),
        Rule::ZoneDuplicate,
        "network.zones[1]",
        "listed twice",
    ),
    (
        "invalid subnet cidr",
        |s| s.network.public_subnets = Some(vec!["10.0.1.0/24".into(), "10.0.2.x/24".into()]),
        Rule::SubnetCidr,
        "network.publicSubnets[1]",
        "not an IPv4 CIDR",
    ),
    (
        "subnet outside the vpc",
        |s| s.network.private_subnets = Some(vec!["10.0.3.0/24".into(), "10.1.4.0/24".into()]),
        Rule::SubnetOutsideVpc,
        "network.privateSubnets[1]",
        "outside the VPC block 10.0.0.0/16",
    ),
    (
        "overlapping subnets",
        |s| s.network.private_subnets = Some(vec!["10.0.2.0/25".into(), "10.0.4.0/24".into()]),
        Rule::SubnetOverlap,
        "network.privateSubnets[0]",
        "overlaps 10.0.2.0/24 (network.publicSubnets[1])",
    ),
    (
        "wrong subnet count",
        |s| s.network.public_subnets = Some(vec!["10.0.1.0/24".into()]),
        Rule::SubnetCount,
        "network.publicSubnets",
        "1 subnet(s) for 2 zone(s)",
    ),
    (
        "vpc too small for the defaults",
        |s| {
            s.network.vpc_cidr = "10.0.0.0/28".into();
            s.network.public_subnets = None;
            s.network.private_subnets = None;
        },
        Rule::VpcTooSmall,
        "network.vpcCidr",
        "too small",
    ),
    (
        "no subnets at all",
        |s| {
            s.network.public_subnets = Some(vec![]);
            s.network.private_subnets = Some(vec![]);
            s.network.nat = NatMode::None;
        },
        Rule::NoSubnets,
        "network",
        "no subnets",
    ),
    (
        "nat without public subnets",
        |s| s.network.public_subnets = Some(vec![]),
        Rule::NatWithoutPublicSubnets,
        "network.nat",
        "set nat: none",
    ),
    (
        "nat without private subnets",
        |s| {
            s.network.private_subnets = Some(vec![]);
            s.network.nat = NatMode::PerZone;
        },
        Rule::NatWithoutPrivateSubnets,
        "network.nat",
        "serves private subnets",
    ),
    (
        "ami id shape",
        |s| asg(s).ami = "ami-12345".into(),
        Rule::AmiId,
        "route.asg.ami",
        "not an AMI id",
    ),
    (
        "instance type shape",
        |s| asg(s).instance_type = "t3micro".into(),
        Rule::InstanceType,
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
        Rule::Capacity,
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
        Rule::Capacity,
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
        Rule::Capacity,
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
        Rule::LoadBalancerZones,
        "route.asg.subnets",
        "at least 2 zones",
    ),
    (
        "grace period",
        |s| asg(s).health_check_grace_seconds = 9000,
        Rule::HealthCheckGrace,
        "route.asg.healthCheckGraceSeconds",
        "0 to 7200",
    ),
    (
        "user data too big",
        |s| asg(s).user_data = Some("#".repeat(20_000)),
        Rule::UserData,
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
        Rule::KeyPair,
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
        Rule::KeyPair,
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
        Rule::KeyFile,
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
        Rule::KeyFile,
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
        Rule::ScalingTarget,
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
        Rule::StepScaling,
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
        Rule::Schedule,
        "route.asg.scaling.scheduled[0].cron",
        "not a valid hour",
    ),
    (
        "warm pool larger than the group",
        |s| asg(s).scaling.warm_pool = Some(WarmPool { min_size: 5 }),
        Rule::WarmPool,
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
        Rule::Rollout,
        "route.asg.rollout",
        "0 to 100 percent",
    ),
];

#[test]
fn every_rule_has_a_precise_error() {
    for (what, edit, rule, field, fragment) in TABLE {
        let mut spec = base();
        edit(&mut spec);
        let errors = resolve(&spec, &region()).expect_err(what);
        let hit = errors
            .0
            .iter()
            .find(|e| e.rule == *rule)
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
    use std::collections::HashSet;
    let covered: HashSet<_> = TABLE.iter().map(|row| format!("{:?}", row.2)).collect();
    let all = [
        Rule::ApiVersion,
        Rule::Kind,
        Rule::Name,
        Rule::Region,
        Rule::VpcCidr,
        Rule::ZoneCount,
        Rule::ZoneName,
        Rule::ZoneDuplicate,
        Rule::ZoneNotInRegion,
        Rule::TooManyZones,
        Rule::SubnetCidr,
        Rule::SubnetCount,
        Rule::SubnetOutsideVpc,
        Rule::SubnetOverlap,
        Rule::VpcTooSmall,
        Rule::NoSubnets,
        Rule::NatWithoutPublicSubnets,
        Rule::NatWithoutPrivateSubnets,
        Rule::AmiId,
        Rule::InstanceType,
        Rule::Capacity,
        Rule::LoadBalancerZones,
        Rule::HealthCheckGrace,
        Rule::UserData,
        Rule::KeyPair,
        Rule::KeyFile,
        Rule::ScalingTarget,
        Rule::StepScaling,
        Rule::Schedule,
        Rule::WarmPool,
        Rule::Rollout,
    ];
    for rule in all {
        // A new variant must be added here and to the table: the match makes that a compile error.
        match rule {
            Rule::ApiVersion
            | Rule::Kind
            | Rule::Name
            | Rule::Region
            | Rule::VpcCidr
            | Rule::ZoneCount
            | Rule::ZoneName
            | Rule::ZoneDuplicate
            | Rule::ZoneNotInRegion
            | Rule::TooManyZones
            | Rule::SubnetCidr
            | Rule::SubnetCount
            | Rule::SubnetOutsideVpc
            | Rule::SubnetOverlap
            | Rule::VpcTooSmall
            | Rule::NoSubnets
            | Rule::NatWithoutPublicSubnets
            | Rule::NatWithoutPrivateSubnets
            | Rule::AmiId
            | Rule::InstanceType
            | Rule::Capacity
            | Rule::LoadBalancerZones
            | Rule::HealthCheckGrace
            | Rule::UserData
            | Rule::KeyPair
            | Rule::KeyFile
            | Rule::ScalingTarget
            | Rule::StepScaling
            | Rule::Schedule
            | Rule::WarmPool
            | Rule::Rollout => {}
        }
        assert!(
            covered.contains(&format!("{rule:?}")),
            "no table row for {rule:?}"
        );
    }
}

#[test]
fn all_problems_are_reported_at_once() {
    let mut spec = base();
    spec.name = "X".into();
    spec.network.vpc_cidr = "nope".into();
    spec.network.zones = Zones::Count(9);
    let errors = resolve(&spec, &region()).unwrap_err();
    assert_eq!(
        errors.rules(),
        vec![Rule::Name, Rule::VpcCidr, Rule::ZoneCount]
    );
    let text = errors.to_string();
    assert!(text.starts_with("the spec has 3 problem(s):"), "{text}");
}

#[test]
fn offline_checks_catch_shape_errors_without_region_facts() {
    let mut spec = base();
    assert!(check_offline(&spec).is_ok());
    spec.network.public_subnets = Some(vec!["10.0.1.0/24".into(), "10.9.0.0/24".into()]);
    let errors = check_offline(&spec).unwrap_err();
    assert_eq!(errors.rules(), vec![Rule::SubnetOutsideVpc]);
}

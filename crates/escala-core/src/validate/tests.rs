//! The bad-input table: one row per rule, each asserting the rule, the field and the message.

use super::*;
use crate::spec::{NatMode, Spec, Zones};

fn resolve(spec: &Spec, region: &RegionZones) -> Result<ResolvedNetwork, ValidationErrors> {
    ValidSpec::new(spec.clone(), region).map(|v| v.network().clone())
}

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

/// (what, edit, expected rule, expected field, a fragment of the message)
const TABLE: &[(&str, Edit, SpecRule, &str, &str)] = &[
    (
        "api version",
        |s| s.api_version = "escala/v2".into(),
        SpecRule::ApiVersion,
        "apiVersion",
        "escala/v1",
    ),
    (
        "kind",
        |s| s.kind = "Cluster".into(),
        SpecRule::Kind,
        "kind",
        "'Stack'",
    ),
    (
        "name upper case",
        |s| s.name = "Shop".into(),
        SpecRule::Name,
        "name",
        "lower-case",
    ),
    (
        "name too short",
        |s| s.name = "ab".into(),
        SpecRule::Name,
        "name",
        "3 to 24",
    ),
    (
        "name too long",
        |s| s.name = "a".repeat(25),
        SpecRule::Name,
        "name",
        "3 to 24",
    ),
    (
        "name trailing hyphen",
        |s| s.name = "shop-".into(),
        SpecRule::Name,
        "name",
        "hyphen",
    ),
    (
        "name starts with digit",
        |s| s.name = "1shop".into(),
        SpecRule::Name,
        "name",
        "starting with a letter",
    ),
    (
        "region shape",
        |s| s.region = "europe".into(),
        SpecRule::Region,
        "region",
        "eu-west-1",
    ),
    (
        "invalid vpc cidr",
        |s| s.network.vpc_cidr = "10.0.0.0/33".into(),
        SpecRule::VpcCidr,
        "network.vpcCidr",
        "not an IPv4 CIDR",
    ),
    (
        "vpc host bits",
        |s| s.network.vpc_cidr = "10.0.0.5/16".into(),
        SpecRule::VpcCidr,
        "network.vpcCidr",
        "10.0.0.0/16",
    ),
    (
        "vpc too large",
        |s| s.network.vpc_cidr = "10.0.0.0/8".into(),
        SpecRule::VpcCidr,
        "network.vpcCidr",
        "/16",
    ),
    (
        "zero zones",
        |s| s.network.zones = Zones::Count(0),
        SpecRule::ZoneCount,
        "network.zones",
        "1 to 6",
    ),
    (
        "seven zones",
        |s| s.network.zones = Zones::Count(7),
        SpecRule::ZoneCount,
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
        SpecRule::TooManyZones,
        "network.zones",
        "has 3 available zone(s); the spec asks for 4",
    ),
    (
        "zone of another region",
        |s| s.network.zones = Zones::Names(vec!["eu-west-3a".into(), "us-east-1b".into()]),
        SpecRule::ZoneName,
        "network.zones[1]",
        "not a zone of region",
    ),
    (
        "zone the region lacks",
        |s| s.network.zones = Zones::Names(vec!["eu-west-3a".into(), "eu-west-3z".into()]),
        SpecRule::ZoneNotInRegion,
        "network.zones[1]",
        "available: eu-west-3a",
    ),
    (
        "duplicate zone",
        |s| s.network.zones = Zones::Names(vec!["eu-west-3a".into(), "eu-west-3a".into()]),
        SpecRule::ZoneDuplicate,
        "network.zones[1]",
        "listed twice",
    ),
    (
        "invalid subnet cidr",
        |s| s.network.public_subnets = Some(vec!["10.0.1.0/24".into(), "10.0.2.x/24".into()]),
        SpecRule::SubnetCidr,
        "network.publicSubnets[1]",
        "not an IPv4 CIDR",
    ),
    (
        "subnet outside the vpc",
        |s| s.network.private_subnets = Some(vec!["10.0.3.0/24".into(), "10.1.4.0/24".into()]),
        SpecRule::SubnetOutsideVpc,
        "network.privateSubnets[1]",
        "outside the VPC block 10.0.0.0/16",
    ),
    (
        "overlapping subnets",
        |s| s.network.private_subnets = Some(vec!["10.0.2.0/25".into(), "10.0.4.0/24".into()]),
        SpecRule::SubnetOverlap,
        "network.privateSubnets[0]",
        "overlaps 10.0.2.0/24 (network.publicSubnets[1])",
    ),
    (
        "wrong subnet count",
        |s| s.network.public_subnets = Some(vec!["10.0.1.0/24".into()]),
        SpecRule::SubnetCount,
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
        SpecRule::VpcTooSmall,
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
        SpecRule::NoSubnets,
        "network",
        "no subnets",
    ),
    (
        "nat without public subnets",
        |s| s.network.public_subnets = Some(vec![]),
        SpecRule::NatWithoutPublicSubnets,
        "network.nat",
        "set nat: none",
    ),
    (
        "nat without private subnets",
        |s| {
            s.network.private_subnets = Some(vec![]);
            s.network.nat = NatMode::PerZone;
        },
        SpecRule::NatWithoutPrivateSubnets,
        "network.nat",
        "serves private subnets",
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
    use std::collections::HashSet;
    let covered: HashSet<_> = TABLE.iter().map(|row| format!("{:?}", row.2)).collect();
    let all = [
        SpecRule::ApiVersion,
        SpecRule::Kind,
        SpecRule::Name,
        SpecRule::Region,
        SpecRule::VpcCidr,
        SpecRule::ZoneCount,
        SpecRule::ZoneName,
        SpecRule::ZoneDuplicate,
        SpecRule::ZoneNotInRegion,
        SpecRule::TooManyZones,
        SpecRule::SubnetCidr,
        SpecRule::SubnetCount,
        SpecRule::SubnetOutsideVpc,
        SpecRule::SubnetOverlap,
        SpecRule::VpcTooSmall,
        SpecRule::NoSubnets,
        SpecRule::NatWithoutPublicSubnets,
        SpecRule::NatWithoutPrivateSubnets,
    ];
    for rule in all {
        // A new variant must be added here and to the table: the match makes that a compile error.
        match rule {
            SpecRule::ApiVersion
            | SpecRule::Kind
            | SpecRule::Name
            | SpecRule::Region
            | SpecRule::VpcCidr
            | SpecRule::ZoneCount
            | SpecRule::ZoneName
            | SpecRule::ZoneDuplicate
            | SpecRule::ZoneNotInRegion
            | SpecRule::TooManyZones
            | SpecRule::SubnetCidr
            | SpecRule::SubnetCount
            | SpecRule::SubnetOutsideVpc
            | SpecRule::SubnetOverlap
            | SpecRule::VpcTooSmall
            | SpecRule::NoSubnets
            | SpecRule::NatWithoutPublicSubnets
            | SpecRule::NatWithoutPrivateSubnets => {}
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
        vec![SpecRule::Name, SpecRule::VpcCidr, SpecRule::ZoneCount]
            .into_iter()
            .map(Rule::from)
            .collect::<Vec<_>>()
    );
    let text = errors.to_string();
    assert!(text.starts_with("the spec has 3 problem(s):"), "{text}");
}

#[test]
fn offline_checks_catch_shape_errors_without_region_facts() {
    let mut spec = base();
    assert!(CheckedSpec::new(spec.clone()).is_ok());
    spec.network.public_subnets = Some(vec!["10.0.1.0/24".into(), "10.9.0.0/24".into()]);
    let errors = CheckedSpec::new(spec).unwrap_err();
    assert_eq!(errors.rules(), vec![Rule::from(SpecRule::SubnetOutsideVpc)]);
}

#[test]
fn a_checked_spec_leaves_only_the_zones_to_the_region() {
    let mut spec = base();
    spec.network.zones = Zones::Count(3);
    spec.network.public_subnets = None;
    spec.network.private_subnets = None;
    let checked = CheckedSpec::new(spec.clone()).unwrap();
    let valid = checked.resolve(&region()).unwrap();
    assert_eq!(valid, ValidSpec::new(spec, &region()).unwrap());
    assert_eq!(valid.network().private[2].zone, "eu-west-3c");
    let small = RegionZones {
        region: "eu-west-3".into(),
        zones: vec!["eu-west-3a".into(), "eu-west-3b".into()],
    };
    let errors = checked.resolve(&small).unwrap_err();
    assert_eq!(errors.rules(), vec![Rule::from(SpecRule::TooManyZones)]);
}

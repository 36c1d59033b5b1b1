//! The `kubernetes` route's rules. Shape and range checks run offline, every problem at its field;
//! the version is checked against EKS's calendar here, and a version newer than the calendar
//! against EKS itself before planning (escala-aws).

use std::collections::BTreeMap;

use ipnet::Ipv4Net;
use jiff::civil::Date;

use super::in_cluster_rules;
use super::rule::KubernetesRule;
use super::spec::{
    known_addon, AccessGrant, Addon, EksSpec, KubernetesSpec, NodeGroup, NodeSubnets, Taint,
    ADDONS, OBSERVABILITY_ADDON,
};
use super::versions::{self, Support};
use crate::routes::bounds::{graviton, range_problem, valid_instance_type};
use crate::routes::NetworkShape;
use crate::validate::ValidationError;

const FIELD: &str = "route.kubernetes";

/// EKS's limits (Amazon EKS API reference, CreateCluster and CreateNodegroup; service quotas).
const MAX_CLUSTER_NAME: usize = 100;
const MAX_NODE_GROUP_NAME: usize = 63;
const MAX_PUBLIC_CIDRS: usize = 40;
const MAX_INSTANCE_TYPES: usize = 20;
const MAX_LABELS: usize = 50;
const MAX_TAINTS: usize = 50;
/// A gp3 root volume: from a size the AMI fits in to gp3's 16 TiB.
const DISK_GIB: std::ops::RangeInclusive<u32> = 20..=16384;

pub(super) fn check(k: &KubernetesSpec, network: &NetworkShape) -> Vec<ValidationError> {
    check_on(k, network, jiff::Zoned::now().date())
}

/// Every broken rule on `today`: a version's support depends on the day.
pub(super) fn check_on(
    k: &KubernetesSpec,
    network: &NetworkShape,
    today: Date,
) -> Vec<ValidationError> {
    let mut errors = Vec::new();
    let mut fail = |rule: KubernetesRule, field: &str, message: String| {
        errors.push(ValidationError {
            rule: rule.into(),
            field: if field.is_empty() {
                FIELD.to_string()
            } else {
                format!("{FIELD}.{field}")
            },
            message,
        })
    };
    match k {
        KubernetesSpec::Eks(eks) => check_eks(eks, network, today, &mut fail),
    }
    errors
}

fn check_eks(
    eks: &EksSpec,
    network: &NetworkShape,
    today: Date,
    fail: &mut impl FnMut(KubernetesRule, &str, String),
) {
    if let Some(name) = &eks.name {
        if !valid_name(name, MAX_CLUSTER_NAME) {
            fail(
                KubernetesRule::ClusterName,
                "name",
                format!("'{name}': a cluster's name is 1 to {MAX_CLUSTER_NAME} letters, digits, '-' or '_', starting with a letter or digit"),
            );
        }
    }
    if let Some(message) = version_problem(&eks.version, today) {
        fail(KubernetesRule::Version, "version", message);
    }
    if eks.endpoint.access.public() {
        let cidrs = &eks.endpoint.public_cidrs;
        if cidrs.is_empty() {
            fail(
                KubernetesRule::Endpoint,
                "endpoint.publicCidrs",
                "a public endpoint needs at least one CIDR it answers (0.0.0.0/0 for anywhere), or use access: private".into(),
            );
        } else if cidrs.len() > MAX_PUBLIC_CIDRS {
            fail(
                KubernetesRule::Endpoint,
                "endpoint.publicCidrs",
                format!(
                    "{} CIDRs: EKS takes at most {MAX_PUBLIC_CIDRS}",
                    cidrs.len()
                ),
            );
        }
        for (i, cidr) in cidrs.iter().enumerate() {
            if cidr.parse::<Ipv4Net>().is_err() {
                fail(
                    KubernetesRule::Endpoint,
                    &format!("endpoint.publicCidrs[{i}]"),
                    format!("'{cidr}' is not an IPv4 CIDR like 203.0.113.0/24"),
                );
            }
        }
    }
    // EKS places the control plane's network interfaces in subnets of at least two zones.
    let zones = network
        .private_zones
        .unwrap_or(usize::MAX)
        .max(network.public_zones.unwrap_or(usize::MAX));
    if zones < 2 {
        fail(
            KubernetesRule::ClusterZones,
            "",
            format!("EKS needs the cluster's subnets in at least 2 zones; the network has {zones}: use 2 or more zones"),
        );
    }
    if eks.node_groups.is_empty() {
        fail(
            KubernetesRule::NodeGroups,
            "nodeGroups",
            "a cluster needs at least one node group to run its pods".into(),
        );
    }
    for (i, group) in eks.node_groups.iter().enumerate() {
        let field = format!("nodeGroups[{i}]");
        if !valid_name(&group.name, MAX_NODE_GROUP_NAME)
            || eks.node_groups[..i].iter().any(|g| g.name == group.name)
        {
            fail(
                KubernetesRule::NodeGroupName,
                &format!("{field}.name"),
                format!("'{}': give each node group its own name of 1 to {MAX_NODE_GROUP_NAME} letters, digits, '-' or '_', starting with a letter or digit", group.name),
            );
        }
        node_group_problems(group, network, &field, fail);
    }
    addon_problems(&eks.addons, fail);
    access_problems(&eks.access, fail);
    in_cluster_rules::check(&eks.cluster_autoscaler, &eks.demo, &eks.storage, fail);
}

fn addon_problems(addons: &[Addon], fail: &mut impl FnMut(KubernetesRule, &str, String)) {
    for (i, addon) in addons.iter().enumerate() {
        let field = format!("addons[{i}]");
        if !known_addon(&addon.name) {
            fail(
                KubernetesRule::Addons,
                &format!("{field}.name"),
                format!(
                    "'{}' is not an addon Escala installs: use {} or {OBSERVABILITY_ADDON}",
                    addon.name,
                    ADDONS.join(", ")
                ),
            );
        } else if addons[..i].iter().any(|a| a.name == addon.name) {
            fail(
                KubernetesRule::Addons,
                &format!("{field}.name"),
                format!("{} is listed twice", addon.name),
            );
        }
        if let Some(version) = &addon.version {
            if !valid_addon_version(version) {
                fail(
                    KubernetesRule::Addons,
                    &format!("{field}.version"),
                    format!("'{version}' is not an addon version as EKS names them (v1.19.2-eksbuild.1): leave it out for the default one"),
                );
            }
        }
    }
}

fn access_problems(grants: &[AccessGrant], fail: &mut impl FnMut(KubernetesRule, &str, String)) {
    for (i, grant) in grants.iter().enumerate() {
        let field = format!("access[{i}]");
        if !valid_principal(&grant.principal) {
            fail(
                KubernetesRule::Access,
                &format!("{field}.principal"),
                format!("'{}' is not an IAM user's or role's ARN like arn:aws:iam::123456789012:user/ana", grant.principal),
            );
        } else if grants[..i].iter().any(|g| g.principal == grant.principal) {
            fail(
                KubernetesRule::Access,
                &format!("{field}.principal"),
                format!(
                    "{} is given access twice: give it one policy",
                    grant.principal
                ),
            );
        }
        for (j, namespace) in grant.namespaces.iter().enumerate() {
            if !valid_dns_label(namespace) {
                fail(
                    KubernetesRule::Access,
                    &format!("{field}.namespaces[{j}]"),
                    format!("'{namespace}' is not a namespace name: 1 to 63 lower-case letters, digits or '-', starting and ending with a letter or digit"),
                );
            }
        }
    }
}

/// `v1.19.2-eksbuild.1`, as EKS names an addon's versions.
fn valid_addon_version(version: &str) -> bool {
    let Some((semver, build)) = version
        .strip_prefix('v')
        .and_then(|v| v.split_once("-eksbuild."))
    else {
        return false;
    };
    let numbers = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = semver.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| numbers(p)) && numbers(build)
}

/// An IAM user's or role's ARN, in any partition, with a path or without.
fn valid_principal(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, "iam", "", account, resource] = parts.as_slice() else {
        return false;
    };
    *prefix == "arn"
        && matches!(*partition, "aws" | "aws-cn" | "aws-us-gov")
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && ["user/", "role/"].iter().any(|kind| {
            resource
                .strip_prefix(kind)
                .is_some_and(|name| !name.is_empty() && !name.ends_with('/'))
        })
}

/// A DNS-1123 label: a Kubernetes namespace's name.
fn valid_dns_label(name: &str) -> bool {
    let bytes = name.as_bytes();
    (1..=63).contains(&bytes.len())
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

fn node_group_problems(
    group: &NodeGroup,
    network: &NetworkShape,
    field: &str,
    fail: &mut impl FnMut(KubernetesRule, &str, String),
) {
    let types = &group.instance_types;
    if types.is_empty() || types.len() > MAX_INSTANCE_TYPES {
        fail(
            KubernetesRule::InstanceTypes,
            &format!("{field}.instanceTypes"),
            format!(
                "{} instance types: a node group takes 1 to {MAX_INSTANCE_TYPES}",
                types.len()
            ),
        );
    }
    for (j, t) in types.iter().enumerate() {
        if !valid_instance_type(t) {
            fail(
                KubernetesRule::InstanceTypes,
                &format!("{field}.instanceTypes[{j}]"),
                format!("'{t}' is not an instance type like t3.medium"),
            );
        } else if types[..j].contains(t) {
            fail(
                KubernetesRule::InstanceTypes,
                &format!("{field}.instanceTypes[{j}]"),
                format!("{t} is listed twice"),
            );
        }
    }
    // A node group has one AMI, and an AMI one architecture.
    if types.iter().any(|t| graviton(t)) && types.iter().any(|t| !graviton(t)) {
        fail(
            KubernetesRule::InstanceTypes,
            &format!("{field}.instanceTypes"),
            "Graviton (arm64) and x86 types can't share a node group, which runs one AMI: make a node group for each".into(),
        );
    }
    if !DISK_GIB.contains(&group.disk_gib) {
        fail(
            KubernetesRule::Disk,
            &format!("{field}.diskGib"),
            format!(
                "{} GiB: a node's disk is {} to {} GiB",
                group.disk_gib,
                DISK_GIB.start(),
                DISK_GIB.end()
            ),
        );
    }
    let size = group.size;
    if let Some(message) = range_problem((size.min, size.desired, size.max), "node", "a node group")
    {
        fail(
            KubernetesRule::NodeGroupSize,
            &format!("{field}.size"),
            message,
        );
    }
    labels_problems(&group.labels, &format!("{field}.labels"), fail);
    taints_problems(&group.taints, &format!("{field}.taints"), fail);
    if group.subnets == NodeSubnets::Private {
        if network.private_zones == Some(0) {
            fail(
                KubernetesRule::NodeSubnets,
                &format!("{field}.subnets"),
                "private nodes need private subnets, and the network has none: add them, or use subnets: public".into(),
            );
        } else if !network.nat {
            fail(
                KubernetesRule::NodeSubnets,
                &format!("{field}.subnets"),
                "private nodes pull their images and join the cluster through NAT, and the network has none: use nat: single (or perZone), or subnets: public".into(),
            );
        }
    }
}

fn labels_problems(
    labels: &BTreeMap<String, String>,
    field: &str,
    fail: &mut impl FnMut(KubernetesRule, &str, String),
) {
    if labels.len() > MAX_LABELS {
        fail(
            KubernetesRule::Labels,
            field,
            format!("{} labels: EKS takes at most {MAX_LABELS}", labels.len()),
        );
    }
    for (key, value) in labels {
        if !valid_label_key(key) {
            fail(
                KubernetesRule::Labels,
                &format!("{field}.{key}"),
                format!("'{key}' is not a Kubernetes label key: an optional DNS prefix and '/', then 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"),
            );
        }
        if !value.is_empty() && !valid_label_name(value) {
            fail(
                KubernetesRule::Labels,
                &format!("{field}.{key}"),
                format!("'{value}' is not a Kubernetes label value: empty, or 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"),
            );
        }
    }
}

fn taints_problems(
    taints: &[Taint],
    field: &str,
    fail: &mut impl FnMut(KubernetesRule, &str, String),
) {
    if taints.len() > MAX_TAINTS {
        fail(
            KubernetesRule::Taints,
            field,
            format!("{} taints: EKS takes at most {MAX_TAINTS}", taints.len()),
        );
    }
    for (i, taint) in taints.iter().enumerate() {
        if !valid_label_key(&taint.key) {
            fail(
                KubernetesRule::Taints,
                &format!("{field}[{i}].key"),
                format!(
                    "'{}' is not a taint key: it has a label key's shape",
                    taint.key
                ),
            );
        }
        if let Some(value) = &taint.value {
            if !value.is_empty() && !valid_label_name(value) {
                fail(
                    KubernetesRule::Taints,
                    &format!("{field}[{i}].value"),
                    format!("'{value}' is not a taint value: it has a label value's shape"),
                );
            }
        }
        if taints[..i]
            .iter()
            .any(|t| t.key == taint.key && t.effect == taint.effect)
        {
            fail(
                KubernetesRule::Taints,
                &format!("{field}[{i}]"),
                format!("{} with {:?} is given twice", taint.key, taint.effect),
            );
        }
    }
}

/// What is wrong with a version on `today`: EKS's calendar says which it creates clusters on.
fn version_problem(version: &str, today: Date) -> Option<String> {
    let offered = versions::offered(today).join(", ");
    let Some(minor) = versions::parse_minor(version) else {
        return Some(format!(
            "'{version}' is not a Kubernetes minor version as EKS names it (\"1.35\"): EKS offers {offered}"
        ));
    };
    match versions::support(minor, today) {
        Some(Support::Unsupported) | None if minor <= versions::EKS_VERSIONS[0].minor => Some(
            format!("EKS doesn't create clusters on {version}: it offers {offered}"),
        ),
        _ => None,
    }
}

/// An EKS cluster's or node group's name.
fn valid_name(name: &str, max: usize) -> bool {
    (1..=max).contains(&name.len())
        && name.as_bytes()[0].is_ascii_alphanumeric()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A label key: an optional DNS-subdomain prefix of up to 253 characters and `/`, then a name.
fn valid_label_key(key: &str) -> bool {
    match key.split_once('/') {
        Some((prefix, name)) => {
            (1..=253).contains(&prefix.len())
                && prefix.split('.').all(|part| {
                    !part.is_empty()
                        && part.len() <= 63
                        && part
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                        && !part.starts_with('-')
                        && !part.ends_with('-')
                })
                && valid_label_name(name)
        }
        None => valid_label_name(key),
    }
}

/// A label's name or value: 1 to 63 of `[A-Za-z0-9_.-]`, starting and ending alphanumeric.
fn valid_label_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (1..=63).contains(&bytes.len())
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

//! The route's bad-input table: one row per rule, each asserting the rule, the field and the
//! message, on the seed network.

use super::*;
use crate::spec::{NatMode, RouteSpec, Spec};
use crate::validate::{RegionZones, Rule, ValidSpec};

fn region() -> RegionZones {
    RegionZones {
        region: "us-east-1".into(),
        zones: vec!["us-east-1a".into(), "us-east-1b".into()],
    }
}

fn base() -> Spec {
    let mut spec = Spec::seed_network("cluster", "us-east-1");
    spec.network.nat = NatMode::Single;
    spec
}

type Edit = fn(&mut Spec);

/// The stack's EKS cluster, one node group of 2/2/4 t3.medium when absent.
fn eks(spec: &mut Spec) -> &mut EksSpec {
    let route = spec.route.get_or_insert_with(|| {
        RouteSpec::Kubernetes(
            serde_saphyr::from_str(
                "provider: eks\nversion: '1.35'\nnodeGroups:\n- {name: nodes, instanceTypes: [t3.medium], size: {min: 2, desired: 2, max: 4}}\nclusterAutoscaler: {image: 'autoscaling/cluster-autoscaler:v1.35.0'}\n",
            )
            .expect("a minimal EKS route"),
        )
    });
    let RouteSpec::Kubernetes(KubernetesSpec::Eks(eks)) = route else {
        unreachable!("the route was made as EKS")
    };
    eks
}

fn group(spec: &mut Spec) -> &mut NodeGroup {
    &mut eks(spec).node_groups[0]
}

/// (what, edit, expected rule, expected field, a fragment of the message)
const TABLE: &[(&str, Edit, KubernetesRule, &str, &str)] = &[
    (
        "a cluster name over 100 characters",
        |s| eks(s).name = Some("c".repeat(101)),
        KubernetesRule::ClusterName,
        "route.kubernetes.name",
        "1 to 100 letters",
    ),
    (
        "a version EKS no longer offers",
        |s| eks(s).version = "1.20".into(),
        KubernetesRule::Version,
        "route.kubernetes.version",
        "EKS doesn't create clusters on 1.20",
    ),
    (
        "a version that isn't one",
        |s| eks(s).version = "1.35.2".into(),
        KubernetesRule::Version,
        "route.kubernetes.version",
        "not a Kubernetes minor version",
    ),
    (
        "a public endpoint with a CIDR that isn't one",
        |s| eks(s).endpoint.public_cidrs = vec!["10.0.0.0/33".into()],
        KubernetesRule::Endpoint,
        "route.kubernetes.endpoint.publicCidrs[0]",
        "not an IPv4 CIDR",
    ),
    (
        "a network in one zone",
        |s| {
            s.network.zones = crate::spec::Zones::Count(1);
            s.network.public_subnets = Some(vec!["10.0.1.0/24".into()]);
            s.network.private_subnets = Some(vec!["10.0.3.0/24".into()]);
            eks(s);
        },
        KubernetesRule::ClusterZones,
        "route.kubernetes",
        "at least 2 zones",
    ),
    (
        "no node group",
        |s| eks(s).node_groups.clear(),
        KubernetesRule::NodeGroups,
        "route.kubernetes.nodeGroups",
        "at least one node group",
    ),
    (
        "two node groups of one name",
        |s| {
            let copy = group(s).clone();
            eks(s).node_groups.push(copy);
        },
        KubernetesRule::NodeGroupName,
        "route.kubernetes.nodeGroups[1].name",
        "its own name",
    ),
    (
        "an instance type that isn't one",
        |s| group(s).instance_types = vec!["t3medium".into()],
        KubernetesRule::InstanceTypes,
        "route.kubernetes.nodeGroups[0].instanceTypes[0]",
        "not an instance type",
    ),
    (
        "Graviton and x86 in one group",
        |s| group(s).instance_types = vec!["t3.medium".into(), "t4g.medium".into()],
        KubernetesRule::InstanceTypes,
        "route.kubernetes.nodeGroups[0].instanceTypes",
        "one AMI",
    ),
    (
        "a disk too small for the AMI",
        |s| group(s).disk_gib = 8,
        KubernetesRule::Disk,
        "route.kubernetes.nodeGroups[0].diskGib",
        "20 to 16384 GiB",
    ),
    (
        "min above max",
        |s| {
            group(s).size = NodeGroupSize {
                min: 5,
                desired: 5,
                max: 4,
            }
        },
        KubernetesRule::NodeGroupSize,
        "route.kubernetes.nodeGroups[0].size",
        "min 5 is above max 4",
    ),
    (
        "a label key with a space",
        |s| {
            group(s).labels.insert("team name".into(), "web".into());
        },
        KubernetesRule::Labels,
        "route.kubernetes.nodeGroups[0].labels.team name",
        "not a Kubernetes label key",
    ),
    (
        "a taint value that is too long",
        |s| {
            group(s).taints = vec![Taint {
                key: "dedicated".into(),
                value: Some("v".repeat(64)),
                effect: TaintEffect::NoSchedule,
            }]
        },
        KubernetesRule::Taints,
        "route.kubernetes.nodeGroups[0].taints[0].value",
        "not a taint value",
    ),
    (
        "private nodes without NAT",
        |s| {
            s.network.nat = NatMode::None;
            eks(s);
        },
        KubernetesRule::NodeSubnets,
        "route.kubernetes.nodeGroups[0].subnets",
        "through NAT",
    ),
    (
        "an addon name that isn't one",
        |s| eks(s).addons[2].name = "core-dns".into(),
        KubernetesRule::Addons,
        "route.kubernetes.addons[2].name",
        "not an addon Escala installs",
    ),
    (
        "an addon version that isn't one",
        |s| eks(s).addons[0].version = Some("1.19".into()),
        KubernetesRule::Addons,
        "route.kubernetes.addons[0].version",
        "v1.19.2-eksbuild.1",
    ),
    (
        "a principal ARN that isn't one",
        |s| {
            eks(s).access = vec![AccessGrant {
                principal: "arn:aws:iam::12345:user/ana".into(),
                policy: AccessPolicy::View,
                namespaces: vec![],
            }]
        },
        KubernetesRule::Access,
        "route.kubernetes.access[0].principal",
        "not an IAM user's or role's ARN",
    ),
    (
        "a namespace name with capitals",
        |s| {
            eks(s).access = vec![AccessGrant {
                principal: "arn:aws:iam::123456789012:role/ops/oncall".into(),
                policy: AccessPolicy::Edit,
                namespaces: vec!["Demo".into()],
            }]
        },
        KubernetesRule::Access,
        "route.kubernetes.access[0].namespaces[0]",
        "not a namespace name",
    ),
    (
        "cluster-autoscaler removing nodes after no time",
        |s| eks(s).cluster_autoscaler.scale_down_unneeded_minutes = 0,
        KubernetesRule::ClusterAutoscaler,
        "route.kubernetes.clusterAutoscaler.scaleDownUnneededMinutes",
        "1 to 1440 minutes",
    ),
    (
        "cluster-autoscaler without its image",
        |s| eks(s).cluster_autoscaler.image = None,
        KubernetesRule::ClusterAutoscaler,
        "route.kubernetes.clusterAutoscaler.image",
        "cluster-autoscaler needs its image",
    ),
    (
        "php-apache without its image",
        |s| eks(s).demo.app = DemoApp::PhpApache,
        KubernetesRule::Demo,
        "route.kubernetes.demo.image",
        "php-apache needs its image",
    ),
    (
        "a demo image that isn't a reference",
        |s| eks(s).demo.image = Some("Chat Server:latest".into()),
        KubernetesRule::Demo,
        "route.kubernetes.demo.image",
        "not an image reference",
    ),
    (
        "an HPA whose min is above its max",
        |s| eks(s).demo.replicas = Replicas { min: 5, max: 2 },
        KubernetesRule::Demo,
        "route.kubernetes.demo.replicas",
        "1 ≤ min ≤ max ≤ 100",
    ),
    (
        "an HPA target over 100 %",
        |s| eks(s).demo.target_cpu = 150,
        KubernetesRule::Demo,
        "route.kubernetes.demo.targetCpu",
        "1 to 100 %",
    ),
    (
        "a PVC larger than gp3 allows",
        |s| eks(s).storage.claim_gib = Some(20_000),
        KubernetesRule::Storage,
        "route.kubernetes.storage.claimGib",
        "1 to 16384 GiB",
    ),
    (
        "more IOPS than a small gp3 volume takes",
        |s| {
            eks(s).storage.claim_gib = Some(10);
            eks(s).storage.iops = 6000;
        },
        KubernetesRule::Storage,
        "route.kubernetes.storage.iops",
        "at most 500 IOPS per GiB",
    ),
    (
        "more throughput than the IOPS allow",
        |s| eks(s).storage.throughput_mibps = 1000,
        KubernetesRule::Storage,
        "route.kubernetes.storage.throughputMibps",
        "0.25 MiB/s per IOPS",
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
    use KubernetesRule::*;
    let all = [
        ClusterName,
        Version,
        Endpoint,
        ClusterZones,
        NodeGroups,
        NodeGroupName,
        InstanceTypes,
        Disk,
        NodeGroupSize,
        Labels,
        Taints,
        NodeSubnets,
        Addons,
        Access,
        ClusterAutoscaler,
        Demo,
        Storage,
    ];
    for rule in all {
        // A new variant must be added here and to the table: the match makes that a compile error.
        match rule {
            ClusterName | Version | Endpoint | ClusterZones | NodeGroups | NodeGroupName
            | InstanceTypes | Disk | NodeGroupSize | Labels | Taints | NodeSubnets | Addons
            | Access | ClusterAutoscaler | Demo | Storage => {}
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
    eks(&mut spec).version = "1.2".into();
    group(&mut spec).disk_gib = 0;
    group(&mut spec).instance_types.clear();
    let errors = ValidSpec::new(spec, &region()).expect_err("three problems");
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "route.kubernetes.version",
            "route.kubernetes.nodeGroups[0].instanceTypes",
            "route.kubernetes.nodeGroups[0].diskGib"
        ]
    );
    let seed = Spec::from_yaml(include_str!("../../../../../examples/seed-eks.yaml"))
        .expect("the seed's Spec parses");
    ValidSpec::new(seed, &region()).expect("the seed's Spec is valid");
}

#[test]
fn a_version_newer_than_the_calendar_is_left_for_eks_to_judge() {
    let mut spec = base();
    eks(&mut spec).version = format!("1.{}", versions::EKS_VERSIONS[0].minor + 1);
    ValidSpec::new(spec, &region()).expect("EKS is asked about it before planning");
}

#[test]
fn an_unknown_field_or_provider_is_refused_where_it_is() {
    let err = serde_saphyr::from_str::<KubernetesSpec>(
        "provider: eks\nversion: '1.35'\nnodeGroups: []\nnodegroups: []\n",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("nodegroups"), "{err}");
    let err = serde_saphyr::from_str::<KubernetesSpec>("provider: gke\nversion: '1.35'\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("gke"), "{err}");
}

#[test]
fn image_references_are_told_apart() {
    for good in [
        "chat",
        "chat:1.2.3",
        "team/chat:latest",
        "registry.local:5000/team/chat",
        "registry.local:5000/team/chat:v1",
        &format!("chat@sha256:{}", "a".repeat(64)),
    ] {
        let mut spec = base();
        eks(&mut spec).demo.image = Some(good.to_string());
        ValidSpec::new(spec, &region()).unwrap_or_else(|e| panic!("{good}: {e}"));
    }
    for bad in [
        "",
        "Chat",
        "chat:",
        "chat@sha256:abc",
        "team//chat",
        "chat:t@g",
    ] {
        let mut spec = base();
        eks(&mut spec).demo.image = Some(bad.to_string());
        assert!(ValidSpec::new(spec, &region()).is_err(), "{bad} was taken");
    }
}

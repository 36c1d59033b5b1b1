//! The `kubernetes` route as tasks, on EKS: the cluster on the network's subnets (its control
//! plane's interfaces in the private ones when there are any), its managed node groups, its
//! addons and its access entries.
//! The roles EKS is handed are the account's, shared by every EKS stack ([`roles`]).

pub mod access;
mod access_entry;
mod addon;
mod chat_image;
mod cluster;
pub mod cluster_api;
mod dashboard;
mod facts;
mod ids;
mod in_cluster;
mod inside;
mod kube_object;
mod leftovers;
mod node_group;
pub mod overview;
mod pod_identity;
mod roles;
pub mod token;
mod updates;

use std::sync::Arc;

use async_trait::async_trait;
use escala_core::kind::Kind;
use escala_core::network::{ResolvedNetwork, SubnetPlan};
use escala_core::routes::kubernetes::{EksSpec, KubernetesSpec, NodeSubnets, OBSERVABILITY_ADDON};
use escala_core::routes::Section;
use escala_core::task::Task;
use escala_core::validate::CheckedSpec;

use crate::account::AccountRole;
use crate::context::AwsContext;
use crate::iam::Grant;
use crate::route::{Build, Route, Scaling};
use crate::routes::container;
use crate::AwsError;

use access_entry::EksAccessEntry;
use addon::EksAddon;
use cluster::EksCluster;
use facts::Facts;
use node_group::EksNodeGroup;
use pod_identity::EksPodIdentity;

/// A Kubernetes cluster whose nodes cluster-autoscaler scales, on EKS.
#[derive(Debug)]
pub struct Kubernetes;

#[async_trait]
impl Route for Kubernetes {
    fn name(&self) -> &'static str {
        KubernetesSpec::NAME
    }
    fn summary(&self) -> &'static str {
        "a Kubernetes cluster on EKS with managed node groups, on the network"
    }
    fn kinds(&self) -> &'static [&'static dyn Kind<AwsContext>] {
        &[
            &cluster::EksClusterKind,
            &node_group::EksNodeGroupKind,
            &addon::EksAddonKind,
            &access_entry::EksAccessEntryKind,
            &pod_identity::EksPodIdentityKind,
            &kube_object::KubeObjectKind,
            &leftovers::balancer::ClusterLoadBalancerKind,
            &leftovers::target_group::ClusterTargetGroupKind,
            &leftovers::volume::ClusterVolumeKind,
            &container::repository::RepositoryKind,
            &container::image::ImageKind,
        ]
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            // Planning: the region's instance types, and EKS's versions newer than the calendar.
            Grant::reads(&[
                "ec2:DescribeInstanceTypeOfferings",
                "eks:DescribeClusterVersions",
            ]),
            // Planning finds the account's roles; the cluster and its node groups hand them to EKS.
            roles::GRANTS[0],
            roles::GRANTS[1],
            roles::GRANTS[2],
        ];
        GRANTS
    }
    fn account_roles(&self) -> &'static [AccountRole] {
        &[
            roles::CLUSTER,
            roles::NODE,
            roles::EBS_CSI,
            roles::AUTOSCALER,
            roles::CLOUDWATCH,
        ]
    }
    fn service_linked_roles(&self) -> &'static [&'static str] {
        &[
            "eks.amazonaws.com",
            "eks-nodegroup.amazonaws.com",
            "autoscaling.amazonaws.com",
        ]
    }
    async fn prepare(&self, ctx: &AwsContext, spec: &CheckedSpec) -> Result<Build, AwsError> {
        let KubernetesSpec::Eks(eks) = spec
            .spec()
            .route
            .as_ref()
            .and_then(KubernetesSpec::of)
            .ok_or_else(|| AwsError::Invalid("the Spec has no kubernetes route".into()))?
            .clone();
        let name = eks.cluster_name(&ctx.stack).to_string();
        let facts = facts::look_up(ctx, &eks, &name).await?;
        let stack = ctx.stack.clone();
        let inside = cluster_api::runs(ctx);
        Ok(Box::new(move |net| {
            let mut t = tasks(&eks, &name, &facts, net);
            let chat = facts.chat_image.as_ref();
            t.extend(chat.map(chat_image::tasks).unwrap_or_default());
            if inside {
                t.extend(inside::tasks(&eks, &stack, &name, chat));
            }
            t
        }))
    }
    fn notes(&self, ctx: &AwsContext, spec: &CheckedSpec) -> Vec<String> {
        match spec.spec().route.as_ref().and_then(KubernetesSpec::of) {
            Some(KubernetesSpec::Eks(eks)) => inside::notes(ctx, eks),
            None => Vec::new(),
        }
    }
    fn scaling(&self) -> Option<&'static dyn Scaling> {
        Some(&dashboard::ClusterScaling)
    }
}

fn subnet_ids(subnets: &[SubnetPlan]) -> Vec<String> {
    subnets
        .iter()
        .map(|s| format!("subnet-{}", s.logical_id()))
        .collect()
}

fn tasks(
    eks: &EksSpec,
    name: &str,
    facts: &Facts,
    net: &ResolvedNetwork,
) -> Vec<Arc<dyn Task<AwsContext>>> {
    // The control plane's interfaces go where the nodes reach them privately; without private
    // subnets, in the public ones.
    let control_plane = if net.private.is_empty() {
        subnet_ids(&net.public)
    } else {
        subnet_ids(&net.private)
    };
    let mut t: Vec<Arc<dyn Task<AwsContext>>> = vec![Arc::new(EksCluster {
        name: name.to_string(),
        version: eks.version.clone(),
        endpoint: eks.endpoint.clone(),
        subnets: control_plane,
        role_arn: facts.roles.cluster.clone(),
    })];
    for group in &eks.node_groups {
        let subnets = match group.subnets {
            NodeSubnets::Private => subnet_ids(&net.private),
            NodeSubnets::Public => subnet_ids(&net.public),
        };
        t.push(Arc::new(EksNodeGroup {
            id: ids::node_group(&group.name),
            cluster: name.to_string(),
            version: eks.version.clone(),
            group: group.clone(),
            subnets,
            role_arn: facts.roles.node.clone(),
        }));
    }
    let node_groups: Vec<String> = eks
        .node_groups
        .iter()
        .map(|g| ids::node_group(&g.name))
        .collect();
    for (addon, version) in eks.addons.iter().zip(&facts.addon_versions) {
        t.push(Arc::new(EksAddon {
            id: ids::addon(&addon.name),
            cluster: name.to_string(),
            name: addon.name.clone(),
            version: version.clone(),
            node_groups: node_groups.clone(),
        }));
    }
    // The EBS driver's controller makes and attaches volumes as the account's driver role.
    if eks.addons.iter().any(|a| a.name == "aws-ebs-csi-driver") {
        t.push(Arc::new(EksPodIdentity {
            id: ids::pod_identity(pod_identity::EBS_CSI_ACCOUNT),
            cluster: name.to_string(),
            namespace: "kube-system".into(),
            service_account: pod_identity::EBS_CSI_ACCOUNT.into(),
            role_arn: facts.roles.ebs_csi.clone(),
        }));
    }
    // Container Insights' agent publishes the cluster's metrics as the account's role for it.
    if eks.addons.iter().any(|a| a.name == OBSERVABILITY_ADDON) {
        t.push(Arc::new(EksPodIdentity {
            id: ids::pod_identity(pod_identity::CLOUDWATCH_ACCOUNT),
            cluster: name.to_string(),
            namespace: pod_identity::CLOUDWATCH_NAMESPACE.into(),
            service_account: pod_identity::CLOUDWATCH_ACCOUNT.into(),
            role_arn: facts.roles.cloudwatch.clone(),
        }));
    }
    // cluster-autoscaler reads the node groups and sets their size as the account's role for it.
    if eks.cluster_autoscaler.enabled {
        t.push(Arc::new(EksPodIdentity {
            id: ids::pod_identity(pod_identity::AUTOSCALER_ACCOUNT),
            cluster: name.to_string(),
            namespace: "kube-system".into(),
            service_account: pod_identity::AUTOSCALER_ACCOUNT.into(),
            role_arn: facts.roles.autoscaler.clone(),
        }));
    }
    for grant in &eks.access {
        t.push(Arc::new(EksAccessEntry {
            id: ids::access_entry(&grant.principal),
            cluster: name.to_string(),
            grant: grant.clone(),
        }));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use escala_core::spec::Spec;
    use escala_core::validate::{RegionZones, ValidSpec};

    #[test]
    fn every_task_is_of_a_kind_the_route_registers() {
        let yaml = include_str!("../../../../../examples/seed-eks.yaml");
        let spec = Spec::from_yaml(yaml).unwrap();
        let zones = RegionZones {
            region: "us-east-1".into(),
            zones: vec!["us-east-1a".into(), "us-east-1b".into()],
        };
        let valid = ValidSpec::new(spec, &zones).unwrap_or_else(|e| panic!("{e}"));
        let KubernetesSpec::Eks(eks) = valid
            .spec()
            .route
            .as_ref()
            .and_then(KubernetesSpec::of)
            .unwrap();
        let facts = Facts {
            roles: roles::RoleArns {
                cluster: "arn:aws:iam::123456789012:role/escala/escala-eks-cluster".into(),
                node: "arn:aws:iam::123456789012:role/escala/escala-eks-node".into(),
                ebs_csi: "arn:aws:iam::123456789012:role/escala/escala-eks-ebs-csi".into(),
                autoscaler: "arn:aws:iam::123456789012:role/escala/escala-eks-cluster-autoscaler"
                    .into(),
                cloudwatch: "arn:aws:iam::123456789012:role/escala/escala-eks-cloudwatch".into(),
            },
            addon_versions: eks
                .addons
                .iter()
                .map(|_| "v1.0.0-eksbuild.1".to_string())
                .collect(),
            chat_image: Some(chat_image::ChatImage {
                image: container::image::stand_in(),
                reference: "123456789012.dkr.ecr.us-east-1.amazonaws.com/seed-eks-chat:t".into(),
            }),
        };
        let registered: Vec<&str> = Kubernetes.kinds().iter().map(|k| k.name()).collect();
        let tasks = tasks(eks, "seed-eks", &facts, valid.network());
        // The cluster, its node group, its seven addons, and the EBS driver's, Container
        // Insights' agent's and cluster-autoscaler's pod identities.
        assert_eq!(tasks.len(), 12, "{tasks:?}");
        let chat = facts.chat_image.as_ref();
        let pushed = chat_image::tasks(chat.unwrap());
        let inside = inside::tasks(eks, "seed-eks", "seed-eks", chat);
        for t in tasks.iter().chain(&pushed).chain(&inside) {
            assert!(registered.contains(&t.kind().name()), "{}", t.id());
        }
        // The nodes join from the private subnets, where the control plane's interfaces are.
        assert_eq!(
            tasks[1].deps(),
            ["eks-cluster", "subnet-private-a", "subnet-private-b"]
        );
    }
}

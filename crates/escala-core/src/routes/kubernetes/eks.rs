//! EKS's fields: the cluster's name, version and API endpoint, its managed node groups, its addons
//! and who else may use it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::in_cluster::{ClusterAutoscaler, Demo, Storage};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EksSpec {
    /// The cluster's name in EKS; the stack's name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The Kubernetes minor version, as EKS names it: "1.35".
    pub version: String,
    #[serde(default)]
    pub endpoint: Endpoint,
    pub node_groups: Vec<NodeGroup>,
    /// EKS's addons, each at the default version for the cluster's Kubernetes version or pinned.
    #[serde(default = "every_addon")]
    pub addons: Vec<Addon>,
    /// IAM principals given access to the cluster's API, besides the deploy user that creates it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access: Vec<AccessGrant>,
    #[serde(default)]
    pub cluster_autoscaler: ClusterAutoscaler,
    #[serde(default)]
    pub demo: Demo,
    #[serde(default)]
    pub storage: Storage,
}

impl EksSpec {
    /// The cluster's name: the Spec's, or the stack's.
    pub fn cluster_name<'a>(&'a self, stack: &'a str) -> &'a str {
        self.name.as_deref().unwrap_or(stack)
    }
}

/// Who reaches the cluster's API server, and from where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Endpoint {
    #[serde(default)]
    pub access: EndpointAccess,
    /// The addresses the public endpoint answers, when there is one.
    #[serde(default = "anywhere")]
    pub public_cidrs: Vec<String>,
}

fn anywhere() -> Vec<String> {
    vec!["0.0.0.0/0".into()]
}

impl Default for Endpoint {
    fn default() -> Self {
        Self {
            access: EndpointAccess::default(),
            public_cidrs: anywhere(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum EndpointAccess {
    /// From the internet (within `publicCidrs`) only: the nodes reach it through NAT too.
    Public,
    /// From inside the VPC only: kubectl needs a way in (a VPN, a bastion).
    Private,
    /// Both: the nodes stay inside the VPC, and kubectl works from `publicCidrs`.
    #[default]
    Both,
}

impl EndpointAccess {
    pub fn public(self) -> bool {
        matches!(self, EndpointAccess::Public | EndpointAccess::Both)
    }

    pub fn private(self) -> bool {
        matches!(self, EndpointAccess::Private | EndpointAccess::Both)
    }
}

/// A managed node group: EKS makes its launch template and Auto Scaling group, and drains nodes
/// on updates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NodeGroup {
    pub name: String,
    /// One type on demand; several for Spot, so that a reclaimed type is replaced by another.
    pub instance_types: Vec<String>,
    #[serde(default)]
    pub capacity: NodeCapacity,
    /// Each node's root volume, in GiB.
    #[serde(default = "twenty")]
    pub disk_gib: u32,
    pub size: NodeGroupSize,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taints: Vec<Taint>,
    #[serde(default)]
    pub subnets: NodeSubnets,
}

fn twenty() -> u32 {
    20
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum NodeCapacity {
    #[default]
    OnDemand,
    /// Spare EC2 capacity at a discount, reclaimed with two minutes' notice.
    Spot,
}

impl NodeCapacity {
    /// EKS's `capacityType`.
    pub fn eks_name(self) -> &'static str {
        match self {
            NodeCapacity::OnDemand => "ON_DEMAND",
            NodeCapacity::Spot => "SPOT",
        }
    }
}

/// The node group's bounds: cluster-autoscaler moves `desired` between `min` and `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NodeGroupSize {
    pub min: u32,
    pub desired: u32,
    pub max: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Taint {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub effect: TaintEffect,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum TaintEffect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

impl TaintEffect {
    /// EKS's name for the effect.
    pub fn eks_name(self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "NO_SCHEDULE",
            TaintEffect::PreferNoSchedule => "PREFER_NO_SCHEDULE",
            TaintEffect::NoExecute => "NO_EXECUTE",
        }
    }
}

/// Where the nodes go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum NodeSubnets {
    /// The private subnets, pulling images through NAT: needs a network with NAT.
    #[default]
    Private,
    /// The public subnets, each node with a public IP.
    Public,
}

/// The addons Escala installs by default: the pod network (vpc-cni), service routing (kube-proxy),
/// DNS (coredns), pod identities for the AWS roles of the EBS driver and cluster-autoscaler, the EBS
/// driver for persistent volumes, and the metrics the HorizontalPodAutoscaler scales on.
pub const ADDONS: [&str; 6] = [
    "vpc-cni",
    "kube-proxy",
    "coredns",
    "eks-pod-identity-agent",
    "aws-ebs-csi-driver",
    "metrics-server",
];

/// Container Insights' addon (the CloudWatch agent and Fluent Bit): the nodes', pods' and
/// Services' metrics in CloudWatch's `ContainerInsights` namespace, which the dashboard charts.
/// CloudWatch bills them per observation, so it is listed rather than installed by default.
pub const OBSERVABILITY_ADDON: &str = "amazon-cloudwatch-observability";

/// Whether Escala knows how to install `name`: a default addon or Container Insights'.
pub fn known_addon(name: &str) -> bool {
    ADDONS.contains(&name) || name == OBSERVABILITY_ADDON
}

fn every_addon() -> Vec<Addon> {
    ADDONS
        .iter()
        .map(|name| Addon {
            name: name.to_string(),
            version: None,
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Addon {
    pub name: String,
    /// A version EKS publishes for the addon (`v1.19.2-eksbuild.1`); absent for the default one
    /// for the cluster's Kubernetes version, which follows the cluster's upgrades.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// An access entry: an IAM principal, one of EKS's access policies, and where it applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccessGrant {
    /// An IAM user's or role's ARN.
    pub principal: String,
    pub policy: AccessPolicy,
    /// The namespaces it applies in; the whole cluster when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<String>,
}

/// EKS's access policies, as Kubernetes' default roles: cluster-admin, admin, edit and view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum AccessPolicy {
    ClusterAdmin,
    Admin,
    Edit,
    View,
}

impl AccessPolicy {
    /// The policy's ARN, as EKS names it.
    pub fn arn(self) -> &'static str {
        match self {
            AccessPolicy::ClusterAdmin => {
                "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
            }
            AccessPolicy::Admin => "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy",
            AccessPolicy::Edit => "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
            AccessPolicy::View => "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
        }
    }
}

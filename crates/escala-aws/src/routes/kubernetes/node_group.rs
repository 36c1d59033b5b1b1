//! A managed node group: EKS makes its launch template and Auto Scaling group (tagged for
//! cluster-autoscaler's auto-discovery), joins its nodes to the cluster, and drains them on
//! updates. Its size between min and max is cluster-autoscaler's business, so the plan manages
//! min and max but never puts `desired` back.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_eks::client::Waiters;
use aws_sdk_eks::types::{
    AmiTypes, CapacityTypes, Nodegroup, NodegroupScalingConfig, NodegroupStatus, Taint,
    TaintEffect, UpdateLabelsPayload, UpdateTaintsPayload,
};
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::routes::bounds::graviton;
use escala_core::routes::kubernetes::{self as k8s, NodeGroup};
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::cluster::eks_tags;
use super::ids::{self, CLUSTER};
use super::in_cluster;
use super::updates;
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::sdk::{read, wait_through_transients, SdkResultExt};

const NODE_GROUPS: &[&str] = &["arn:aws:eks:*:*:nodegroup/*"];
/// A node group's create or delete: its instances start, join, drain and stop.
const WAIT: Duration = Duration::from_secs(30 * 60);

fields! {
    /// What the nodes are is fixed (a change means a new group); their bounds, labels, taints and
    /// Kubernetes version change in place.
    pub struct NodeGroupProps {
        instance_types("instanceTypes", fixed): String,
        capacity("capacity", fixed): String,
        ami_type("amiType", fixed): String,
        disk_gib("diskGib", fixed): u32,
        subnets("subnets", fixed): String,
        min("min"): u32,
        max("max"): u32,
        labels("labels"): String,
        taints("taints"): String,
        version("version"): String,
    }
}

fields! {
    pub struct NodeGroupOutputs {
        desired("desired"): u32,
        auto_scaling_group("autoScalingGroup"): String,
    }
}

#[derive(Debug)]
pub struct EksNodeGroup {
    pub id: String,
    pub cluster: String,
    pub version: String,
    pub group: NodeGroup,
    /// The subnets' logical ids.
    pub subnets: Vec<String>,
    pub role_arn: String,
}

fn ami_type(instance_types: &[String]) -> AmiTypes {
    if instance_types.iter().any(|t| graviton(t)) {
        AmiTypes::Al2023Arm64Standard
    } else {
        AmiTypes::Al2023X8664Standard
    }
}

fn taint_effect(effect: k8s::TaintEffect) -> TaintEffect {
    TaintEffect::from(effect.eks_name())
}

fn labels_text(labels: &BTreeMap<String, String>) -> String {
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn taint_text(key: &str, value: Option<&str>, effect: &str) -> String {
    format!("{key}={}:{effect}", value.unwrap_or_default())
}

impl EksNodeGroup {
    fn name(&self) -> &str {
        &self.group.name
    }

    fn taints(&self) -> Vec<Taint> {
        self.group
            .taints
            .iter()
            .map(|t| {
                Taint::builder()
                    .key(&t.key)
                    .set_value(t.value.clone())
                    .effect(taint_effect(t.effect))
                    .build()
            })
            .collect()
    }

    fn current(&self, g: &Nodegroup, subnets: String) -> Current<NodeGroupProps, NodeGroupOutputs> {
        let scaling = g.scaling_config();
        let labels: BTreeMap<String, String> = g
            .labels()
            .map(|l| l.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let mut taints: Vec<String> = g
            .taints()
            .iter()
            .map(|t| {
                taint_text(
                    t.key().unwrap_or_default(),
                    t.value(),
                    t.effect().map(|e| e.as_str()).unwrap_or_default(),
                )
            })
            .collect();
        taints.sort();
        Current {
            // As discovery names it, so a replaced group is deleted like a found one.
            id: format!(
                "{}/{}",
                self.cluster,
                g.nodegroup_name().unwrap_or_default()
            ),
            props: NodeGroupProps {
                instance_types: g.instance_types().join(", "),
                capacity: g
                    .capacity_type()
                    .map(|c| c.as_str())
                    .unwrap_or("ON_DEMAND")
                    .into(),
                ami_type: g.ami_type().map(|a| a.as_str()).unwrap_or_default().into(),
                disk_gib: g.disk_size().unwrap_or_default() as u32,
                subnets,
                min: scaling.and_then(|s| s.min_size()).unwrap_or_default() as u32,
                max: scaling.and_then(|s| s.max_size()).unwrap_or_default() as u32,
                labels: labels_text(&labels),
                taints: taints.join(", "),
                version: g.version().unwrap_or_default().into(),
            },
            outputs: NodeGroupOutputs {
                desired: scaling.and_then(|s| s.desired_size()).unwrap_or_default() as u32,
                auto_scaling_group: g
                    .resources()
                    .and_then(|r| r.auto_scaling_groups().first())
                    .and_then(|a| a.name())
                    .unwrap_or_default()
                    .into(),
            },
        }
    }

    async fn described(&self, ctx: &AwsContext) -> Result<Option<Nodegroup>, TaskError> {
        described(ctx, &self.cluster, self.name()).await
    }

    async fn wait_active(&self, ctx: &AwsContext) -> Result<Nodegroup, TaskError> {
        wait_through_transients(
            &format!("the node group {} did not become active", self.name()),
            WAIT,
            |max| {
                ctx.eks
                    .wait_until_nodegroup_active()
                    .cluster_name(&self.cluster)
                    .nodegroup_name(self.name())
                    .wait(max)
            },
        )
        .await?;
        self.described(ctx).await?.ok_or_else(|| {
            TaskError::eventual(
                "ResourceNotFoundException",
                format!("the node group {} is not found", self.name()),
            )
        })
    }

    fn scaling(&self, desired: u32) -> NodegroupScalingConfig {
        let size = self.group.size;
        NodegroupScalingConfig::builder()
            .min_size(size.min as i32)
            .max_size(size.max as i32)
            .desired_size(desired as i32)
            .build()
    }
}

pub(super) async fn described(
    ctx: &AwsContext,
    cluster: &str,
    name: &str,
) -> Result<Option<Nodegroup>, TaskError> {
    let out = ctx
        .eks
        .describe_nodegroup()
        .cluster_name(cluster)
        .nodegroup_name(name)
        .send()
        .await
        .task();
    match out {
        Err(e) if e.code == "ResourceNotFoundException" => Ok(None),
        other => Ok(other?.nodegroup),
    }
}

#[async_trait]
impl Resource<AwsContext> for EksNodeGroup {
    type Props = NodeGroupProps;
    type Outputs = NodeGroupOutputs;
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &EksNodeGroupKind
    }
    fn deps(&self) -> Vec<String> {
        let mut deps = vec![CLUSTER.to_string()];
        deps.extend(self.subnets.iter().cloned());
        deps
    }
    /// The subnets are read back by their logical ids.
    fn find_deps(&self) -> Vec<String> {
        self.subnets.clone()
    }
    fn desired(&self) -> NodeGroupProps {
        let g = &self.group;
        let mut taints: Vec<String> = g
            .taints
            .iter()
            .map(|t| taint_text(&t.key, t.value.as_deref(), t.effect.eks_name()))
            .collect();
        taints.sort();
        NodeGroupProps {
            instance_types: g.instance_types.join(", "),
            capacity: g.capacity.eks_name().into(),
            ami_type: ami_type(&g.instance_types).as_str().into(),
            disk_gib: g.disk_gib,
            subnets: self.subnets.join(", "),
            min: g.size.min,
            max: g.size.max,
            labels: labels_text(&g.labels),
            taints: taints.join(", "),
            version: self.version.clone(),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Option<Current<NodeGroupProps, NodeGroupOutputs>>, TaskError> {
        let Some(g) = self.described(ctx).await? else {
            return Ok(None);
        };
        let g = match g.status() {
            Some(NodegroupStatus::Deleting) => {
                return Err(TaskError::retryable(
                    "NodegroupDeleting",
                    format!("the node group {} is still being deleted", self.name()),
                ))
            }
            Some(NodegroupStatus::Creating) | Some(NodegroupStatus::Updating) => {
                self.wait_active(ctx).await?
            }
            _ => g,
        };
        let subnets = g
            .subnets()
            .iter()
            .map(|id| {
                refs.logical_id_of(id)
                    .map(String::from)
                    .unwrap_or_else(|| id.clone())
            })
            .collect::<Vec<_>>();
        let mut ordered = subnets.clone();
        ordered.sort_by_key(|s| {
            self.subnets
                .iter()
                .position(|x| x == s)
                .unwrap_or(usize::MAX)
        });
        Ok(Some(self.current(&g, ordered.join(", "))))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<NodeGroupProps, NodeGroupOutputs>, TaskError> {
        let g = &self.group;
        let subnets = self
            .subnets
            .iter()
            .map(|s| refs.id(s).map(String::from))
            .collect::<Result<Vec<_>, _>>()?;
        let labels: HashMap<String, String> = g.labels.clone().into_iter().collect();
        ctx.eks
            .create_nodegroup()
            .cluster_name(&self.cluster)
            .nodegroup_name(self.name())
            .version(&self.version)
            .node_role(&self.role_arn)
            .set_subnets(Some(subnets))
            .set_instance_types(Some(g.instance_types.clone()))
            .capacity_type(CapacityTypes::from(g.capacity.eks_name()))
            .ami_type(ami_type(&g.instance_types))
            .disk_size(g.disk_gib as i32)
            .scaling_config(self.scaling(g.size.desired))
            .set_labels((!labels.is_empty()).then_some(labels))
            .set_taints((!g.taints.is_empty()).then(|| self.taints()))
            .set_tags(Some(eks_tags(ctx, &self.id)))
            .send()
            .await
            .task()?;
        let made = self.wait_active(ctx).await?;
        Ok(self.current(&made, self.subnets.join(", ")))
    }
    /// The bounds (keeping the current size when it still fits), labels and taints in one update,
    /// then the version's rolling update, each waited for.
    async fn update(
        &self,
        ctx: &AwsContext,
        _: &Refs,
        current: &Current<NodeGroupProps, NodeGroupOutputs>,
    ) -> Result<Current<NodeGroupProps, NodeGroupOutputs>, TaskError> {
        let desired = self.desired();
        let was = &current.props;
        if (was.min, was.max, &was.labels, &was.taints)
            != (desired.min, desired.max, &desired.labels, &desired.taints)
        {
            let Some(g) = self.described(ctx).await? else {
                return Err(TaskError::eventual(
                    "ResourceNotFoundException",
                    format!("the node group {} is not found", self.name()),
                ));
            };
            let size = current
                .outputs
                .desired
                .clamp(self.group.size.min, self.group.size.max);
            let mut call = ctx
                .eks
                .update_nodegroup_config()
                .cluster_name(&self.cluster)
                .nodegroup_name(self.name())
                .scaling_config(self.scaling(size));
            if was.labels != desired.labels {
                let gone: Vec<String> = g
                    .labels()
                    .map(|l| {
                        l.keys()
                            .filter(|k| !self.group.labels.contains_key(*k))
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default();
                call = call.labels(
                    UpdateLabelsPayload::builder()
                        .set_add_or_update_labels(Some(
                            self.group.labels.clone().into_iter().collect(),
                        ))
                        .set_remove_labels((!gone.is_empty()).then_some(gone))
                        .build(),
                );
            }
            if was.taints != desired.taints {
                let wanted = self.taints();
                let gone: Vec<Taint> = g
                    .taints()
                    .iter()
                    .filter(|t| {
                        !wanted
                            .iter()
                            .any(|w| w.key() == t.key() && w.effect() == t.effect())
                    })
                    .cloned()
                    .collect();
                call = call.taints(
                    UpdateTaintsPayload::builder()
                        .set_add_or_update_taints((!wanted.is_empty()).then_some(wanted))
                        .set_remove_taints((!gone.is_empty()).then_some(gone))
                        .build(),
                );
            }
            let out = call.send().await.task()?;
            if let Some(update) = out.update() {
                updates::wait(
                    ctx,
                    &self.cluster,
                    updates::Of::NodeGroup(self.name()),
                    update,
                )
                .await?;
            }
        }
        if was.version != desired.version {
            let out = ctx
                .eks
                .update_nodegroup_version()
                .cluster_name(&self.cluster)
                .nodegroup_name(self.name())
                .version(&self.version)
                .send()
                .await
                .task()?;
            if let Some(update) = out.update() {
                updates::wait(
                    ctx,
                    &self.cluster,
                    updates::Of::NodeGroup(self.name()),
                    update,
                )
                .await?;
            }
        }
        let g = self.wait_active(ctx).await?;
        Ok(self.current(&g, current.props.subnets.clone()))
    }
}

/// Node groups: found in the stack's clusters by their tags, deleted before their cluster (they
/// block it) and waited for, since their instances drain and stop first.
#[derive(Debug)]
pub struct EksNodeGroupKind;

#[async_trait]
impl Kind<AwsContext> for EksNodeGroupKind {
    fn name(&self) -> &'static str {
        "EksNodeGroup"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &["EksCluster", "Subnet"]
    }
    fn discovery(&self) -> Discovery {
        Discovery::Tagged
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::new(
                &["eks:ListNodegroups", "eks:DescribeNodegroup"],
                &["arn:aws:eks:*:*:cluster/*", "arn:aws:eks:*:*:nodegroup/*"],
                Scope::Reading,
            ),
            Grant::new(
                &["eks:CreateNodegroup", "eks:TagResource"],
                &["arn:aws:eks:*:*:cluster/*", "arn:aws:eks:*:*:nodegroup/*"],
                Scope::Creating,
            ),
            Grant::new(
                &[
                    "eks:UpdateNodegroupConfig",
                    "eks:UpdateNodegroupVersion",
                    "eks:DeleteNodegroup",
                ],
                NODE_GROUPS,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        in_cluster::discover(self, ctx).await
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        let (cluster, name) = in_cluster::split::<Self>(f)?;
        let answer = ctx
            .eks
            .delete_nodegroup()
            .cluster_name(cluster)
            .nodegroup_name(name)
            .send()
            .await
            .task();
        if !in_cluster::deleted(answer)? {
            return Ok(());
        }
        wait_through_transients(
            &format!("the node group {name} was not deleted"),
            WAIT,
            |max| {
                ctx.eks
                    .wait_until_nodegroup_deleted()
                    .cluster_name(cluster)
                    .nodegroup_name(name)
                    .wait(max)
            },
        )
        .await
    }
}

#[async_trait]
impl in_cluster::InCluster for EksNodeGroupKind {
    const SEPARATOR: char = '/';
    async fn keys(&self, ctx: &AwsContext, cluster: &str) -> Result<Vec<String>, TaskError> {
        let mut names = Vec::new();
        let mut token = None;
        loop {
            let out = read(|| async {
                ctx.eks
                    .list_nodegroups()
                    .cluster_name(cluster)
                    .set_next_token(token.clone())
                    .send()
                    .await
                    .task()
            })
            .await?;
            names.extend(out.nodegroups().iter().cloned());
            token = out.next_token().map(String::from);
            if token.is_none() {
                return Ok(names);
            }
        }
    }
    async fn identify(
        &self,
        ctx: &AwsContext,
        cluster: &str,
        name: &str,
    ) -> Result<Option<String>, TaskError> {
        let g = read(|| described(ctx, cluster, name)).await?;
        let tags = g.as_ref().and_then(|g| g.tags());
        Ok(in_cluster::ours(ctx, tags).then(|| ids::node_group(name)))
    }
}

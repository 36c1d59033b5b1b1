//! An EKS addon: AWS installs and upgrades it in the cluster. Those that run on every node
//! (vpc-cni, kube-proxy, eks-pod-identity-agent) are made once the cluster is, beside the node
//! groups; those that run as Deployments (coredns, the EBS driver's controller, metrics-server)
//! once the node groups are, since EKS reports them active only when their pods run somewhere.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_eks::client::Waiters;
use aws_sdk_eks::types::{Addon, AddonStatus, ResolveConflicts};
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::cluster::eks_tags;
use super::ids::{self, CLUSTER};
use super::in_cluster;
use super::updates;
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::sdk::{read, wait_through_transients, SdkResultExt};

const ADDONS: &[&str] = &["arn:aws:eks:*:*:addon/*"];
const WAIT: Duration = Duration::from_secs(20 * 60);
/// The addons that run on every node, as DaemonSets.
const ON_EVERY_NODE: [&str; 3] = ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"];

fields! {
    pub struct AddonProps {
        version("version"): String,
    }
}

#[derive(Debug)]
pub struct EksAddon {
    pub id: String,
    pub cluster: String,
    pub name: String,
    /// The version to run: the Spec's pinned one, or EKS's default for the cluster's version.
    pub version: String,
    /// The node groups' logical ids.
    pub node_groups: Vec<String>,
}

async fn described(
    ctx: &AwsContext,
    cluster: &str,
    name: &str,
) -> Result<Option<Addon>, TaskError> {
    let out = ctx
        .eks
        .describe_addon()
        .cluster_name(cluster)
        .addon_name(name)
        .send()
        .await
        .task();
    match out {
        Err(e) if e.code == "ResourceNotFoundException" => Ok(None),
        other => Ok(other?.addon),
    }
}

/// Named as discovery names it, so a replaced addon is deleted like a found one.
fn current(cluster: &str, a: &Addon) -> Current<AddonProps, ()> {
    Current::new(
        format!("{cluster}/{}", a.addon_name().unwrap_or_default()),
        AddonProps {
            version: a.addon_version().unwrap_or_default().into(),
        },
    )
}

impl EksAddon {
    async fn wait_active(&self, ctx: &AwsContext) -> Result<Addon, TaskError> {
        wait_through_transients(
            &format!("the addon {} did not become active", self.name),
            WAIT,
            |max| {
                ctx.eks
                    .wait_until_addon_active()
                    .cluster_name(&self.cluster)
                    .addon_name(&self.name)
                    .wait(max)
            },
        )
        .await?;
        described(ctx, &self.cluster, &self.name)
            .await?
            .ok_or_else(|| {
                TaskError::eventual(
                    "ResourceNotFoundException",
                    format!("the addon {} is not found", self.name),
                )
            })
    }
}

#[async_trait]
impl Resource<AwsContext> for EksAddon {
    type Props = AddonProps;
    type Outputs = ();
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &EksAddonKind
    }
    fn deps(&self) -> Vec<String> {
        if ON_EVERY_NODE.contains(&self.name.as_str()) {
            vec![CLUSTER.into()]
        } else {
            let mut deps = vec![CLUSTER.to_string()];
            deps.extend(self.node_groups.iter().cloned());
            deps
        }
    }
    fn desired(&self) -> AddonProps {
        AddonProps {
            version: self.version.clone(),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<AddonProps, ()>>, TaskError> {
        let Some(a) = described(ctx, &self.cluster, &self.name).await? else {
            return Ok(None);
        };
        match a.status() {
            Some(AddonStatus::Deleting) => Err(TaskError::retryable(
                "AddonDeleting",
                format!("the addon {} is still being deleted", self.name),
            )),
            Some(AddonStatus::Creating) | Some(AddonStatus::Updating) => {
                Ok(Some(current(&self.cluster, &self.wait_active(ctx).await?)))
            }
            _ => Ok(Some(current(&self.cluster, &a))),
        }
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Current<AddonProps, ()>, TaskError> {
        ctx.eks
            .create_addon()
            .cluster_name(&self.cluster)
            .addon_name(&self.name)
            .addon_version(&self.version)
            // A cluster made with its self-managed vpc-cni, kube-proxy and coredns has them already:
            // the addon takes them over with its own settings.
            .resolve_conflicts(ResolveConflicts::Overwrite)
            .set_tags(Some(eks_tags(ctx, &self.id)))
            .send()
            .await
            .task()?;
        Ok(current(&self.cluster, &self.wait_active(ctx).await?))
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        _: &Refs,
        _: &Current<AddonProps, ()>,
    ) -> Result<Current<AddonProps, ()>, TaskError> {
        let out = ctx
            .eks
            .update_addon()
            .cluster_name(&self.cluster)
            .addon_name(&self.name)
            .addon_version(&self.version)
            .resolve_conflicts(ResolveConflicts::Overwrite)
            .send()
            .await
            .task()?;
        if let Some(update) = out.update() {
            updates::wait(ctx, &self.cluster, updates::Of::Addon(&self.name), update).await?;
        }
        Ok(current(&self.cluster, &self.wait_active(ctx).await?))
    }
}

/// Addons: found in the stack's clusters by their tags, deleted before their cluster.
#[derive(Debug)]
pub struct EksAddonKind;

#[async_trait]
impl Kind<AwsContext> for EksAddonKind {
    fn name(&self) -> &'static str {
        "EksAddon"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &["EksCluster"]
    }
    fn discovery(&self) -> Discovery {
        Discovery::Tagged
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::new(
                &["eks:ListAddons", "eks:DescribeAddon"],
                &["arn:aws:eks:*:*:cluster/*", "arn:aws:eks:*:*:addon/*"],
                Scope::Reading,
            ),
            // Which versions an addon has names no cluster: AWS gives it no resource type.
            Grant::reads(&["eks:DescribeAddonVersions"]),
            Grant::new(
                &["eks:CreateAddon", "eks:TagResource"],
                &["arn:aws:eks:*:*:cluster/*", "arn:aws:eks:*:*:addon/*"],
                Scope::Creating,
            ),
            Grant::new(
                &["eks:UpdateAddon", "eks:DeleteAddon"],
                ADDONS,
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
            .delete_addon()
            .cluster_name(cluster)
            .addon_name(name)
            .send()
            .await
            .task();
        if !in_cluster::deleted(answer)? {
            return Ok(());
        }
        wait_through_transients(&format!("the addon {name} was not deleted"), WAIT, |max| {
            ctx.eks
                .wait_until_addon_deleted()
                .cluster_name(cluster)
                .addon_name(name)
                .wait(max)
        })
        .await
    }
}

#[async_trait]
impl in_cluster::InCluster for EksAddonKind {
    const SEPARATOR: char = '/';
    async fn keys(&self, ctx: &AwsContext, cluster: &str) -> Result<Vec<String>, TaskError> {
        let out = read(|| async {
            ctx.eks
                .list_addons()
                .cluster_name(cluster)
                .send()
                .await
                .task()
        })
        .await?;
        Ok(out.addons().to_vec())
    }
    async fn identify(
        &self,
        ctx: &AwsContext,
        cluster: &str,
        name: &str,
    ) -> Result<Option<String>, TaskError> {
        let a = read(|| described(ctx, cluster, name)).await?;
        let tags = a.as_ref().and_then(|a| a.tags());
        Ok(in_cluster::ours(ctx, tags).then(|| ids::addon(name)))
    }
}

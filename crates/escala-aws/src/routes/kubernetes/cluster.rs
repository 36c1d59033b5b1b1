//! The EKS cluster: its control plane on the network's subnets, its API endpoint's access, and
//! access entries as its authentication mode (no aws-auth ConfigMap). Its endpoint, certificate
//! authority and OIDC issuer are what a kubeconfig and the addons' identities are made from.

use std::collections::HashMap;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_eks::client::Waiters;
use aws_sdk_eks::types::{
    AuthenticationMode, Cluster, ClusterStatus, CreateAccessConfigRequest, VpcConfigRequest,
};
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::routes::kubernetes::Endpoint;
use escala_core::tags;
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::ids::CLUSTER;
use super::updates;
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::sdk::{read, wait_through_transients, SdkResultExt};

const CLUSTERS: &[&str] = &["arn:aws:eks:*:*:cluster/*"];
/// How long EKS takes to make or delete a control plane: 10 to 15 minutes on AWS.
const CREATE_WAIT: Duration = Duration::from_secs(30 * 60);
const DELETE_WAIT: Duration = Duration::from_secs(30 * 60);

fields! {
    /// The version is upgraded in place, one minor at a time; the endpoint's access too. The
    /// subnets and the role are the cluster's for life.
    pub struct ClusterProps {
        version("version"): String,
        endpoint_access("endpointAccess"): String,
        public_cidrs("publicCidrs"): String,
        subnets("subnets", fixed): String,
        role("role", fixed): String,
    }
}

fields! {
    pub struct ClusterOutputs {
        arn("arn"): String,
        endpoint("endpoint"): String,
        certificate_authority("certificateAuthority"): String,
        oidc_issuer("oidcIssuer"): String,
    }
}

#[derive(Debug)]
pub struct EksCluster {
    pub name: String,
    pub version: String,
    pub endpoint: Endpoint,
    /// The subnets' logical ids.
    pub subnets: Vec<String>,
    pub role_arn: String,
}

/// The stack's tags, as EKS takes them.
pub fn eks_tags(ctx: &AwsContext, logical_id: &str) -> HashMap<String, String> {
    tags::for_resource(&ctx.stack, logical_id)
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn access_name(public: bool, private: bool) -> &'static str {
    match (public, private) {
        (true, true) => "both",
        (false, true) => "private",
        _ => "public",
    }
}

/// Whether an EKS object's tags name this stack.
pub fn ours(ctx: &AwsContext, tags: Option<&HashMap<String, String>>) -> bool {
    tags.and_then(|t| t.get(tags::STACK)) == Some(&ctx.stack)
}

/// The cluster named `name`, when it is there and not on its way out. A same-named cluster that
/// isn't the stack's is refused: Escala must never take over, or delete, another's cluster.
pub(super) async fn described(ctx: &AwsContext, name: &str) -> Result<Option<Cluster>, TaskError> {
    let out = ctx.eks.describe_cluster().name(name).send().await.task();
    let cluster = match out {
        Err(e) if e.code == "ResourceNotFoundException" => return Ok(None),
        other => other?.cluster,
    };
    let Some(c) = cluster else { return Ok(None) };
    if !ours(ctx, c.tags()) {
        return Err(TaskError::fatal(
            "ClusterNameTaken",
            format!("an EKS cluster named '{name}' exists and isn't this stack's: give the Spec's cluster another name, or remove that cluster"),
        ));
    }
    Ok(Some(c))
}

impl EksCluster {
    fn current(&self, c: &Cluster, subnets: String) -> Current<ClusterProps, ClusterOutputs> {
        let vpc = c.resources_vpc_config();
        let mut cidrs = vpc
            .map(|v| v.public_access_cidrs().to_vec())
            .unwrap_or_default();
        cidrs.sort();
        let public = vpc.is_some_and(|v| v.endpoint_public_access());
        Current {
            id: c.name().unwrap_or_default().into(),
            props: ClusterProps {
                version: c.version().unwrap_or_default().into(),
                endpoint_access: access_name(
                    public,
                    vpc.is_some_and(|v| v.endpoint_private_access()),
                )
                .into(),
                public_cidrs: if public {
                    cidrs.join(", ")
                } else {
                    String::new()
                },
                subnets,
                role: c.role_arn().unwrap_or_default().into(),
            },
            outputs: ClusterOutputs {
                arn: c.arn().unwrap_or_default().into(),
                endpoint: c.endpoint().unwrap_or_default().into(),
                certificate_authority: c
                    .certificate_authority()
                    .and_then(|a| a.data())
                    .unwrap_or_default()
                    .into(),
                oidc_issuer: c
                    .identity()
                    .and_then(|i| i.oidc())
                    .and_then(|o| o.issuer())
                    .unwrap_or_default()
                    .into(),
            },
        }
    }

    fn subnet_ids(&self, refs: &Refs) -> Result<Vec<String>, TaskError> {
        self.subnets
            .iter()
            .map(|s| refs.id(s).map(String::from))
            .collect()
    }

    fn public_cidrs(&self) -> Vec<String> {
        let mut cidrs = self.endpoint.public_cidrs.clone();
        cidrs.sort();
        cidrs
    }

    fn vpc_access(&self) -> VpcConfigRequest {
        let access = self.endpoint.access;
        let request = VpcConfigRequest::builder()
            .endpoint_public_access(access.public())
            .endpoint_private_access(access.private());
        if access.public() {
            request
                .set_public_access_cidrs(Some(self.public_cidrs()))
                .build()
        } else {
            request.build()
        }
    }

    async fn wait_active(&self, ctx: &AwsContext) -> Result<Cluster, TaskError> {
        wait_through_transients(
            &format!("the EKS cluster {} did not become active", self.name),
            CREATE_WAIT,
            |max| {
                ctx.eks
                    .wait_until_cluster_active()
                    .name(&self.name)
                    .wait(max)
            },
        )
        .await?;
        described(ctx, &self.name).await?.ok_or_else(|| {
            TaskError::eventual(
                "ResourceNotFoundException",
                format!("the EKS cluster {} is not found", self.name),
            )
        })
    }
}

#[async_trait]
impl Resource<AwsContext> for EksCluster {
    type Props = ClusterProps;
    type Outputs = ClusterOutputs;
    fn id(&self) -> &str {
        CLUSTER
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &EksClusterKind
    }
    fn deps(&self) -> Vec<String> {
        self.subnets.clone()
    }
    /// The subnets are read back by their logical ids.
    fn find_deps(&self) -> Vec<String> {
        self.subnets.clone()
    }
    fn desired(&self) -> ClusterProps {
        let access = self.endpoint.access;
        ClusterProps {
            version: self.version.clone(),
            endpoint_access: access_name(access.public(), access.private()).into(),
            public_cidrs: if access.public() {
                self.public_cidrs().join(", ")
            } else {
                String::new()
            },
            subnets: self.subnets.join(", "),
            role: self.role_arn.clone(),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Option<Current<ClusterProps, ClusterOutputs>>, TaskError> {
        let Some(c) = described(ctx, &self.name).await? else {
            return Ok(None);
        };
        match c.status() {
            // An earlier destroy's cluster keeps its name until it is gone.
            Some(ClusterStatus::Deleting) => Err(TaskError::retryable(
                "ClusterDeleting",
                format!("the EKS cluster {} is still being deleted", self.name),
            )),
            // An earlier apply's, still coming up (or being upgraded): wait for it, don't remake it.
            Some(ClusterStatus::Creating) | Some(ClusterStatus::Updating) => {
                let c = self.wait_active(ctx).await?;
                Ok(Some(self.current(&c, self.subnets_as_known(&c, refs))))
            }
            _ => Ok(Some(self.current(&c, self.subnets_as_known(&c, refs)))),
        }
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<ClusterProps, ClusterOutputs>, TaskError> {
        let vpc = self.vpc_access();
        ctx.eks
            .create_cluster()
            .name(&self.name)
            .version(&self.version)
            .role_arn(&self.role_arn)
            .resources_vpc_config(
                VpcConfigRequest::builder()
                    .set_subnet_ids(Some(self.subnet_ids(refs)?))
                    .set_endpoint_public_access(vpc.endpoint_public_access())
                    .set_endpoint_private_access(vpc.endpoint_private_access())
                    .set_public_access_cidrs(
                        (!vpc.public_access_cidrs().is_empty())
                            .then(|| vpc.public_access_cidrs().to_vec()),
                    )
                    .build(),
            )
            // Access entries, not the aws-auth ConfigMap: grants are API calls Escala can make and
            // audit. The creator (the deploy user) is the cluster's first admin.
            .access_config(
                CreateAccessConfigRequest::builder()
                    .authentication_mode(AuthenticationMode::Api)
                    .bootstrap_cluster_creator_admin_permissions(true)
                    .build(),
            )
            .set_tags(Some(eks_tags(ctx, CLUSTER)))
            .send()
            .await
            .task()?;
        let c = self.wait_active(ctx).await?;
        Ok(self.current(&c, self.subnets.join(", ")))
    }
    /// An upgrade is one minor at a time (checked before planning), then the endpoint's access:
    /// EKS takes one update at a time, so each is waited for.
    async fn update(
        &self,
        ctx: &AwsContext,
        _: &Refs,
        current: &Current<ClusterProps, ClusterOutputs>,
    ) -> Result<Current<ClusterProps, ClusterOutputs>, TaskError> {
        let desired = self.desired();
        if current.props.version != desired.version {
            let out = ctx
                .eks
                .update_cluster_version()
                .name(&self.name)
                .version(&self.version)
                .send()
                .await
                .task()?;
            if let Some(update) = out.update() {
                updates::wait(ctx, &self.name, updates::Of::Cluster, update).await?;
            }
        }
        if current.props.endpoint_access != desired.endpoint_access
            || current.props.public_cidrs != desired.public_cidrs
        {
            let out = ctx
                .eks
                .update_cluster_config()
                .name(&self.name)
                .resources_vpc_config(self.vpc_access())
                .send()
                .await
                .task()?;
            if let Some(update) = out.update() {
                updates::wait(ctx, &self.name, updates::Of::Cluster, update).await?;
            }
        }
        let c = self.wait_active(ctx).await?;
        Ok(self.current(&c, current.props.subnets.clone()))
    }
}

impl EksCluster {
    /// The cluster's subnets as the plan names them (logical ids), when they are the ones it was
    /// made on; otherwise their physical ids, which differ from the plan's and so show as a change.
    fn subnets_as_known(&self, c: &Cluster, refs: &Refs) -> String {
        let ids = c
            .resources_vpc_config()
            .map(|v| v.subnet_ids().to_vec())
            .unwrap_or_default();
        let mut logical: Vec<String> = ids
            .iter()
            .map(|id| {
                refs.logical_id_of(id)
                    .map(String::from)
                    .unwrap_or_else(|| id.clone())
            })
            .collect();
        let order = |s: &String| {
            self.subnets
                .iter()
                .position(|x| x == s)
                .unwrap_or(usize::MAX)
        };
        logical.sort_by_key(order);
        logical.join(", ")
    }
}

/// EKS clusters: deleted once their node groups are gone (EKS refuses before: a node group blocks
/// its cluster, so the engine deletes it first), and waited for, since a cluster being deleted
/// still holds its network interfaces in the subnets.
#[derive(Debug)]
pub struct EksClusterKind;

#[async_trait]
impl Kind<AwsContext> for EksClusterKind {
    fn name(&self) -> &'static str {
        "EksCluster"
    }
    /// What its controllers left is deleted only once it is gone, so that none is made again.
    fn blocks(&self) -> &'static [&'static str] {
        &[
            "Subnet",
            "SecurityGroup",
            "ClusterLoadBalancer",
            "ClusterTargetGroup",
            "ClusterVolume",
        ]
    }
    fn discovery(&self) -> Discovery {
        Discovery::Tagged
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            // Listing names no cluster: AWS gives it no resource type.
            Grant::reads(&["eks:ListClusters"]),
            Grant::new(
                &["eks:DescribeCluster", "eks:DescribeUpdate"],
                CLUSTERS,
                Scope::Reading,
            ),
            // AWS's authorization reference gives CreateCluster no resource type: its request tags
            // are what scopes it.
            Grant::new(&["eks:CreateCluster"], &["*"], Scope::Creating),
            Grant::new(&["eks:TagResource"], CLUSTERS, Scope::Creating),
            Grant::new(
                &[
                    "eks:UpdateClusterVersion",
                    "eks:UpdateClusterConfig",
                    "eks:DeleteCluster",
                ],
                CLUSTERS,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        // Every cluster of the region is listed and the stack's are picked by their tags: the
        // Spec may name the cluster, and a stack is found whole whatever its Spec says.
        let mut names = Vec::new();
        let mut token = None;
        loop {
            let out = read(|| async {
                ctx.eks
                    .list_clusters()
                    .set_next_token(token.clone())
                    .send()
                    .await
                    .task()
            })
            .await?;
            names.extend(out.clusters().iter().cloned());
            token = out.next_token().map(String::from);
            if token.is_none() {
                break;
            }
        }
        let mut found = Vec::new();
        for name in names {
            let described = read(|| async {
                match described(ctx, &name).await {
                    Err(e) if e.code == "ClusterNameTaken" => Ok(None),
                    other => other,
                }
            })
            .await?;
            if described.is_some() {
                found.push(Found::new(self.name(), Some(CLUSTER.into()), name));
            }
        }
        Ok(found)
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        let name = &f.physical_id;
        let done = ctx.eks.delete_cluster().name(name).send().await.task();
        match done {
            Err(e) if e.code == "ResourceNotFoundException" => return Ok(()),
            // Its node groups (or an update) are still going: the engine retries.
            Err(e) if e.code == "ResourceInUseException" => {
                return Err(TaskError::retryable(e.code, e.message))
            }
            other => other.map(|_| ())?,
        }
        wait_through_transients(
            &format!("the EKS cluster {name} was not deleted"),
            DELETE_WAIT,
            |max| ctx.eks.wait_until_cluster_deleted().name(name).wait(max),
        )
        .await
    }
}

//! An EKS Pod Identity association: the pods of one service account get an IAM role's
//! credentials from the cluster's eks-pod-identity-agent, with no OIDC provider and no annotation.
//! The EBS CSI driver's controller gets the account's driver role this way.

use async_trait::async_trait;
use aws_sdk_eks::types::PodIdentityAssociation;
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::cluster::eks_tags;
use super::ids::{self, CLUSTER};
use super::in_cluster;
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::sdk::{read, SdkResultExt};

/// The EBS CSI driver's controller's service account, as its EKS addon makes it.
pub const EBS_CSI_ACCOUNT: &str = "ebs-csi-controller-sa";
/// cluster-autoscaler's service account, as escala-kube makes it.
pub const AUTOSCALER_ACCOUNT: &str = escala_kube::objects::AUTOSCALER;
/// The CloudWatch agent's service account and namespace, as Container Insights' addon makes them.
pub const CLOUDWATCH_ACCOUNT: &str = "cloudwatch-agent";
pub const CLOUDWATCH_NAMESPACE: &str = "amazon-cloudwatch";
const ASSOCIATIONS: &[&str] = &["arn:aws:eks:*:*:podidentityassociation/*"];

fields! {
    /// Which pods get which role is the association's for life.
    pub struct PodIdentityProps {
        service_account("serviceAccount", fixed): String,
        role("role", fixed): String,
    }
}

#[derive(Debug)]
pub struct EksPodIdentity {
    pub id: String,
    pub cluster: String,
    pub namespace: String,
    pub service_account: String,
    pub role_arn: String,
}

fn current(cluster: &str, a: &PodIdentityAssociation) -> Current<PodIdentityProps, ()> {
    // Named as discovery names it, so a replaced association is deleted like a found one.
    Current::new(
        format!("{cluster}|{}", a.association_id().unwrap_or_default()),
        PodIdentityProps {
            service_account: format!(
                "{}/{}",
                a.namespace().unwrap_or_default(),
                a.service_account().unwrap_or_default()
            ),
            role: a.role_arn().unwrap_or_default().into(),
        },
    )
}

async fn described(
    ctx: &AwsContext,
    cluster: &str,
    id: &str,
) -> Result<Option<PodIdentityAssociation>, TaskError> {
    let out = ctx
        .eks
        .describe_pod_identity_association()
        .cluster_name(cluster)
        .association_id(id)
        .send()
        .await
        .task();
    match out {
        Err(e) if e.code == "ResourceNotFoundException" => Ok(None),
        other => Ok(other?.association),
    }
}

#[async_trait]
impl Resource<AwsContext> for EksPodIdentity {
    type Props = PodIdentityProps;
    type Outputs = ();
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &EksPodIdentityKind
    }
    fn deps(&self) -> Vec<String> {
        vec![CLUSTER.into()]
    }
    fn desired(&self) -> PodIdentityProps {
        PodIdentityProps {
            service_account: format!("{}/{}", self.namespace, self.service_account),
            role: self.role_arn.clone(),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<PodIdentityProps, ()>>, TaskError> {
        let out = ctx
            .eks
            .list_pod_identity_associations()
            .cluster_name(&self.cluster)
            .namespace(&self.namespace)
            .service_account(&self.service_account)
            .send()
            .await
            .task();
        let out = match out {
            Err(e) if e.code == "ResourceNotFoundException" => return Ok(None),
            other => other?,
        };
        let Some(id) = out.associations().first().and_then(|a| a.association_id()) else {
            return Ok(None);
        };
        Ok(described(ctx, &self.cluster, id)
            .await?
            .map(|a| current(&self.cluster, &a)))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Current<PodIdentityProps, ()>, TaskError> {
        let out = ctx
            .eks
            .create_pod_identity_association()
            .cluster_name(&self.cluster)
            .namespace(&self.namespace)
            .service_account(&self.service_account)
            .role_arn(&self.role_arn)
            .set_tags(Some(eks_tags(ctx, &self.id)))
            .send()
            .await
            .task()?;
        let made = out.association.ok_or_else(|| {
            TaskError::fatal("BadResponse", "EKS made an association it didn't describe")
        })?;
        Ok(current(&self.cluster, &made))
    }
    async fn update(
        &self,
        _: &AwsContext,
        _: &Refs,
        current: &Current<PodIdentityProps, ()>,
    ) -> Result<Current<PodIdentityProps, ()>, TaskError> {
        // Both properties are fixed: a change is a replacement, never an update.
        Ok(current.clone())
    }
}

/// Pod identity associations: found in the stack's clusters by their tags, deleted before their
/// cluster.
#[derive(Debug)]
pub struct EksPodIdentityKind;

#[async_trait]
impl Kind<AwsContext> for EksPodIdentityKind {
    fn name(&self) -> &'static str {
        "EksPodIdentity"
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
                &[
                    "eks:ListPodIdentityAssociations",
                    "eks:DescribePodIdentityAssociation",
                ],
                &[
                    "arn:aws:eks:*:*:cluster/*",
                    "arn:aws:eks:*:*:podidentityassociation/*",
                ],
                Scope::Reading,
            ),
            Grant::new(
                &["eks:CreatePodIdentityAssociation", "eks:TagResource"],
                &[
                    "arn:aws:eks:*:*:cluster/*",
                    "arn:aws:eks:*:*:podidentityassociation/*",
                ],
                Scope::Creating,
            ),
            Grant::new(
                &["eks:DeletePodIdentityAssociation"],
                ASSOCIATIONS,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        in_cluster::discover(self, ctx).await
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        let (cluster, id) = in_cluster::split::<Self>(f)?;
        let answer = ctx
            .eks
            .delete_pod_identity_association()
            .cluster_name(cluster)
            .association_id(id)
            .send()
            .await
            .task();
        in_cluster::deleted(answer).map(|_| ())
    }
}

#[async_trait]
impl in_cluster::InCluster for EksPodIdentityKind {
    const SEPARATOR: char = '|';
    async fn keys(&self, ctx: &AwsContext, cluster: &str) -> Result<Vec<String>, TaskError> {
        let out = read(|| async {
            ctx.eks
                .list_pod_identity_associations()
                .cluster_name(cluster)
                .send()
                .await
                .task()
        })
        .await?;
        Ok(out
            .associations()
            .iter()
            .filter_map(|a| a.association_id().map(String::from))
            .collect())
    }
    async fn identify(
        &self,
        ctx: &AwsContext,
        cluster: &str,
        id: &str,
    ) -> Result<Option<String>, TaskError> {
        let a = read(|| described(ctx, cluster, id)).await?;
        Ok(a.filter(|a| in_cluster::ours(ctx, a.tags()))
            .map(|a| ids::pod_identity(a.service_account().unwrap_or_default())))
    }
}

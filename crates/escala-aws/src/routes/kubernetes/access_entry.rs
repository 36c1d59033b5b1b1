//! An access entry: an IAM principal let into the cluster's API with one of EKS's access policies,
//! at the cluster's scope or in some namespaces. The deploy user that creates the cluster is its
//! first admin (the cluster's own bootstrap entry, which EKS makes and deletes with it).

use async_trait::async_trait;
use aws_sdk_eks::types::{AccessScope, AccessScopeType};
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::routes::kubernetes::AccessGrant;
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::cluster::eks_tags;
use super::ids::{self, CLUSTER};
use super::in_cluster;
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::sdk::{read, SdkResultExt};

const ENTRIES: &[&str] = &["arn:aws:eks:*:*:access-entry/*"];

fields! {
    /// The principal is the entry's for life; its policy and scope change in place.
    pub struct AccessProps {
        principal("principal", fixed): String,
        policy("policy"): String,
        scope("scope"): String,
    }
}

#[derive(Debug)]
pub struct EksAccessEntry {
    pub id: String,
    pub cluster: String,
    pub grant: AccessGrant,
}

fn scope_text(namespaces: &[String]) -> String {
    if namespaces.is_empty() {
        "cluster".into()
    } else {
        let mut sorted = namespaces.to_vec();
        sorted.sort();
        format!("namespaces {}", sorted.join(", "))
    }
}

/// The entry's access policies, as (policy ARN, scope) pairs.
async fn associated(
    ctx: &AwsContext,
    cluster: &str,
    principal: &str,
) -> Result<Vec<(String, String)>, TaskError> {
    let out = ctx
        .eks
        .list_associated_access_policies()
        .cluster_name(cluster)
        .principal_arn(principal)
        .send()
        .await
        .task()?;
    Ok(out
        .associated_access_policies()
        .iter()
        .map(|p| {
            let namespaces = p
                .access_scope()
                .map(|s| s.namespaces().to_vec())
                .unwrap_or_default();
            (
                p.policy_arn().unwrap_or_default().to_string(),
                scope_text(&namespaces),
            )
        })
        .collect())
}

impl EksAccessEntry {
    fn scope(&self) -> AccessScope {
        let namespaces = &self.grant.namespaces;
        if namespaces.is_empty() {
            AccessScope::builder()
                .r#type(AccessScopeType::Cluster)
                .build()
        } else {
            AccessScope::builder()
                .r#type(AccessScopeType::Namespace)
                .set_namespaces(Some(namespaces.clone()))
                .build()
        }
    }

    async fn associate(&self, ctx: &AwsContext) -> Result<(), TaskError> {
        ctx.eks
            .associate_access_policy()
            .cluster_name(&self.cluster)
            .principal_arn(&self.grant.principal)
            .policy_arn(self.grant.policy.arn())
            .access_scope(self.scope())
            .send()
            .await
            .task()?;
        Ok(())
    }

    async fn current(&self, ctx: &AwsContext) -> Result<Current<AccessProps, ()>, TaskError> {
        let policies = associated(ctx, &self.cluster, &self.grant.principal).await?;
        let (policy, scope) = match policies.as_slice() {
            [(policy, scope)] => (policy.clone(), scope.clone()),
            [] => (String::new(), String::new()),
            // More than one: show them all, so the plan sets the one the Spec names.
            many => (
                many.iter()
                    .map(|(p, _)| p.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                String::new(),
            ),
        };
        // Named as discovery names it, so a replaced entry is deleted like a found one.
        Ok(Current::new(
            format!("{}|{}", self.cluster, self.grant.principal),
            AccessProps {
                principal: self.grant.principal.clone(),
                policy,
                scope,
            },
        ))
    }
}

#[async_trait]
impl Resource<AwsContext> for EksAccessEntry {
    type Props = AccessProps;
    type Outputs = ();
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &EksAccessEntryKind
    }
    fn deps(&self) -> Vec<String> {
        vec![CLUSTER.into()]
    }
    fn desired(&self) -> AccessProps {
        AccessProps {
            principal: self.grant.principal.clone(),
            policy: self.grant.policy.arn().into(),
            scope: scope_text(&self.grant.namespaces),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<AccessProps, ()>>, TaskError> {
        let out = ctx
            .eks
            .describe_access_entry()
            .cluster_name(&self.cluster)
            .principal_arn(&self.grant.principal)
            .send()
            .await
            .task();
        match out {
            Err(e) if e.code == "ResourceNotFoundException" => Ok(None),
            Err(e) => Err(e),
            Ok(_) => Ok(Some(self.current(ctx).await?)),
        }
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Current<AccessProps, ()>, TaskError> {
        ctx.eks
            .create_access_entry()
            .cluster_name(&self.cluster)
            .principal_arn(&self.grant.principal)
            .set_tags(Some(eks_tags(ctx, &self.id)))
            .send()
            .await
            .task()?;
        self.associate(ctx).await?;
        self.current(ctx).await
    }
    /// The Spec's policy at its scope, and no other.
    async fn update(
        &self,
        ctx: &AwsContext,
        _: &Refs,
        _: &Current<AccessProps, ()>,
    ) -> Result<Current<AccessProps, ()>, TaskError> {
        let wanted = self.grant.policy.arn();
        for (policy, _) in associated(ctx, &self.cluster, &self.grant.principal).await? {
            if policy != wanted {
                ctx.eks
                    .disassociate_access_policy()
                    .cluster_name(&self.cluster)
                    .principal_arn(&self.grant.principal)
                    .policy_arn(&policy)
                    .send()
                    .await
                    .task()?;
            }
        }
        // Associating again replaces the policy's scope.
        self.associate(ctx).await?;
        self.current(ctx).await
    }
}

/// Access entries: found in the stack's clusters by their tags (the cluster's bootstrap entry for
/// its creator carries none, and goes with the cluster), deleted before their cluster.
#[derive(Debug)]
pub struct EksAccessEntryKind;

#[async_trait]
impl Kind<AwsContext> for EksAccessEntryKind {
    fn name(&self) -> &'static str {
        "EksAccessEntry"
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
                    "eks:ListAccessEntries",
                    "eks:DescribeAccessEntry",
                    "eks:ListAssociatedAccessPolicies",
                ],
                &[
                    "arn:aws:eks:*:*:cluster/*",
                    "arn:aws:eks:*:*:access-entry/*",
                ],
                Scope::Reading,
            ),
            Grant::new(
                &["eks:CreateAccessEntry", "eks:TagResource"],
                &[
                    "arn:aws:eks:*:*:cluster/*",
                    "arn:aws:eks:*:*:access-entry/*",
                ],
                Scope::Creating,
            ),
            Grant::new(
                &[
                    "eks:AssociateAccessPolicy",
                    "eks:DisassociateAccessPolicy",
                    "eks:DeleteAccessEntry",
                ],
                ENTRIES,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        in_cluster::discover(self, ctx).await
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        let (cluster, principal) = in_cluster::split::<Self>(f)?;
        let answer = ctx
            .eks
            .delete_access_entry()
            .cluster_name(cluster)
            .principal_arn(principal)
            .send()
            .await
            .task();
        in_cluster::deleted(answer).map(|_| ())
    }
}

#[async_trait]
impl in_cluster::InCluster for EksAccessEntryKind {
    // A principal's ARN holds slashes and colons, so the cluster is set apart with a bar.
    const SEPARATOR: char = '|';
    async fn keys(&self, ctx: &AwsContext, cluster: &str) -> Result<Vec<String>, TaskError> {
        let out = read(|| async {
            ctx.eks
                .list_access_entries()
                .cluster_name(cluster)
                .send()
                .await
                .task()
        })
        .await?;
        Ok(out.access_entries().to_vec())
    }
    async fn identify(
        &self,
        ctx: &AwsContext,
        cluster: &str,
        principal: &str,
    ) -> Result<Option<String>, TaskError> {
        let entry = read(|| async {
            ctx.eks
                .describe_access_entry()
                .cluster_name(cluster)
                .principal_arn(principal)
                .send()
                .await
                .task()
        })
        .await?;
        let tags = entry.access_entry().and_then(|e| e.tags());
        Ok(in_cluster::ours(ctx, tags).then(|| ids::access_entry(principal)))
    }
}

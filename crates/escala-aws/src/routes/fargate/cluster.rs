//! The ECS cluster, with the FARGATE and FARGATE_SPOT capacity providers the service's strategy
//! splits its tasks between.

use async_trait::async_trait;
use aws_sdk_ecs::types::{Cluster, ClusterField, Tag};
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::tags;
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::ids::{cluster_name, CLUSTER};
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::sdk::{read, SdkResultExt};

const CLUSTERS: &[&str] = &["arn:aws:ecs:*:*:cluster/*"];
pub const PROVIDERS: [&str; 2] = ["FARGATE", "FARGATE_SPOT"];

fields! {
    pub struct ClusterProps {
        capacity_providers("capacityProviders"): String,
    }
}

/// The stack's tags, as ECS takes them.
pub fn ecs_tags(ctx: &AwsContext, logical_id: &str) -> Vec<Tag> {
    tags::for_resource(&ctx.stack, logical_id)
        .into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// True when an ECS object's tags name this stack.
pub fn ecs_owned(ctx: &AwsContext, tags: &[Tag]) -> bool {
    tags.iter()
        .any(|t| t.key() == Some(tags::STACK) && t.value() == Some(ctx.stack.as_str()))
}

#[derive(Debug)]
pub struct EcsCluster;

/// The stack's active cluster. A same-named cluster that isn't the stack's is refused: AWS would
/// hand it back from CreateCluster as if it were new (and moto replaces it, dropping what it
/// holds), and Escala must never take over, or wipe, another's cluster.
async fn described(ctx: &AwsContext) -> Result<Option<Cluster>, TaskError> {
    let name = cluster_name(&ctx.stack);
    let out = ctx
        .ecs
        .describe_clusters()
        .clusters(&name)
        .include(ClusterField::Tags)
        .send()
        .await
        .task()?;
    let Some(c) = out.clusters().iter().find(|c| c.status() == Some("ACTIVE")) else {
        return Ok(None);
    };
    if !ecs_owned(ctx, c.tags()) {
        return Err(TaskError::fatal(
            "ClusterNameTaken",
            format!("an ECS cluster named '{name}' exists and isn't this stack's: rename the stack or remove that cluster"),
        ));
    }
    Ok(Some(c.clone()))
}

#[async_trait]
impl Resource<AwsContext> for EcsCluster {
    type Props = ClusterProps;
    type Outputs = ();
    fn id(&self) -> &str {
        CLUSTER
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &EcsClusterKind
    }
    fn deps(&self) -> Vec<String> {
        vec![]
    }
    fn desired(&self) -> ClusterProps {
        ClusterProps {
            capacity_providers: PROVIDERS.join(", "),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<ClusterProps, ()>>, TaskError> {
        Ok(described(ctx).await?.map(|c| {
            let mut providers = c.capacity_providers().to_vec();
            providers.sort();
            Current::new(
                c.cluster_name().unwrap_or_default(),
                ClusterProps {
                    capacity_providers: providers.join(", "),
                },
            )
        }))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Current<ClusterProps, ()>, TaskError> {
        let name = cluster_name(&ctx.stack);
        ctx.ecs
            .create_cluster()
            .cluster_name(&name)
            .set_capacity_providers(Some(PROVIDERS.map(String::from).to_vec()))
            .set_tags(Some(ecs_tags(ctx, CLUSTER)))
            .send()
            .await
            .task()?;
        Ok(Current::new(name, self.desired()))
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        _: &Refs,
        current: &Current<ClusterProps, ()>,
    ) -> Result<Current<ClusterProps, ()>, TaskError> {
        ctx.ecs
            .put_cluster_capacity_providers()
            .cluster(&current.id)
            .set_capacity_providers(Some(PROVIDERS.map(String::from).to_vec()))
            .set_default_capacity_provider_strategy(Some(vec![]))
            .send()
            .await
            .task()?;
        Ok(Current::new(current.id.clone(), self.desired()))
    }
}

/// Clusters: deleted once no service is left in them (AWS refuses before; the service blocks
/// its cluster, so the engine deletes it first).
#[derive(Debug)]
pub struct EcsClusterKind;

#[async_trait]
impl Kind<AwsContext> for EcsClusterKind {
    fn name(&self) -> &'static str {
        "EcsCluster"
    }
    fn discovery(&self) -> Discovery {
        Discovery::Always
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::new(&["ecs:DescribeClusters"], CLUSTERS, Scope::Reading),
            Grant::new(
                &["ecs:CreateCluster", "ecs:TagResource"],
                CLUSTERS,
                Scope::Creating,
            ),
            Grant::new(
                &["ecs:PutClusterCapacityProviders", "ecs:DeleteCluster"],
                CLUSTERS,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        // A same-named cluster of another's is no part of this stack, to destroy or to list.
        let found = match read(|| described(ctx)).await {
            Err(e) if e.code == "ClusterNameTaken" => None,
            other => other?,
        };
        Ok(found
            .map(|c| {
                Found::new(
                    self.name(),
                    Some(CLUSTER.into()),
                    c.cluster_name().unwrap_or_default(),
                )
            })
            .into_iter()
            .collect())
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        let done = ctx
            .ecs
            .delete_cluster()
            .cluster(&f.physical_id)
            .send()
            .await
            .task();
        match done {
            Err(e) if e.code == "ClusterNotFoundException" => Ok(()),
            // Its services are still draining: the engine retries.
            Err(e)
                if e.code == "ClusterContainsServicesException"
                    || e.code == "ClusterContainsTasksException" =>
            {
                Err(TaskError::retryable(e.code, e.message))
            }
            other => other.map(|_| ()),
        }
    }
}

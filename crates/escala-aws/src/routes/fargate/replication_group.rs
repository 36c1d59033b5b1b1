//! Redis (or Valkey) for the chat: a replication group of one primary and its replicas, in the
//! private subnets, reachable from the tasks only. Its primary endpoint is the tasks' REDIS_URL.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_elasticache::client::Waiters;
use aws_sdk_elasticache::types::ReplicationGroup as Described;
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::routes::fargate::RedisNodes;
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::cache_subnet_group::{cache_tags, owned};
use super::ids::{redis_name, CACHE_SUBNET_GROUP, REDIS, SG_REDIS};
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::sdk::{read, wait_through_transients, SdkResultExt};

const GROUPS: &[&str] = &["arn:aws:elasticache:*:*:replicationgroup:*"];
/// What a replication group's create also acts on: its nodes, its subnet group, its parameter
/// group and its security group.
const PLACED_IN: &[&str] = &[
    "arn:aws:elasticache:*:*:cluster:*",
    "arn:aws:elasticache:*:*:subnetgroup:*",
    "arn:aws:elasticache:*:*:parametergroup:*",
    "arn:aws:ec2:*:*:security-group/*",
    "arn:aws:ec2:*:*:subnet/*",
    "arn:aws:ec2:*:*:vpc/*",
];
const DEFAULT_PARAMETERS: &[&str] = &["arn:aws:elasticache:*:*:parametergroup:default.*"];
/// Redis's port, which the tasks' security group is opened to.
pub const REDIS_PORT: u16 = 6379;
/// How long AWS takes to delete a node-based group: minutes.
const DELETE_WAIT: Duration = Duration::from_secs(20 * 60);

fields! {
    /// The engine and the replicas are fixed at creation (a change means a new group); the node
    /// type is scaled in place, online, as ElastiCache does.
    pub struct RedisProps {
        engine("engine", fixed): String,
        replicas("replicas", fixed): u32,
        node_type("nodeType"): String,
    }
}

fields! {
    /// Where the tasks reach it: `redis://<primary endpoint>:<port>`.
    pub struct RedisOutputs {
        url("url"): String,
    }
}

#[derive(Debug)]
pub struct ReplicationGroup {
    pub nodes: RedisNodes,
}

/// The stack's replication group, when it exists and isn't on its way out.
async fn described(ctx: &AwsContext) -> Result<Option<Described>, TaskError> {
    let out = ctx
        .elasticache
        .describe_replication_groups()
        .replication_group_id(redis_name(&ctx.stack))
        .send()
        .await
        .task();
    let groups = match out {
        Err(e) if e.code == "ReplicationGroupNotFoundFault" => return Ok(None),
        other => other?,
    };
    let Some(g) = groups.replication_groups().first() else {
        return Ok(None);
    };
    if !owned(ctx, g.arn().unwrap_or_default()).await? {
        return Ok(None);
    }
    Ok(Some(g.clone()))
}

fn url(g: &Described) -> String {
    let endpoint = g.node_groups().first().and_then(|n| n.primary_endpoint());
    match endpoint {
        Some(e) => format!(
            "redis://{}:{}",
            e.address().unwrap_or_default(),
            e.port().unwrap_or(i32::from(REDIS_PORT))
        ),
        None => String::new(),
    }
}

fn current(g: &Described) -> Current<RedisProps, RedisOutputs> {
    let members = g.member_clusters().len().max(1) as u32;
    Current {
        id: g.replication_group_id().unwrap_or_default().into(),
        props: RedisProps {
            engine: g.engine().unwrap_or("redis").into(),
            replicas: members - 1,
            node_type: g.cache_node_type().unwrap_or_default().into(),
        },
        outputs: RedisOutputs { url: url(g) },
    }
}

#[async_trait]
impl Resource<AwsContext> for ReplicationGroup {
    type Props = RedisProps;
    type Outputs = RedisOutputs;
    fn id(&self) -> &str {
        REDIS
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &ReplicationGroupKind
    }
    fn deps(&self) -> Vec<String> {
        vec![CACHE_SUBNET_GROUP.into(), SG_REDIS.into()]
    }
    fn desired(&self) -> RedisProps {
        RedisProps {
            engine: self.nodes.engine.name().into(),
            replicas: self.nodes.replicas,
            node_type: self.nodes.node_type.clone(),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<RedisProps, RedisOutputs>>, TaskError> {
        let Some(g) = described(ctx).await? else {
            return Ok(None);
        };
        // A group being deleted (an earlier destroy's) keeps its id until it is gone: creating
        // it again is refused, so the apply waits for it like the engine waits for any
        // transient state.
        if g.status() == Some("deleting") {
            return Err(TaskError::retryable(
                "ReplicationGroupDeleting",
                format!(
                    "{} is still being deleted",
                    g.replication_group_id().unwrap_or_default()
                ),
            ));
        }
        Ok(Some(current(&g)))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<RedisProps, RedisOutputs>, TaskError> {
        let id = redis_name(&ctx.stack);
        let replicated = self.nodes.replicas > 0;
        ctx.elasticache
            .create_replication_group()
            .replication_group_id(&id)
            .replication_group_description("The chat's messages between tasks (Escala)")
            .engine(self.nodes.engine.name())
            .cache_node_type(&self.nodes.node_type)
            .num_cache_clusters(1 + self.nodes.replicas as i32)
            // A replica takes over from a failed primary only with these on; AWS requires both
            // off for a single node.
            .automatic_failover_enabled(replicated)
            .multi_az_enabled(replicated)
            .at_rest_encryption_enabled(true)
            .cache_subnet_group_name(refs.id(CACHE_SUBNET_GROUP)?)
            .security_group_ids(refs.id(SG_REDIS)?)
            .port(i32::from(REDIS_PORT))
            .set_tags(Some(cache_tags(ctx, REDIS)))
            .send()
            .await
            .task()?;
        wait_through_transients(
            &format!("{id} did not become available"),
            Duration::from_secs(30 * 60),
            |max| {
                ctx.elasticache
                    .wait_until_replication_group_available()
                    .replication_group_id(&id)
                    .wait(max)
            },
        )
        .await?;
        let g = described(ctx).await?.ok_or_else(|| {
            TaskError::eventual(
                "ReplicationGroupNotFoundFault",
                format!("{id} is not found"),
            )
        })?;
        Ok(current(&g))
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        _: &Refs,
        current: &Current<RedisProps, RedisOutputs>,
    ) -> Result<Current<RedisProps, RedisOutputs>, TaskError> {
        ctx.elasticache
            .modify_replication_group()
            .replication_group_id(&current.id)
            .cache_node_type(&self.nodes.node_type)
            .apply_immediately(true)
            .send()
            .await
            .task()?;
        Ok(Current {
            props: self.desired(),
            ..current.clone()
        })
    }
}

/// Replication groups: their nodes hold network interfaces in the subnet group's subnets and use
/// the Redis security group, so both wait until the group is wholly gone.
#[derive(Debug)]
pub struct ReplicationGroupKind;

#[async_trait]
impl Kind<AwsContext> for ReplicationGroupKind {
    fn name(&self) -> &'static str {
        "ReplicationGroup"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &["CacheSubnetGroup", "SecurityGroup"]
    }
    fn discovery(&self) -> Discovery {
        Discovery::Behind
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&["elasticache:DescribeReplicationGroups"]),
            Grant::new(&["elasticache:ListTagsForResource"], GROUPS, Scope::Reading),
            Grant::new(
                &[
                    "elasticache:CreateReplicationGroup",
                    "elasticache:AddTagsToResource",
                ],
                GROUPS,
                Scope::Creating,
            ),
            // The create names these, which carry no request tag of their own.
            Grant::new(
                &["elasticache:CreateReplicationGroup"],
                PLACED_IN,
                Scope::Tagged,
            ),
            // The engine's default parameter group, which nobody tags: the create still needs
            // the new group itself allowed, which only a tagged request is.
            Grant::new(
                &["elasticache:CreateReplicationGroup"],
                DEFAULT_PARAMETERS,
                Scope::Always,
            ),
            Grant::new(
                &["elasticache:CreateReplicationGroup"],
                DEFAULT_PARAMETERS,
                Scope::Creating,
            ),
            Grant::new(
                &[
                    "elasticache:ModifyReplicationGroup",
                    "elasticache:DeleteReplicationGroup",
                ],
                GROUPS,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        Ok(read(|| described(ctx))
            .await?
            .map(|g| {
                Found::new(
                    self.name(),
                    Some(REDIS.into()),
                    g.replication_group_id().unwrap_or_default(),
                )
            })
            .into_iter()
            .collect())
    }
    /// Deletes the group without a final snapshot (the chat keeps nothing worth one) and waits
    /// until it is gone, which frees its subnets and security group.
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        let done = ctx
            .elasticache
            .delete_replication_group()
            .replication_group_id(&f.physical_id)
            .send()
            .await
            .task();
        match done {
            Err(e) if e.code == "ReplicationGroupNotFoundFault" => return Ok(()),
            // Already on its way out (an earlier, interrupted destroy): wait for it.
            Err(e) if e.code == "InvalidReplicationGroupState" => {}
            other => {
                other?;
            }
        }
        wait_through_transients(
            &format!("{} was not deleted", f.physical_id),
            DELETE_WAIT,
            |max| {
                ctx.elasticache
                    .wait_until_replication_group_deleted()
                    .replication_group_id(&f.physical_id)
                    .wait(max)
            },
        )
        .await
    }
}

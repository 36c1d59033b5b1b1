//! The ElastiCache subnet group: the private subnets Redis's nodes are placed in, one per zone.

use async_trait::async_trait;
use aws_sdk_elasticache::types::Tag;
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::tags;
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::ids::{redis_name, CACHE_SUBNET_GROUP};
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::sdk::{ignore_gone, read, SdkResultExt};

const SUBNET_GROUPS: &[&str] = &["arn:aws:elasticache:*:*:subnetgroup:*"];

fields! {
    /// The subnets, by logical id: a change is made in place.
    pub struct SubnetGroupProps {
        subnets("subnets"): String,
    }
}

/// The stack's tags, as ElastiCache takes them.
pub fn cache_tags(ctx: &AwsContext, logical_id: &str) -> Vec<Tag> {
    tags::for_resource(&ctx.stack, logical_id)
        .into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// True when the ElastiCache object `arn` carries this stack's tag: ids are per account and
/// region, so another tool's object of the same name must not be taken over.
pub async fn owned(ctx: &AwsContext, arn: &str) -> Result<bool, TaskError> {
    let out = ctx
        .elasticache
        .list_tags_for_resource()
        .resource_name(arn)
        .send()
        .await
        .task()?;
    Ok(out
        .tag_list()
        .iter()
        .any(|t| t.key() == Some(tags::STACK) && t.value() == Some(ctx.stack.as_str())))
}

#[derive(Debug)]
pub struct CacheSubnetGroup {
    /// The private subnets' logical ids.
    pub subnets: Vec<String>,
}

impl CacheSubnetGroup {
    fn ids(&self, refs: &Refs) -> Result<Vec<String>, TaskError> {
        self.subnets
            .iter()
            .map(|s| refs.id(s).map(str::to_string))
            .collect()
    }
}

/// The stack's subnet group: its ARN and subnet ids, when it exists.
async fn described(ctx: &AwsContext) -> Result<Option<(String, Vec<String>)>, TaskError> {
    let out = ctx
        .elasticache
        .describe_cache_subnet_groups()
        .cache_subnet_group_name(redis_name(&ctx.stack))
        .send()
        .await
        .task();
    let groups = match out {
        Err(e) if e.code == "CacheSubnetGroupNotFoundFault" => return Ok(None),
        other => other?,
    };
    let Some(g) = groups.cache_subnet_groups().first() else {
        return Ok(None);
    };
    let arn = g.arn().unwrap_or_default().to_string();
    if !owned(ctx, &arn).await? {
        return Ok(None);
    }
    let subnets = g
        .subnets()
        .iter()
        .filter_map(|s| s.subnet_identifier().map(str::to_string))
        .collect();
    Ok(Some((arn, subnets)))
}

#[async_trait]
impl Resource<AwsContext> for CacheSubnetGroup {
    type Props = SubnetGroupProps;
    type Outputs = ();
    fn id(&self) -> &str {
        CACHE_SUBNET_GROUP
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &CacheSubnetGroupKind
    }
    fn deps(&self) -> Vec<String> {
        self.subnets.clone()
    }
    /// The subnets are read back by their logical ids.
    fn find_deps(&self) -> Vec<String> {
        self.subnets.clone()
    }
    fn desired(&self) -> SubnetGroupProps {
        let mut s = self.subnets.clone();
        s.sort();
        SubnetGroupProps {
            subnets: s.join(", "),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Option<Current<SubnetGroupProps, ()>>, TaskError> {
        Ok(described(ctx).await?.map(|(_, subnets)| {
            let mut names: Vec<&str> = subnets
                .iter()
                .map(|id| refs.logical_id_of(id).unwrap_or(id))
                .collect();
            names.sort_unstable();
            Current::new(
                redis_name(&ctx.stack),
                SubnetGroupProps {
                    subnets: names.join(", "),
                },
            )
        }))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<SubnetGroupProps, ()>, TaskError> {
        ctx.elasticache
            .create_cache_subnet_group()
            .cache_subnet_group_name(redis_name(&ctx.stack))
            .cache_subnet_group_description("The chat's Redis, in the private subnets (Escala)")
            .set_subnet_ids(Some(self.ids(refs)?))
            .set_tags(Some(cache_tags(ctx, CACHE_SUBNET_GROUP)))
            .send()
            .await
            .task()?;
        Ok(Current::new(redis_name(&ctx.stack), self.desired()))
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
        current: &Current<SubnetGroupProps, ()>,
    ) -> Result<Current<SubnetGroupProps, ()>, TaskError> {
        ctx.elasticache
            .modify_cache_subnet_group()
            .cache_subnet_group_name(&current.id)
            .set_subnet_ids(Some(self.ids(refs)?))
            .send()
            .await
            .task()?;
        Ok(Current::new(current.id.clone(), self.desired()))
    }
}

/// Subnet groups: they hold their subnets until deleted, and can't be deleted while a
/// replication group is placed in them.
#[derive(Debug)]
pub struct CacheSubnetGroupKind;

#[async_trait]
impl Kind<AwsContext> for CacheSubnetGroupKind {
    fn name(&self) -> &'static str {
        "CacheSubnetGroup"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &["Subnet"]
    }
    fn discovery(&self) -> Discovery {
        Discovery::Behind
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&["elasticache:DescribeCacheSubnetGroups"]),
            Grant::new(
                &["elasticache:ListTagsForResource"],
                SUBNET_GROUPS,
                Scope::Reading,
            ),
            Grant::new(
                &[
                    "elasticache:CreateCacheSubnetGroup",
                    "elasticache:AddTagsToResource",
                ],
                SUBNET_GROUPS,
                Scope::Creating,
            ),
            Grant::new(
                &[
                    "elasticache:ModifyCacheSubnetGroup",
                    "elasticache:DeleteCacheSubnetGroup",
                ],
                SUBNET_GROUPS,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        Ok(read(|| described(ctx))
            .await?
            .map(|_| {
                Found::new(
                    self.name(),
                    Some(CACHE_SUBNET_GROUP.into()),
                    redis_name(&ctx.stack),
                )
            })
            .into_iter()
            .collect())
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        let done = ctx
            .elasticache
            .delete_cache_subnet_group()
            .cache_subnet_group_name(&f.physical_id)
            .send()
            .await
            .task();
        match done {
            Err(e) if e.code == "CacheSubnetGroupNotFoundFault" => Ok(()),
            // A replication group still placed in it is being deleted: the engine retries.
            Err(e) if e.code == "CacheSubnetGroupInUse" => {
                Err(TaskError::retryable(e.code, e.message))
            }
            other => ignore_gone(other),
        }
    }
}

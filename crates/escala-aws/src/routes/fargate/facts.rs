//! What the route needs before it can be planned: the chat's image, built (so the plan knows its
//! digest), the account's task roles, and that the region offers the Spec's Redis node type (a
//! missing one is a validation error at its field, before anything is made).

use std::sync::Arc;

use escala_core::routes::fargate::{FargateRule, FargateSpec};
use escala_core::validate::ValidationErrors;
use escala_core::CoreError;

use super::roles::{self, RoleArns};
use crate::context::AwsContext;
use crate::routes::container::image;
use crate::sdk::api_error;
use crate::AwsError;

#[derive(Debug, Clone)]
pub struct Facts {
    pub image: Arc<escala_image::Image>,
    pub roles: RoleArns,
}

pub async fn look_up(ctx: &AwsContext, f: &FargateSpec) -> Result<Facts, AwsError> {
    let platform = f.platform;
    // Building gzips a few megabytes: off the async threads, while the region answers.
    let build = tokio::task::spawn_blocking(move || image::build(platform));
    if let Some(nodes) = f.redis.nodes() {
        check_node_type(ctx, &nodes.node_type).await?;
    }
    let roles = roles::look_up(ctx).await?;
    let image = build
        .await
        .map_err(|e| AwsError::Invalid(format!("building the chat's image: {e}")))??;
    Ok(Facts { image, roles })
}

/// ElastiCache offers reserved nodes of every node type a region has, so an empty offering list
/// means the region doesn't have it.
async fn check_node_type(ctx: &AwsContext, node_type: &str) -> Result<(), AwsError> {
    let out = ctx
        .elasticache
        .describe_reserved_cache_nodes_offerings()
        .cache_node_type(node_type)
        .max_records(20)
        .send()
        .await
        .map_err(|e| api_error("elasticache:DescribeReservedCacheNodesOfferings", e))?;
    if out.reserved_cache_nodes_offerings().is_empty() {
        return Err(AwsError::Core(CoreError::Validation(ValidationErrors::one(
            FargateRule::RedisNodeType,
            "route.fargate.redis.nodeType",
            format!(
                "ElastiCache offers no {node_type} nodes in {}: pick another node type, such as cache.t4g.micro",
                ctx.region
            ),
        ))));
    }
    Ok(())
}

#[cfg(test)]
impl Facts {
    /// An image of a stand-in binary, for tests that make tasks without building the chat.
    pub fn for_tests() -> Self {
        Facts {
            image: image::stand_in(),
            roles: RoleArns {
                execution: "arn:aws:iam::123456789012:role/escala/escala-ecs-task-execution".into(),
                task: "arn:aws:iam::123456789012:role/escala/escala-ecs-task".into(),
            },
        }
    }
}

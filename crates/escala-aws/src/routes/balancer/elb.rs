//! What the load balancer and its target group share: ELBv2 can't filter by tag, so both are
//! found by their names, which carry the stack's name, and the stack's tag is checked before
//! anything is taken as Escala's.

use aws_sdk_elasticloadbalancingv2::types::Tag;
use escala_core::tags;
use escala_core::task::TaskError;

use crate::context::AwsContext;
use crate::sdk::SdkResultExt;

/// Load balancer and target group names: at most 32 characters; a stack name has at most 24.
pub fn name(stack: &str, suffix: &str) -> String {
    format!("{stack}-{suffix}")
}

/// The stack's tags for a new object, given in its create call.
pub fn tags(ctx: &AwsContext, logical_id: &str) -> Vec<Tag> {
    tags::for_resource(&ctx.stack, logical_id)
        .into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// True when the ARN carries this stack's tag (ELBv2 names are per account and region, so a
/// same-named object of another tool must not be taken over).
pub async fn owned(ctx: &AwsContext, arn: &str) -> Result<bool, TaskError> {
    let out = ctx
        .elb
        .describe_tags()
        .resource_arns(arn)
        .send()
        .await
        .task()?;
    Ok(out.tag_descriptions().iter().any(|d| {
        d.tags()
            .iter()
            .any(|t| t.key() == Some(tags::STACK) && t.value() == Some(ctx.stack.as_str()))
    }))
}

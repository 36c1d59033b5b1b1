//! Reading the route's group back: by its stack-named name, and taken as Escala's only when it
//! carries the stack's tag. The group's task, its rolling updates, its policies and its dashboard
//! all read it through here.

use aws_sdk_autoscaling::types::{AutoScalingGroup, ScalingPolicy};
use escala_core::tags;
use escala_core::task::TaskError;

use crate::context::AwsContext;
use crate::sdk::SdkResultExt;

/// The group's ARN, as IAM statements name it.
pub const GROUP_ARNS: &[&str] =
    &["arn:aws:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/*"];

/// The group's name: one group per stack.
pub fn group_name(stack: &str) -> String {
    format!("{stack}-web")
}

/// The group and its tags as AWS reports them, when it carries this stack's tag.
pub async fn group(ctx: &AwsContext) -> Result<Option<AutoScalingGroup>, TaskError> {
    let out = ctx
        .autoscaling
        .describe_auto_scaling_groups()
        .auto_scaling_group_names(group_name(&ctx.stack))
        .send()
        .await
        .task()?;
    Ok(out
        .auto_scaling_groups()
        .iter()
        .find(|g| {
            g.tags()
                .iter()
                .any(|t| t.key() == Some(tags::STACK) && t.value() == Some(ctx.stack.as_str()))
        })
        .cloned())
}

/// How many of the group's instances are in service.
pub fn in_service(g: &AutoScalingGroup) -> u32 {
    g.instances()
        .iter()
        .filter(|i| i.lifecycle_state().map(|s| s.as_str()) == Some("InService"))
        .count() as u32
}

/// The group's scaling policy named `policy`. Policies are read back rather than taken from
/// PutScalingPolicy's answer, which may carry no ARN (the emulator's doesn't).
pub async fn policy(ctx: &AwsContext, policy: &str) -> Result<Option<ScalingPolicy>, TaskError> {
    let out = ctx
        .autoscaling
        .describe_policies()
        .auto_scaling_group_name(group_name(&ctx.stack))
        .policy_names(policy)
        .send()
        .await
        .task()?;
    Ok(out.scaling_policies().first().cloned())
}

/// Deleting a part of the group (a policy, a schedule, its warm pool) that went away with it, or
/// by an earlier try, is success.
pub fn gone_with_group<T>(r: Result<T, TaskError>) -> Result<(), TaskError> {
    match r {
        Err(e) if e.code == "ValidationError" && e.message.contains("not found") => Ok(()),
        other => crate::sdk::ignore_gone(other),
    }
}

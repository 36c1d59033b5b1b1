//! The Auto Scaling group: instances from the launch template's default version, across the
//! chosen subnets, registered with the target group and replaced when the load balancer finds them
//! unhealthy. Its size between min and max is the scaling policies' business, so the plan manages
//! min and max but never puts `desired` back. Its instances are managed too: when some were started
//! from an older launch template, the plan updates the group with a rolling update.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_autoscaling::types::{LaunchTemplateSpecification, Tag};
use escala_core::asg::{Capacity, Rollout};
use escala_core::plan::FieldChange;
use escala_core::tags;
use escala_core::task::{Observed, Prop, Refs, Task, TaskError};

use super::refresh;
use super::{GROUP, LAUNCH_TEMPLATE, TARGET_GROUP};
use crate::context::AwsContext;
use crate::inventory::wave;
use crate::sdk::SdkResultExt;

#[derive(Debug)]
pub struct AutoScalingGroup {
    pub capacity: Capacity,
    /// The subnets' logical ids.
    pub subnets: Vec<String>,
    pub grace_seconds: u32,
    /// The launch template's revision every instance should be started from.
    pub revision: String,
    pub rollout: Rollout,
}

pub fn name(stack: &str) -> String {
    format!("{stack}-web")
}

impl AutoScalingGroup {
    fn subnet_ids(&self, refs: &Refs) -> Result<String, TaskError> {
        let ids = self
            .subnets
            .iter()
            .map(|s| refs.id(s).map(str::to_string))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ids.join(","))
    }

    fn up_to_date(&self) -> String {
        format!(
            "from template {}, rolled out keeping {}% healthy",
            self.revision, self.rollout.min_healthy_percentage
        )
    }

    /// The instances as the plan compares them: all from this revision, or how many aren't.
    async fn instances(&self, ctx: &AwsContext, group: &str) -> Result<String, TaskError> {
        let revisions = refresh::revisions(ctx, group).await?;
        let old = revisions
            .values()
            .filter(|r| r.as_deref() != Some(self.revision.as_str()))
            .count();
        Ok(if old == 0 {
            self.up_to_date()
        } else {
            format!("{old} of {} from an older template", revisions.len())
        })
    }

    fn observed(&self, name: &str, desired: i32) -> Observed {
        let mut o = Observed::new(name).with_props(self.desired());
        o.outputs.insert("desired".into(), desired.to_string());
        o
    }
}

/// The group and its tags as AWS reports them, when it carries this stack's tag.
pub async fn describe(
    ctx: &AwsContext,
) -> Result<Option<aws_sdk_autoscaling::types::AutoScalingGroup>, TaskError> {
    let out = ctx
        .autoscaling
        .describe_auto_scaling_groups()
        .auto_scaling_group_names(name(&ctx.stack))
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

/// The group's scaling policy named `policy`. Policies are read back rather than taken from
/// PutScalingPolicy's answer, which may carry no ARN (the emulator's doesn't).
pub async fn policy(
    ctx: &AwsContext,
    policy: &str,
) -> Result<Option<aws_sdk_autoscaling::types::ScalingPolicy>, TaskError> {
    let out = ctx
        .autoscaling
        .describe_policies()
        .auto_scaling_group_name(name(&ctx.stack))
        .policy_names(policy)
        .send()
        .await
        .task()?;
    Ok(out.scaling_policies().first().cloned())
}

/// How many of the group's instances are in service.
pub fn in_service(g: &aws_sdk_autoscaling::types::AutoScalingGroup) -> u32 {
    g.instances()
        .iter()
        .filter(|i| i.lifecycle_state().map(|s| s.as_str()) == Some("InService"))
        .count() as u32
}

#[async_trait]
impl Task<AwsContext> for AutoScalingGroup {
    fn id(&self) -> &str {
        GROUP
    }
    fn kind(&self) -> &'static str {
        "AutoScalingGroup"
    }
    fn deps(&self) -> Vec<String> {
        let mut d = self.subnets.clone();
        d.extend([LAUNCH_TEMPLATE.to_string(), TARGET_GROUP.to_string()]);
        d
    }
    fn find_deps(&self) -> Vec<String> {
        self.subnets.clone()
    }
    fn wave(&self) -> u8 {
        wave::FRONT
    }
    fn desired(&self) -> BTreeMap<String, Prop> {
        BTreeMap::from([
            ("min".into(), Prop::mutable(self.capacity.min)),
            ("max".into(), Prop::mutable(self.capacity.max)),
            (
                "healthCheck".into(),
                Prop::mutable(format!("ELB, {} s grace", self.grace_seconds)),
            ),
            ("instances".into(), Prop::mutable(self.up_to_date())),
        ])
    }
    async fn find(&self, ctx: &AwsContext, _: &Refs) -> Result<Option<Observed>, TaskError> {
        let Some(g) = describe(ctx).await? else {
            return Ok(None);
        };
        let name = g.auto_scaling_group_name().unwrap_or_default();
        let instances = self.instances(ctx, name).await?;
        Ok(Some({
            let mut o = Observed::new(name)
                .with_prop("min", g.min_size().unwrap_or_default())
                .with_prop("max", g.max_size().unwrap_or_default())
                .with_prop(
                    "healthCheck",
                    format!(
                        "{}, {} s grace",
                        g.health_check_type().unwrap_or_default(),
                        g.health_check_grace_period().unwrap_or_default()
                    ),
                )
                .with_prop("instances", instances);
            o.outputs.insert(
                "desired".into(),
                g.desired_capacity().unwrap_or_default().to_string(),
            );
            o
        }))
    }
    async fn create(&self, ctx: &AwsContext, refs: &Refs) -> Result<Observed, TaskError> {
        let group = name(&ctx.stack);
        let tag = |key: &str, value: &str, propagate: bool| {
            Tag::builder()
                .key(key)
                .value(value)
                .propagate_at_launch(propagate)
                .resource_id(&group)
                .resource_type("auto-scaling-group")
                .build()
        };
        ctx.autoscaling
            .create_auto_scaling_group()
            .auto_scaling_group_name(&group)
            .launch_template(
                LaunchTemplateSpecification::builder()
                    .launch_template_id(refs.id(LAUNCH_TEMPLATE)?)
                    .version("$Default")
                    .build(),
            )
            .min_size(self.capacity.min as i32)
            .max_size(self.capacity.max as i32)
            .desired_capacity(self.capacity.desired as i32)
            .vpc_zone_identifier(self.subnet_ids(refs)?)
            .target_group_arns(refs.id(TARGET_GROUP)?)
            .health_check_type("ELB")
            .health_check_grace_period(self.grace_seconds as i32)
            // The seed tags its instances Name=web-server, propagated at launch.
            .tags(tag("Name", &format!("{}-web-server", ctx.stack), true))
            .tags(tag(tags::STACK, &ctx.stack, false))
            .tags(tag(tags::ID, GROUP, false))
            .send()
            .await
            .task()?;
        // Group metrics every minute: the dashboard draws desired and in-service capacity.
        ctx.autoscaling
            .enable_metrics_collection()
            .auto_scaling_group_name(&group)
            .granularity("1Minute")
            .send()
            .await
            .task()?;
        Ok(self.observed(&group, self.capacity.desired as i32))
    }
    /// Min, max and health checks change in place. The current size is kept when it still fits,
    /// and moved to the nearest bound when it doesn't. Instances from an older template are then
    /// replaced by a rolling update.
    async fn update(
        &self,
        ctx: &AwsContext,
        _: &Refs,
        current: &Observed,
        changes: &[FieldChange],
    ) -> Result<Observed, TaskError> {
        let now: u32 = current
            .outputs
            .get("desired")
            .and_then(|d| d.parse().ok())
            .unwrap_or(self.capacity.desired);
        let desired = now.clamp(self.capacity.min, self.capacity.max);
        ctx.autoscaling
            .update_auto_scaling_group()
            .auto_scaling_group_name(&current.physical_id)
            .min_size(self.capacity.min as i32)
            .max_size(self.capacity.max as i32)
            .desired_capacity(desired as i32)
            .health_check_type("ELB")
            .health_check_grace_period(self.grace_seconds as i32)
            .send()
            .await
            .task()?;
        if changes.iter().any(|c| c.field == "instances") {
            refresh::roll_out(ctx, &current.physical_id, &self.revision, &self.rollout).await?;
        }
        Ok(self.observed(&current.physical_id, desired as i32))
    }
}

/// Deletes the group and its instances, and waits until AWS has let go of it.
pub async fn delete(ctx: &AwsContext, group: &str) -> Result<(), TaskError> {
    let done = ctx
        .autoscaling
        .delete_auto_scaling_group()
        .auto_scaling_group_name(group)
        .force_delete(true)
        .send()
        .await
        .task();
    match done {
        Err(e) if e.code == "ValidationError" && e.message.contains("not found") => return Ok(()),
        other => other?,
    };
    for _ in 0..600 {
        if describe(ctx).await?.is_none() {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
    Err(TaskError::retryable(
        "GroupNotDeleted",
        format!("{group} is still being deleted after 10 minutes"),
    ))
}

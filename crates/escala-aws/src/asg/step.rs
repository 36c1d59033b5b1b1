//! Step scaling on top of target tracking: a CloudWatch alarm on the group's average CPU that
//! adds instances in one step when it stays above a threshold. The policy goes away with the
//! group; the alarm is deleted on its own (it is found by its stack-named name).

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_autoscaling::types::StepAdjustment;
use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, Statistic};
use escala_core::asg::StepScaling;
use escala_core::plan::FieldChange;
use escala_core::task::{Found, Observed, Prop, Refs, Task, TaskError};

use super::{group, GROUP};
use crate::context::AwsContext;
use crate::inventory::wave;
use crate::sdk::SdkResultExt;

pub const STEP_POLICY: &str = "scaling-step";

pub fn alarm_name(stack: &str) -> String {
    format!("{stack}-cpu-high")
}

fn policy_name(stack: &str) -> String {
    format!("{stack}-step")
}

#[derive(Debug)]
pub struct StepPolicy {
    pub step: StepScaling,
}

impl StepPolicy {
    fn props(&self) -> [(&'static str, String); 3] {
        [
            ("cpuAbove", format!("{}", self.step.cpu_above)),
            ("add", self.step.add.to_string()),
            ("minutes", self.step.minutes.to_string()),
        ]
    }

    async fn put(&self, ctx: &AwsContext) -> Result<Observed, TaskError> {
        let group = group::name(&ctx.stack);
        ctx.autoscaling
            .put_scaling_policy()
            .auto_scaling_group_name(&group)
            .policy_name(policy_name(&ctx.stack))
            .policy_type("StepScaling")
            .adjustment_type("ChangeInCapacity")
            .step_adjustments(
                StepAdjustment::builder()
                    .metric_interval_lower_bound(0.0)
                    .scaling_adjustment(self.step.add as i32)
                    .build(),
            )
            .send()
            .await
            .task()?;
        let arn = group::policy(ctx, &policy_name(&ctx.stack))
            .await?
            .and_then(|p| p.policy_arn)
            .unwrap_or_default();
        ctx.cloudwatch
            .put_metric_alarm()
            .alarm_name(alarm_name(&ctx.stack))
            .alarm_description("Escala: add instances while average CPU stays high")
            .namespace("AWS/EC2")
            .metric_name("CPUUtilization")
            .dimensions(
                Dimension::builder()
                    .name("AutoScalingGroupName")
                    .value(&group)
                    .build(),
            )
            .statistic(Statistic::Average)
            .period(60)
            .evaluation_periods(self.step.minutes as i32)
            .threshold(self.step.cpu_above)
            .comparison_operator(ComparisonOperator::GreaterThanThreshold)
            .alarm_actions(arn)
            .send()
            .await
            .task()?;
        Ok(Observed::new(alarm_name(&ctx.stack)).with_props(self.desired()))
    }
}

#[async_trait]
impl Task<AwsContext> for StepPolicy {
    fn id(&self) -> &str {
        STEP_POLICY
    }
    fn kind(&self) -> &'static str {
        "StepScaling"
    }
    fn deps(&self) -> Vec<String> {
        vec![GROUP.into()]
    }
    fn find_deps(&self) -> Vec<String> {
        vec![GROUP.into()]
    }
    fn wave(&self) -> u8 {
        wave::FRONT
    }
    fn found(&self, current: &Observed) -> Found {
        Found {
            kind: "Alarm".into(),
            logical_id: Some(STEP_POLICY.into()),
            physical_id: current.physical_id.clone(),
            parent: None,
            wave: wave::FRONT,
            detail: BTreeMap::new(),
        }
    }
    fn desired(&self) -> BTreeMap<String, Prop> {
        Prop::all_mutable(self.props())
    }
    async fn find(&self, ctx: &AwsContext, _: &Refs) -> Result<Option<Observed>, TaskError> {
        let out = ctx
            .cloudwatch
            .describe_alarms()
            .alarm_names(alarm_name(&ctx.stack))
            .send()
            .await
            .task()?;
        let Some(alarm) = out.metric_alarms().first() else {
            return Ok(None);
        };
        let add = group::policy(ctx, &policy_name(&ctx.stack))
            .await?
            .as_ref()
            .and_then(|p| p.step_adjustments().first())
            .and_then(|s| s.scaling_adjustment())
            .unwrap_or_default();
        Ok(Some(
            Observed::new(alarm.alarm_name().unwrap_or_default())
                .with_prop(
                    "cpuAbove",
                    format!("{}", alarm.threshold().unwrap_or_default()),
                )
                .with_prop("add", add)
                .with_prop("minutes", alarm.evaluation_periods().unwrap_or_default()),
        ))
    }
    async fn create(&self, ctx: &AwsContext, _: &Refs) -> Result<Observed, TaskError> {
        self.put(ctx).await
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        _: &Refs,
        _: &Observed,
        _: &[FieldChange],
    ) -> Result<Observed, TaskError> {
        self.put(ctx).await
    }
}

/// The stack's alarm, when it exists, for discovery.
pub async fn alarm(ctx: &AwsContext) -> Result<Option<Found>, TaskError> {
    let out = ctx
        .cloudwatch
        .describe_alarms()
        .alarm_names(alarm_name(&ctx.stack))
        .send()
        .await
        .task()?;
    Ok(out.metric_alarms().first().map(|a| Found {
        kind: "Alarm".into(),
        logical_id: Some(STEP_POLICY.into()),
        physical_id: a.alarm_name().unwrap_or_default().into(),
        parent: None,
        wave: wave::FRONT,
        detail: BTreeMap::new(),
    }))
}

pub async fn delete_alarm(ctx: &AwsContext, name: &str) -> Result<(), TaskError> {
    ctx.cloudwatch
        .delete_alarms()
        .alarm_names(name)
        .send()
        .await
        .task()?;
    Ok(())
}

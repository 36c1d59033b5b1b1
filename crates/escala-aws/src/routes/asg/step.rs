//! Step scaling on top of target tracking: a CloudWatch alarm on the group's average CPU that
//! adds instances in one step when it stays above a threshold. The alarm is the task's object,
//! found by its stack-named name; its step policy is put and deleted with it.

use async_trait::async_trait;
use aws_sdk_autoscaling::types::StepAdjustment;
use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, Statistic, Tag};
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::routes::asg::StepScaling;
use escala_core::tags;
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::ids::{GROUP, STEP_POLICY};
use super::lookup::{self, gone_with_group, group_name, GROUP_ARNS};
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::sdk::{read, SdkResultExt};

/// Escala's alarms all start so: CloudWatch can't scope a delete by tag, only by name.
const ALARMS: &[&str] = &["arn:aws:cloudwatch:*:*:alarm:escala-*"];

pub fn alarm_name(stack: &str) -> String {
    format!("escala-{stack}-cpu-high")
}

fn policy_name(stack: &str) -> String {
    format!("{stack}-step")
}

fields! {
    /// The alarm's threshold and the step it adds: all change in place.
    pub struct StepProps {
        cpu_above("cpuAbove"): f64,
        add("add"): i32,
        minutes("minutes"): i32,
    }
}

#[derive(Debug)]
pub struct StepPolicy {
    pub step: StepScaling,
}

impl StepPolicy {
    async fn put(&self, ctx: &AwsContext) -> Result<Current<StepProps, ()>, TaskError> {
        let group = group_name(&ctx.stack);
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
        let arn = lookup::policy(ctx, &policy_name(&ctx.stack))
            .await?
            .and_then(|p| p.policy_arn)
            .unwrap_or_default();
        let tags: Vec<Tag> = tags::for_resource(&ctx.stack, STEP_POLICY)
            .into_iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect();
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
            .set_tags(Some(tags))
            .send()
            .await
            .task()?;
        Ok(Current::new(alarm_name(&ctx.stack), self.desired()))
    }
}

#[async_trait]
impl Resource<AwsContext> for StepPolicy {
    type Props = StepProps;
    type Outputs = ();
    fn id(&self) -> &str {
        STEP_POLICY
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &AlarmKind
    }
    fn deps(&self) -> Vec<String> {
        vec![GROUP.into()]
    }
    fn find_deps(&self) -> Vec<String> {
        vec![GROUP.into()]
    }
    fn desired(&self) -> StepProps {
        StepProps {
            cpu_above: self.step.cpu_above,
            add: self.step.add as i32,
            minutes: self.step.minutes as i32,
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<StepProps, ()>>, TaskError> {
        let Some(alarm) = describe(ctx).await? else {
            return Ok(None);
        };
        let add = lookup::policy(ctx, &policy_name(&ctx.stack))
            .await?
            .as_ref()
            .and_then(|p| p.step_adjustments().first())
            .and_then(|s| s.scaling_adjustment())
            .unwrap_or_default();
        Ok(Some(Current::new(
            alarm.alarm_name().unwrap_or_default(),
            StepProps {
                cpu_above: alarm.threshold().unwrap_or_default(),
                add,
                minutes: alarm.evaluation_periods().unwrap_or_default(),
            },
        )))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Current<StepProps, ()>, TaskError> {
        self.put(ctx).await
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        _: &Refs,
        _: &Current<StepProps, ()>,
    ) -> Result<Current<StepProps, ()>, TaskError> {
        self.put(ctx).await
    }
}

/// The stack's alarm, when it exists.
async fn describe(
    ctx: &AwsContext,
) -> Result<Option<aws_sdk_cloudwatch::types::MetricAlarm>, TaskError> {
    let out = ctx
        .cloudwatch
        .describe_alarms()
        .alarm_names(alarm_name(&ctx.stack))
        .send()
        .await
        .task()?;
    Ok(out.metric_alarms().first().cloned())
}

/// The step-scaling alarm, with its policy. Deleted before the group, so it never fires at one
/// that is going away.
#[derive(Debug)]
pub struct AlarmKind;

#[async_trait]
impl Kind<AwsContext> for AlarmKind {
    fn name(&self) -> &'static str {
        "Alarm"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &["AutoScalingGroup"]
    }
    fn discovery(&self) -> Discovery {
        Discovery::Behind
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::new(&["cloudwatch:DescribeAlarms"], ALARMS, Scope::Reading),
            // DeleteAlarms takes no condition key: the name prefix is its only scope.
            Grant::new(&["cloudwatch:DeleteAlarms"], ALARMS, Scope::Always),
            Grant::new(&["cloudwatch:PutMetricAlarm"], ALARMS, Scope::Creating),
            Grant::new(
                &["autoscaling:PutScalingPolicy", "autoscaling:DeletePolicy"],
                GROUP_ARNS,
                Scope::Tagged,
            ),
            Grant::reads(&["autoscaling:DescribePolicies"]),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        let alarm = read(|| describe(ctx)).await?;
        Ok(alarm
            .map(|a| {
                Found::new(
                    self.name(),
                    Some(STEP_POLICY.into()),
                    a.alarm_name().unwrap_or_default(),
                )
            })
            .into_iter()
            .collect())
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        ctx.cloudwatch
            .delete_alarms()
            .alarm_names(&f.physical_id)
            .send()
            .await
            .task()?;
        gone_with_group(
            ctx.autoscaling
                .delete_policy()
                .auto_scaling_group_name(group_name(&ctx.stack))
                .policy_name(policy_name(&ctx.stack))
                .send()
                .await
                .task(),
        )
    }
}

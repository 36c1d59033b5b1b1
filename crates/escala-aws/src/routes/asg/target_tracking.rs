//! Target tracking: the group keeps a metric (average CPU, or load balancer requests per
//! instance) near a target by adding and removing instances. Put idempotently, so create and update
//! are the same call.

use async_trait::async_trait;
use aws_sdk_autoscaling::types::{
    MetricType, PredefinedMetricSpecification, TargetTrackingConfiguration,
};
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::routes::asg::{TargetTracking, TrackedMetric};
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::ids::{GROUP, TARGET_POLICY};
use super::lookup::{self, gone_with_group, group_name, GROUP_ARNS};
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::routes::balancer::ids::{LISTENER, LOAD_BALANCER, TARGET_GROUP};
use crate::sdk::SdkResultExt;

fields! {
    /// What the policy tracks, and where it holds it: both change in place.
    pub struct TrackingProps {
        metric("metric"): &'static str,
        target("target"): f64,
    }
}

/// The policy's name: one per stack.
pub fn policy_name(stack: &str) -> String {
    format!("{stack}-target")
}

fn metric_label(metric: TrackedMetric) -> &'static str {
    match metric {
        TrackedMetric::Cpu => "average CPU %",
        TrackedMetric::RequestsPerTarget => "requests per instance",
    }
}

#[derive(Debug)]
pub struct TargetTrackingPolicy {
    pub tracking: TargetTracking,
}

impl TargetTrackingPolicy {
    async fn put(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<TrackingProps, ()>, TaskError> {
        let predefined = match self.tracking.metric {
            TrackedMetric::Cpu => PredefinedMetricSpecification::builder()
                .predefined_metric_type(MetricType::AsgAverageCpuUtilization)
                .build(),
            // The label names both: "app/<lb>/<id>/targetgroup/<tg>/<id>", read off their ARNs.
            TrackedMetric::RequestsPerTarget => {
                let after = |arn: &str, marker: &str| {
                    arn.split_once(marker)
                        .map(|(_, s)| s.to_string())
                        .unwrap_or_default()
                };
                let label = format!(
                    "{}/targetgroup/{}",
                    after(refs.id(LOAD_BALANCER)?, ":loadbalancer/"),
                    after(refs.id(TARGET_GROUP)?, ":targetgroup/")
                );
                PredefinedMetricSpecification::builder()
                    .predefined_metric_type(MetricType::AlbRequestCountPerTarget)
                    .resource_label(label)
                    .build()
            }
        };
        ctx.autoscaling
            .put_scaling_policy()
            .auto_scaling_group_name(group_name(&ctx.stack))
            .policy_name(policy_name(&ctx.stack))
            .policy_type("TargetTrackingScaling")
            .target_tracking_configuration(
                TargetTrackingConfiguration::builder()
                    .predefined_metric_specification(predefined)
                    .target_value(self.tracking.target)
                    .build(),
            )
            .send()
            .await
            .task()?;
        Ok(Current::new(policy_name(&ctx.stack), self.desired()))
    }
}

#[async_trait]
impl Resource<AwsContext> for TargetTrackingPolicy {
    type Props = TrackingProps;
    type Outputs = ();
    fn id(&self) -> &str {
        TARGET_POLICY
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &ScalingPolicyKind
    }
    fn deps(&self) -> Vec<String> {
        // Requests per target name the load balancer and target group, and only count once the
        // listener forwards to it.
        vec![
            GROUP.into(),
            LISTENER.into(),
            LOAD_BALANCER.into(),
            TARGET_GROUP.into(),
        ]
    }
    fn find_deps(&self) -> Vec<String> {
        vec![GROUP.into()]
    }
    fn desired(&self) -> TrackingProps {
        TrackingProps {
            metric: metric_label(self.tracking.metric),
            target: self.tracking.target,
        }
    }
    /// Read back with DescribePolicies: the configuration is what the plan compares.
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<TrackingProps, ()>>, TaskError> {
        let policy = lookup::policy(ctx, &policy_name(&ctx.stack)).await?;
        Ok(policy.map(|p| {
            let config = p.target_tracking_configuration();
            let metric = match config
                .and_then(|c| c.predefined_metric_specification())
                .and_then(|m| m.predefined_metric_type())
            {
                Some(MetricType::AlbRequestCountPerTarget) => TrackedMetric::RequestsPerTarget,
                _ => TrackedMetric::Cpu,
            };
            Current::new(
                p.policy_name().unwrap_or_default(),
                TrackingProps {
                    metric: metric_label(metric),
                    target: config.and_then(|c| c.target_value()).unwrap_or_default(),
                },
            )
        }))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<TrackingProps, ()>, TaskError> {
        self.put(ctx, refs).await
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
        _: &Current<TrackingProps, ()>,
    ) -> Result<Current<TrackingProps, ()>, TaskError> {
        self.put(ctx, refs).await
    }
}

/// The group's target-tracking policy: found with the group (see its kind), and deleted when the
/// Spec drops it; AWS deletes the alarms it made for it.
#[derive(Debug)]
pub struct ScalingPolicyKind;

#[async_trait]
impl Kind<AwsContext> for ScalingPolicyKind {
    fn name(&self) -> &'static str {
        "ScalingPolicy"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &["AutoScalingGroup"]
    }
    fn discovery(&self) -> Discovery {
        Discovery::WithParent
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&["autoscaling:DescribePolicies"]),
            Grant::new(
                &["autoscaling:PutScalingPolicy", "autoscaling:DeletePolicy"],
                GROUP_ARNS,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        gone_with_group(
            ctx.autoscaling
                .delete_policy()
                .auto_scaling_group_name(group_name(&ctx.stack))
                .policy_name(&f.physical_id)
                .send()
                .await
                .task(),
        )
    }
}

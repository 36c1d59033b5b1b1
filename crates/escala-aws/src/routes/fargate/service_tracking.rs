//! Target tracking on the service: Application Auto Scaling keeps its average CPU (or the load
//! balancer's requests per task) near the target, with a cooldown each way. Put idempotently, so
//! create and update are the same call.

use async_trait::async_trait;
use aws_sdk_applicationautoscaling::types::{
    MetricType, PolicyType, PredefinedMetricSpecification, ScalableDimension, ServiceNamespace,
    TargetTrackingScalingPolicyConfiguration,
};
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::routes::fargate::{ServiceMetric, ServiceTargetTracking};
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::aas::{gone, TARGETS};
use super::ids::{service_resource_id, SCALABLE_TARGET, TARGET_POLICY};
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::routes::balancer::ids::{LOAD_BALANCER, TARGET_GROUP};
use crate::sdk::{built, SdkResultExt};

const TRACKING_ALARMS: &[&str] = &["arn:aws:cloudwatch:*:*:alarm:ServiceTargetTracking-service/*"];

fields! {
    pub struct ServiceTrackingProps {
        metric("metric"): &'static str,
        target("target"): f64,
        cooldowns("cooldowns"): String,
    }
}

/// The policy's name: one per stack.
pub fn policy_name(stack: &str) -> String {
    format!("{stack}-target")
}

fn metric_label(metric: ServiceMetric) -> &'static str {
    match metric {
        ServiceMetric::Cpu => "average CPU %",
        ServiceMetric::RequestsPerTarget => "requests per task",
    }
}

fn cooldowns(out: i32, r#in: i32) -> String {
    format!("out {out}s, in {in}s", in = r#in)
}

#[derive(Debug)]
pub struct ServiceTracking {
    pub tracking: ServiceTargetTracking,
}

impl ServiceTracking {
    async fn put(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<ServiceTrackingProps, ()>, TaskError> {
        let predefined = match self.tracking.metric {
            ServiceMetric::Cpu => PredefinedMetricSpecification::builder()
                .predefined_metric_type(MetricType::EcsServiceAverageCpuUtilization)
                .build(),
            // The label names both: "app/<lb>/<id>/targetgroup/<tg>/<id>", read off their ARNs.
            ServiceMetric::RequestsPerTarget => {
                let after = |arn: &str, marker: &str| {
                    arn.split_once(marker)
                        .map(|(_, s)| s.to_string())
                        .unwrap_or_default()
                };
                PredefinedMetricSpecification::builder()
                    .predefined_metric_type(MetricType::AlbRequestCountPerTarget)
                    .resource_label(format!(
                        "{}/targetgroup/{}",
                        after(refs.id(LOAD_BALANCER)?, ":loadbalancer/"),
                        after(refs.id(TARGET_GROUP)?, ":targetgroup/")
                    ))
                    .build()
            }
        };
        let config = built(
            TargetTrackingScalingPolicyConfiguration::builder()
                .target_value(self.tracking.target)
                .predefined_metric_specification(built(predefined)?)
                .scale_out_cooldown(self.tracking.scale_out_cooldown_seconds as i32)
                .scale_in_cooldown(self.tracking.scale_in_cooldown_seconds as i32)
                .build(),
        )?;
        ctx.aas
            .put_scaling_policy()
            .service_namespace(ServiceNamespace::Ecs)
            .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
            .resource_id(service_resource_id(&ctx.stack))
            .policy_name(policy_name(&ctx.stack))
            .policy_type(PolicyType::TargetTrackingScaling)
            .target_tracking_scaling_policy_configuration(config)
            .send()
            .await
            .task()?;
        Ok(Current::new(policy_name(&ctx.stack), self.desired()))
    }
}

#[async_trait]
impl Resource<AwsContext> for ServiceTracking {
    type Props = ServiceTrackingProps;
    type Outputs = ();
    fn id(&self) -> &str {
        TARGET_POLICY
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &ServiceTrackingKind
    }
    fn deps(&self) -> Vec<String> {
        vec![
            SCALABLE_TARGET.into(),
            LOAD_BALANCER.into(),
            TARGET_GROUP.into(),
        ]
    }
    fn find_deps(&self) -> Vec<String> {
        vec![SCALABLE_TARGET.into()]
    }
    fn desired(&self) -> ServiceTrackingProps {
        ServiceTrackingProps {
            metric: metric_label(self.tracking.metric),
            target: self.tracking.target,
            cooldowns: cooldowns(
                self.tracking.scale_out_cooldown_seconds as i32,
                self.tracking.scale_in_cooldown_seconds as i32,
            ),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<ServiceTrackingProps, ()>>, TaskError> {
        let out = ctx
            .aas
            .describe_scaling_policies()
            .service_namespace(ServiceNamespace::Ecs)
            .resource_id(service_resource_id(&ctx.stack))
            .policy_names(policy_name(&ctx.stack))
            .send()
            .await
            .task()?;
        Ok(out.scaling_policies().first().map(|p| {
            let config = p.target_tracking_scaling_policy_configuration();
            let metric = match config
                .and_then(|c| c.predefined_metric_specification())
                .map(|m| m.predefined_metric_type())
            {
                Some(MetricType::AlbRequestCountPerTarget) => ServiceMetric::RequestsPerTarget,
                _ => ServiceMetric::Cpu,
            };
            Current::new(
                p.policy_name(),
                ServiceTrackingProps {
                    metric: metric_label(metric),
                    target: config.map(|c| c.target_value()).unwrap_or_default(),
                    cooldowns: cooldowns(
                        config
                            .and_then(|c| c.scale_out_cooldown())
                            .unwrap_or_default(),
                        config
                            .and_then(|c| c.scale_in_cooldown())
                            .unwrap_or_default(),
                    ),
                },
            )
        }))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<ServiceTrackingProps, ()>, TaskError> {
        self.put(ctx, refs).await
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
        _: &Current<ServiceTrackingProps, ()>,
    ) -> Result<Current<ServiceTrackingProps, ()>, TaskError> {
        self.put(ctx, refs).await
    }
}

/// The service's target-tracking policy: found with its scalable target, and deleted when the
/// Spec drops it; AWS deletes the two alarms it made for it.
#[derive(Debug)]
pub struct ServiceTrackingKind;

#[async_trait]
impl Kind<AwsContext> for ServiceTrackingKind {
    fn name(&self) -> &'static str {
        "ServiceScalingPolicy"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &["ScalableTarget"]
    }
    fn discovery(&self) -> Discovery {
        Discovery::WithParent
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&["application-autoscaling:DescribeScalingPolicies"]),
            Grant::new(
                &[
                    "application-autoscaling:PutScalingPolicy",
                    "application-autoscaling:DeleteScalingPolicy",
                ],
                TARGETS,
                Scope::Tagged,
            ),
            // Application Auto Scaling makes the policy's two alarms as the caller, named for the
            // service; AWS tags them with nothing, so their name is their only scope.
            Grant::new(
                &["cloudwatch:DescribeAlarms"],
                TRACKING_ALARMS,
                Scope::Reading,
            ),
            Grant::new(
                &["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"],
                TRACKING_ALARMS,
                Scope::Always,
            ),
        ];
        GRANTS
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        gone(
            ctx.aas
                .delete_scaling_policy()
                .service_namespace(ServiceNamespace::Ecs)
                .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
                .resource_id(service_resource_id(&ctx.stack))
                .policy_name(&f.physical_id)
                .send()
                .await
                .task()
                .map(|_| ()),
        )
    }
}

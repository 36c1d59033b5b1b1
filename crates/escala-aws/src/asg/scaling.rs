//! How the group scales: a target-tracking policy (average CPU, or load balancer requests per
//! instance) and scheduled capacity changes. Both are put idempotently, so create and update are
//! the same call, and both go away with the group.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_autoscaling::types::{
    MetricType, PredefinedMetricSpecification, TargetTrackingConfiguration,
};
use escala_core::asg::{ScheduledAction, TargetTracking, TrackedMetric};
use escala_core::plan::FieldChange;
use escala_core::task::{Observed, Prop, Refs, Task, TaskError};

use super::{group, GROUP, LISTENER, LOAD_BALANCER, TARGET_GROUP};
use crate::context::AwsContext;
use crate::inventory::wave;
use crate::sdk::SdkResultExt;

pub const TARGET_POLICY: &str = "scaling-target";

fn describe(t: &TargetTracking) -> (String, String) {
    let metric = match t.metric {
        TrackedMetric::Cpu => "average CPU %",
        TrackedMetric::RequestsPerTarget => "requests per instance",
    };
    (metric.into(), format!("{}", t.target))
}

#[derive(Debug)]
pub struct TargetTrackingPolicy {
    pub tracking: TargetTracking,
}

impl TargetTrackingPolicy {
    fn name(stack: &str) -> String {
        format!("{stack}-target")
    }

    async fn put(&self, ctx: &AwsContext, refs: &Refs) -> Result<Observed, TaskError> {
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
            .auto_scaling_group_name(group::name(&ctx.stack))
            .policy_name(Self::name(&ctx.stack))
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
        let (metric, target) = describe(&self.tracking);
        Ok(Observed::new(Self::name(&ctx.stack))
            .with_prop("metric", metric)
            .with_prop("target", target))
    }
}

#[async_trait]
impl Task<AwsContext> for TargetTrackingPolicy {
    fn id(&self) -> &str {
        TARGET_POLICY
    }
    fn kind(&self) -> &'static str {
        "ScalingPolicy"
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
    fn wave(&self) -> u8 {
        wave::WITH_PARENT
    }
    fn desired(&self) -> BTreeMap<String, Prop> {
        let (metric, target) = describe(&self.tracking);
        BTreeMap::from([
            ("metric".into(), Prop::mutable(metric)),
            ("target".into(), Prop::mutable(target)),
        ])
    }
    /// Read back with DescribePolicies: the configuration is what the plan compares.
    async fn find(&self, ctx: &AwsContext, _: &Refs) -> Result<Option<Observed>, TaskError> {
        let policy = group::policy(ctx, &Self::name(&ctx.stack)).await?;
        Ok(policy.map(|p| {
            let config = p.target_tracking_configuration();
            let metric = match config
                .and_then(|c| c.predefined_metric_specification())
                .and_then(|m| m.predefined_metric_type())
            {
                Some(MetricType::AlbRequestCountPerTarget) => "requests per instance",
                _ => "average CPU %",
            };
            Observed::new(p.policy_name().unwrap_or_default())
                .with_prop("metric", metric)
                .with_prop(
                    "target",
                    format!(
                        "{}",
                        config.and_then(|c| c.target_value()).unwrap_or_default()
                    ),
                )
        }))
    }
    async fn create(&self, ctx: &AwsContext, refs: &Refs) -> Result<Observed, TaskError> {
        self.put(ctx, refs).await
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
        _: &Observed,
        _: &[FieldChange],
    ) -> Result<Observed, TaskError> {
        self.put(ctx, refs).await
    }
}

/// One scheduled capacity change (business hours, a known campaign), on a UTC cron.
#[derive(Debug)]
pub struct Scheduled {
    pub id: String,
    pub action: ScheduledAction,
}

impl Scheduled {
    fn props(&self) -> [(&'static str, String); 2] {
        let c = self.action.capacity;
        [
            ("cron", self.action.cron.clone()),
            ("capacity", format!("{} / {} / {}", c.min, c.desired, c.max)),
        ]
    }

    async fn put(&self, ctx: &AwsContext) -> Result<Observed, TaskError> {
        let c = self.action.capacity;
        ctx.autoscaling
            .put_scheduled_update_group_action()
            .auto_scaling_group_name(group::name(&ctx.stack))
            .scheduled_action_name(&self.action.name)
            .recurrence(&self.action.cron)
            .min_size(c.min as i32)
            .desired_capacity(c.desired as i32)
            .max_size(c.max as i32)
            .send()
            .await
            .task()?;
        Ok(Observed::new(&self.action.name).with_props(self.desired()))
    }
}

#[async_trait]
impl Task<AwsContext> for Scheduled {
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static str {
        "ScheduledAction"
    }
    fn deps(&self) -> Vec<String> {
        vec![GROUP.into()]
    }
    fn find_deps(&self) -> Vec<String> {
        vec![GROUP.into()]
    }
    fn wave(&self) -> u8 {
        wave::WITH_PARENT
    }
    fn desired(&self) -> BTreeMap<String, Prop> {
        Prop::all_mutable(self.props())
    }
    async fn find(&self, ctx: &AwsContext, _: &Refs) -> Result<Option<Observed>, TaskError> {
        let out = ctx
            .autoscaling
            .describe_scheduled_actions()
            .auto_scaling_group_name(group::name(&ctx.stack))
            .scheduled_action_names(&self.action.name)
            .send()
            .await
            .task()?;
        Ok(out.scheduled_update_group_actions().first().map(|a| {
            Observed::new(a.scheduled_action_name().unwrap_or_default())
                .with_prop("cron", a.recurrence().unwrap_or_default())
                .with_prop(
                    "capacity",
                    format!(
                        "{} / {} / {}",
                        a.min_size().unwrap_or_default(),
                        a.desired_capacity().unwrap_or_default(),
                        a.max_size().unwrap_or_default()
                    ),
                )
        }))
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

pub const WARM_POOL: &str = "warm-pool";

/// Stopped instances, already booted once, that join the group faster than new ones.
#[derive(Debug)]
pub struct WarmPoolTask {
    pub min_size: u32,
}

impl WarmPoolTask {
    async fn put(&self, ctx: &AwsContext) -> Result<Observed, TaskError> {
        ctx.autoscaling
            .put_warm_pool()
            .auto_scaling_group_name(group::name(&ctx.stack))
            .min_size(self.min_size as i32)
            .send()
            .await
            .task()?;
        Ok(Observed::new(group::name(&ctx.stack)).with_prop("minSize", self.min_size))
    }
}

#[async_trait]
impl Task<AwsContext> for WarmPoolTask {
    fn id(&self) -> &str {
        WARM_POOL
    }
    fn kind(&self) -> &'static str {
        "WarmPool"
    }
    fn deps(&self) -> Vec<String> {
        vec![GROUP.into()]
    }
    fn find_deps(&self) -> Vec<String> {
        vec![GROUP.into()]
    }
    fn wave(&self) -> u8 {
        wave::WITH_PARENT
    }
    fn desired(&self) -> BTreeMap<String, Prop> {
        BTreeMap::from([("minSize".into(), Prop::mutable(self.min_size))])
    }
    async fn find(&self, ctx: &AwsContext, _: &Refs) -> Result<Option<Observed>, TaskError> {
        let out = ctx
            .autoscaling
            .describe_warm_pool()
            .auto_scaling_group_name(group::name(&ctx.stack))
            .send()
            .await
            .task()?;
        Ok(out.warm_pool_configuration().map(|w| {
            Observed::new(group::name(&ctx.stack))
                .with_prop("minSize", w.min_size().unwrap_or_default())
        }))
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

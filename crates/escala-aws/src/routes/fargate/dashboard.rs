//! The service as the dashboard and manual scaling see it: its task counts and bounds (ECS's and
//! its scalable target's), the address its load balancer answers on, and the series its charts
//! draw: the service's CPU and memory, the tasks serving (the target group's healthy targets),
//! the load balancer's requests and response time, and Redis's connections. Without Container
//! Insights (a paid option Escala doesn't turn on) CloudWatch has no task count of its own, so the
//! running count comes from ECS in the side panel, and the chart counts the tasks that serve.

use async_trait::async_trait;
use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace};
use escala_charts::{Marker, MarkerKind, Unit};
use escala_core::routes::fargate::FargateSpec;
use escala_core::routes::Section;
use escala_core::spec::Spec;
use escala_core::task::{Found, TaskError};

use super::ids::{cluster_name, redis_name, service_resource_id, SERVICE_NAME};
use crate::context::AwsContext;
use crate::metrics::{arn_dimension, Metric, Panel};
use crate::route::{GroupState, Load, Scaling};
use crate::routes::balancer::load_balancer;
use crate::sdk::{api_error, SdkResultExt};
use crate::AwsError;

/// The series ids, as the SVG names them (`series-<id>`).
pub mod ids {
    pub const CPU: &str = "cpu";
    pub const MEMORY: &str = "memory";
    pub const SERVING: &str = "serving";
    pub const REQUESTS: &str = "requests";
    pub const RESPONSE_TIME: &str = "response-time";
    pub const REDIS_CONNECTIONS: &str = "redis-connections";
}

#[derive(Debug)]
pub struct ServiceScaling;

#[async_trait]
impl Scaling for ServiceScaling {
    fn load(&self, _spec: &Spec) -> Load {
        Load::Messages
    }

    fn bounds(&self, spec: &Spec) -> Option<(u32, u32)> {
        let f = spec.route.as_ref().and_then(FargateSpec::of)?;
        Some((f.tasks.min, f.tasks.max))
    }

    /// The service's counts, within its scalable target's bounds (what schedules last set).
    async fn state(&self, ctx: &AwsContext, _spec: &Spec) -> Result<Option<GroupState>, TaskError> {
        let cluster = cluster_name(&ctx.stack);
        let (services, targets, lb) = tokio::join!(
            ctx.ecs
                .describe_services()
                .cluster(&cluster)
                .services(SERVICE_NAME)
                .send(),
            ctx.aas
                .describe_scalable_targets()
                .service_namespace(ServiceNamespace::Ecs)
                .resource_ids(service_resource_id(&ctx.stack))
                .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
                .send(),
            load_balancer::find(ctx),
        );
        let services = match services.task() {
            Err(e) if e.code == "ClusterNotFoundException" => return Ok(None),
            other => other?,
        };
        let Some(s) = services
            .services()
            .iter()
            .find(|s| s.status() == Some("ACTIVE"))
        else {
            return Ok(None);
        };
        let target = targets.task()?;
        let bounds = target.scalable_targets().first();
        Ok(Some(GroupState {
            min: bounds.map_or(0, |t| t.min_capacity()) as u32,
            desired: s.desired_count() as u32,
            max: bounds.map_or(s.desired_count(), |t| t.max_capacity()) as u32,
            in_service: s.running_count() as u32,
            dns_name: lb?.map(|lb| lb.outputs.dns_name).filter(|d| !d.is_empty()),
            url: None,
        }))
    }

    /// UpdateService: Application Auto Scaling lets a count set by hand stand within its bounds,
    /// until its policy or a schedule changes it.
    async fn set_desired(
        &self,
        ctx: &AwsContext,
        _spec: &Spec,
        desired: u32,
    ) -> Result<(), AwsError> {
        ctx.ecs
            .update_service()
            .cluster(cluster_name(&ctx.stack))
            .service(SERVICE_NAME)
            .desired_count(desired as i32)
            .send()
            .await
            .map_err(|e| api_error("ecs:UpdateService", e))?;
        Ok(())
    }

    /// Application Auto Scaling's activities for the service: a scale-out when its high alarm
    /// caused it, a scale-in when its low alarm did.
    async fn markers(
        &self,
        ctx: &AwsContext,
        _spec: &Spec,
        from: i64,
        to: i64,
    ) -> Result<Vec<Marker>, AwsError> {
        let out = ctx
            .aas
            .describe_scaling_activities()
            .service_namespace(ServiceNamespace::Ecs)
            .resource_id(service_resource_id(&ctx.stack))
            .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
            .send()
            .await
            .map_err(|e| api_error("application-autoscaling:DescribeScalingActivities", e))?;
        Ok(out
            .scaling_activities()
            .iter()
            .filter_map(|a| {
                let t = a.start_time().secs();
                let kind = if a.cause().contains("AlarmHigh") {
                    MarkerKind::ScaleOut
                } else if a.cause().contains("AlarmLow") {
                    MarkerKind::ScaleIn
                } else {
                    MarkerKind::Other
                };
                (from..to).contains(&t).then(|| Marker {
                    t,
                    label: a.description().chars().take(40).collect(),
                    kind,
                })
            })
            .collect())
    }

    /// CPU and memory, then the tasks serving, then the load balancer, then Redis.
    fn panels(&self, ctx: &AwsContext, _spec: &Spec, found: &[Found]) -> Vec<Panel> {
        let arn = |kind: &str| {
            found
                .iter()
                .find(|f| f.kind == kind)
                .map(|f| f.physical_id.as_str())
        };
        let service = vec![
            ("ClusterName", cluster_name(&ctx.stack)),
            ("ServiceName", SERVICE_NAME.to_string()),
        ];
        let lb = arn("LoadBalancer").and_then(|a| arn_dimension(a, ":loadbalancer/"));
        let tg = arn("TargetGroup").and_then(|a| arn_dimension(a, ":targetgroup/"));
        let redis = arn("ReplicationGroup")
            .map(|_| vec![("CacheClusterId", format!("{}-001", redis_name(&ctx.stack)))]);
        let metric = |id, label, unit, namespace, name, dimensions, stat| Metric {
            id,
            label,
            unit,
            namespace,
            name,
            dimensions,
            stat,
        };
        let mut panels = vec![
            Panel {
                title: "CPU and memory",
                series: vec![
                    metric(
                        ids::CPU,
                        "Average CPU",
                        Unit::Percent,
                        "AWS/ECS",
                        "CPUUtilization",
                        Some(service.clone()),
                        "Average",
                    ),
                    metric(
                        ids::MEMORY,
                        "Average memory",
                        Unit::Percent,
                        "AWS/ECS",
                        "MemoryUtilization",
                        Some(service),
                        "Average",
                    ),
                ],
            },
            Panel {
                title: "Tasks",
                series: vec![metric(
                    ids::SERVING,
                    "Tasks serving",
                    Unit::Count,
                    "AWS/ApplicationELB",
                    "HealthyHostCount",
                    lb.clone().zip(tg).map(|(lb, tg)| {
                        vec![
                            ("TargetGroup", format!("targetgroup/{tg}")),
                            ("LoadBalancer", lb),
                        ]
                    }),
                    "Average",
                )],
            },
            Panel {
                title: "Load balancer",
                series: vec![
                    metric(
                        ids::REQUESTS,
                        "Requests",
                        Unit::Requests,
                        "AWS/ApplicationELB",
                        "RequestCount",
                        lb.clone().map(|lb| vec![("LoadBalancer", lb)]),
                        "Sum",
                    ),
                    metric(
                        ids::RESPONSE_TIME,
                        "Response time",
                        Unit::Seconds,
                        "AWS/ApplicationELB",
                        "TargetResponseTime",
                        lb.map(|lb| vec![("LoadBalancer", lb)]),
                        "Average",
                    ),
                ],
            },
        ];
        if redis.is_some() {
            panels.push(Panel {
                title: "Redis",
                series: vec![metric(
                    ids::REDIS_CONNECTIONS,
                    "Connections",
                    Unit::Count,
                    "AWS/ElastiCache",
                    "CurrConnections",
                    redis,
                    "Average",
                )],
            });
        }
        panels
    }
}

//! The group as the dashboard and manual scaling see it: its size, the address its load balancer
//! answers on, and the series its charts draw (the group's average CPU, desired and in-service
//! capacity, the load balancer's requests and healthy hosts).

use async_trait::async_trait;
use escala_charts::{Marker, MarkerKind, Unit};
use escala_core::routes::asg::AsgSpec;
use escala_core::routes::Section;
use escala_core::spec::Spec;
use escala_core::task::{Found, TaskError};

use super::lookup::{self, group_name};
use crate::context::AwsContext;
use crate::metrics::{arn_dimension, Metric, Panel};
use crate::route::{GroupState, Scaling};
use crate::routes::balancer::load_balancer;
use crate::sdk::api_error;
use crate::AwsError;

/// The series ids, as the SVG names them (`series-<id>`).
pub mod ids {
    pub const CPU: &str = "cpu";
    pub const DESIRED: &str = "desired";
    pub const IN_SERVICE: &str = "in-service";
    pub const REQUESTS: &str = "requests";
    pub const HEALTHY_HOSTS: &str = "healthy-hosts";
}

#[derive(Debug)]
pub struct GroupScaling;

#[async_trait]
impl Scaling for GroupScaling {
    fn bounds(&self, spec: &Spec) -> Option<(u32, u32)> {
        let asg = spec.route.as_ref().and_then(AsgSpec::of)?;
        Some((asg.capacity.min, asg.capacity.max))
    }

    async fn state(&self, ctx: &AwsContext, _spec: &Spec) -> Result<Option<GroupState>, TaskError> {
        let (group, lb) = tokio::join!(lookup::group(ctx), load_balancer::find(ctx));
        let Some(g) = group? else {
            return Ok(None);
        };
        Ok(Some(GroupState {
            min: g.min_size().unwrap_or_default() as u32,
            desired: g.desired_capacity().unwrap_or_default() as u32,
            max: g.max_size().unwrap_or_default() as u32,
            in_service: lookup::in_service(&g),
            dns_name: lb?.map(|lb| lb.outputs.dns_name).filter(|d| !d.is_empty()),
            url: None,
        }))
    }

    async fn set_desired(
        &self,
        ctx: &AwsContext,
        _spec: &Spec,
        desired: u32,
    ) -> Result<(), AwsError> {
        ctx.autoscaling
            .set_desired_capacity()
            .auto_scaling_group_name(group_name(&ctx.stack))
            .desired_capacity(desired as i32)
            .honor_cooldown(false)
            .send()
            .await
            .map_err(|e| api_error("autoscaling:SetDesiredCapacity", e))?;
        Ok(())
    }

    /// The group's scaling activities in the window: launches and terminations, and refreshes.
    async fn markers(
        &self,
        ctx: &AwsContext,
        _spec: &Spec,
        from: i64,
        to: i64,
    ) -> Result<Vec<Marker>, AwsError> {
        let out = ctx
            .autoscaling
            .describe_scaling_activities()
            .auto_scaling_group_name(group_name(&ctx.stack))
            .max_records(100)
            .send()
            .await
            .map_err(|e| api_error("autoscaling:DescribeScalingActivities", e))?;
        Ok(out
            .activities()
            .iter()
            .filter_map(|a| {
                let t = a.start_time()?.secs();
                let text = a.description().unwrap_or_default();
                let kind = if text.starts_with("Launching") {
                    MarkerKind::ScaleOut
                } else if text.starts_with("Terminating") {
                    MarkerKind::ScaleIn
                } else if text.contains("refresh") {
                    MarkerKind::Refresh
                } else {
                    MarkerKind::Other
                };
                (from..to).contains(&t).then(|| Marker {
                    t,
                    label: text.chars().take(40).collect(),
                    kind,
                })
            })
            .collect())
    }

    /// CPU, then capacity, then the load balancer, all over one time axis. A group without its
    /// load balancer draws the last panel empty.
    fn panels(&self, ctx: &AwsContext, _spec: &Spec, found: &[Found]) -> Vec<Panel> {
        let arn = |kind: &str| {
            found
                .iter()
                .find(|f| f.kind == kind)
                .map(|f| f.physical_id.as_str())
        };
        let group = vec![("AutoScalingGroupName", group_name(&ctx.stack))];
        let lb = arn("LoadBalancer").and_then(|a| arn_dimension(a, ":loadbalancer/"));
        let tg = arn("TargetGroup").and_then(|a| arn_dimension(a, ":targetgroup/"));
        let metric = |id, label, unit, namespace, name, dimensions, stat| Metric {
            id,
            label,
            unit,
            namespace,
            name,
            dimensions,
            stat,
        };
        vec![
            Panel {
                title: "CPU",
                series: vec![metric(
                    ids::CPU,
                    "Average CPU",
                    Unit::Percent,
                    "AWS/EC2",
                    "CPUUtilization",
                    Some(group.clone()),
                    "Average",
                )],
            },
            Panel {
                title: "Capacity",
                series: vec![
                    metric(
                        ids::DESIRED,
                        "Desired",
                        Unit::Count,
                        "AWS/AutoScaling",
                        "GroupDesiredCapacity",
                        Some(group.clone()),
                        "Average",
                    ),
                    metric(
                        ids::IN_SERVICE,
                        "In service",
                        Unit::Count,
                        "AWS/AutoScaling",
                        "GroupInServiceInstances",
                        Some(group),
                        "Average",
                    ),
                ],
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
                        ids::HEALTHY_HOSTS,
                        "Healthy hosts",
                        Unit::Count,
                        "AWS/ApplicationELB",
                        "HealthyHostCount",
                        lb.zip(tg).map(|(lb, tg)| {
                            vec![
                                ("TargetGroup", format!("targetgroup/{tg}")),
                                ("LoadBalancer", lb),
                            ]
                        }),
                        "Average",
                    ),
                ],
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimensions_are_read_off_the_arns() {
        assert_eq!(
            arn_dimension(
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop-alb/50dc6c495c0c9188",
                ":loadbalancer/"
            )
            .as_deref(),
            Some("app/shop-alb/50dc6c495c0c9188")
        );
        assert_eq!(
            arn_dimension(
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-web/73e2d6bc24d8a067",
                ":targetgroup/"
            )
            .as_deref(),
            Some("shop-web/73e2d6bc24d8a067")
        );
    }
}

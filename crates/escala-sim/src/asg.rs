//! The asg route: the Spec's instances, bounds and target tracking policy, with the demo's CPU
//! cost per request, EC2's boot, the load balancer's health checks and the instances' warm-up.

use escala_core::cost::prices::instance_hourly;
use escala_core::routes::asg::{AsgSpec, TrackedMetric};
use escala_core::scaling::work::CPU_PER_REQUEST;
use escala_core::scaling::Service;

use escala_core::routes::{RouteSpec, Section};

use crate::delays::Delays;
use crate::group::{GroupModel, Metric};
use crate::tracking::Tracking;
use crate::SimError;

pub(crate) fn make(
    route: &RouteSpec,
    delays: &Delays,
) -> Option<Result<Box<dyn crate::Model>, SimError>> {
    let asg = AsgSpec::of(route)?;
    Some(model(asg, delays).map(|m| Box::new(m) as Box<dyn crate::Model>))
}

pub fn model(asg: &AsgSpec, delays: &Delays) -> Result<GroupModel, SimError> {
    let size = escala_core::instances::size(&asg.instance_type).ok_or_else(|| {
        SimError::field(
            "route.asg.instanceType",
            format!(
                "{} is not a type the simulator knows the size and price of",
                asg.instance_type
            ),
        )
    })?;
    if asg.scaling.step.is_some() {
        return Err(SimError::field(
            "route.asg.scaling.step",
            "step scaling isn't simulated: use targetTracking to compare routes",
        ));
    }
    let hourly = instance_hourly(&asg.instance_type).unwrap_or(0.0);
    let tracking = asg
        .scaling
        .target_tracking
        .map(|tt| Tracking::new(tt.target, Service::Ec2AutoScaling));
    let metric = match asg.scaling.target_tracking.map(|t| t.metric) {
        Some(TrackedMetric::RequestsPerTarget) => Metric::RequestsPerTarget,
        _ => Metric::Cpu,
    };
    Ok(GroupModel {
        route: "asg",
        min: asg.capacity.min,
        desired: asg.capacity.desired,
        max: asg.capacity.max,
        unit_rps: f64::from(size.vcpus) / CPU_PER_REQUEST.as_secs_f64(),
        start: delays.ec2_boot + delays.target_healthy,
        warmup: delays.instance_warmup,
        period: delays.metric_period,
        metric,
        tracking,
        unit_cost: hourly / 3600.0,
    })
}

//! The asg route: the Spec's instances, bounds and target tracking policy, with the demo's CPU
//! cost per request, EC2's boot, the load balancer's health checks and the instances' warm-up.

use escala_core::cost::prices::instance_hourly;
use escala_core::routes::asg::{AsgSpec, TrackedMetric};
use escala_core::routes::{RouteSpec, Section};
use escala_core::scaling::work::CPU_PER_REQUEST;
use escala_core::scaling::Service;

use crate::delays::Delays;
use crate::group::{GroupModel, Metric};
use crate::model::{Made, Model, SimRoute};
use crate::schedule::{self, Sets};
use crate::setting::{Setting, Sized};
use crate::step::StepPolicy;
use crate::trace::Trace;
use crate::tracking::Tracking;
use crate::warm::Warm;
use crate::SimError;

pub(crate) const ROUTE: SimRoute = SimRoute {
    name: "asg",
    make,
    set,
};

fn set(route: &mut RouteSpec, setting: Setting, value: f64) -> Result<(), SimError> {
    let RouteSpec::Asg(asg) = route else {
        return Err(SimError::NoRoute("asg".into()));
    };
    let c = &mut asg.capacity;
    Sized {
        route: "asg",
        sizes: "capacity",
        target: asg.scaling.target_tracking.as_mut().map(|t| &mut t.target),
        min: &mut c.min,
        desired: &mut c.desired,
        max: &mut c.max,
    }
    .set(setting, value)
}

fn make(route: &RouteSpec, delays: &Delays, trace: &Trace) -> Made {
    let asg = AsgSpec::of(route)?;
    Some(model(asg, delays, trace).map(|m| Box::new(m) as Box<dyn Model>))
}

pub fn model(asg: &AsgSpec, delays: &Delays, trace: &Trace) -> Result<GroupModel, SimError> {
    let size = escala_core::instances::size(&asg.instance_type).ok_or_else(|| {
        SimError::field(
            "route.asg.instanceType",
            format!(
                "{} is not a type the simulator knows the size and price of",
                asg.instance_type
            ),
        )
    })?;
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
        step: asg
            .scaling
            .step
            .map(|s| StepPolicy::new(s.cpu_above, s.add, s.minutes)),
        warm: asg.scaling.warm_pool.map(|w| {
            let (desired, max) = (asg.capacity.desired, asg.capacity.max);
            let warm = Warm::new(w.min_size, delays.ec2_boot, desired, max);
            (warm, delays.warm_start + delays.target_healthy)
        }),
        unit_cost: hourly / 3600.0,
        firings: firings(asg, trace)?,
    })
}

/// Each scheduled action sets the group's min, desired and max.
fn firings(asg: &AsgSpec, trace: &Trace) -> Result<Vec<(u64, Sets)>, SimError> {
    let mut all = Vec::new();
    for (i, a) in asg.scaling.scheduled.iter().enumerate() {
        let sets = (
            Some(a.capacity.min),
            Some(a.capacity.desired),
            Some(a.capacity.max),
        );
        all.extend(schedule::firings(
            &format!("route.asg.scaling.scheduled[{i}].cron"),
            &a.cron,
            sets,
            trace.start,
            trace.seconds(),
        )?);
    }
    all.sort_by_key(|(t, _)| *t);
    Ok(all)
}

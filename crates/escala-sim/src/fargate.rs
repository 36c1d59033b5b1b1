//! The fargate route: the Spec's task size, bounds and Application Auto Scaling policy with its
//! cooldowns, each task serving what its share of vCPU serves of the demo's requests.

use escala_core::cost::prices::{fargate_hourly, FARGATE_SPOT_DISCOUNT};
use escala_core::routes::fargate::{FargateSpec, Platform, ServiceMetric};
use escala_core::routes::{RouteSpec, Section};
use escala_core::scaling::work::CPU_PER_REQUEST;
use escala_core::scaling::Service;

use crate::delays::Delays;
use crate::group::{GroupModel, Metric};
use crate::model::{Made, Model, SimRoute};
use crate::schedule;
use crate::setting::{Setting, Sized};
use crate::trace::Trace;
use crate::tracking::Tracking;
use crate::SimError;

pub(crate) const ROUTE: SimRoute = SimRoute {
    name: "fargate",
    make,
    set,
};

fn set(route: &mut RouteSpec, setting: Setting, value: f64) -> Result<(), SimError> {
    let RouteSpec::Fargate(f) = route else {
        return Err(SimError::NoRoute("fargate".into()));
    };
    let t = &mut f.tasks;
    Sized {
        route: "fargate",
        sizes: "tasks",
        target: f.scaling.target_tracking.as_mut().map(|t| &mut t.target),
        min: &mut t.min,
        desired: &mut t.desired,
        max: &mut t.max,
    }
    .set(setting, value)
}

fn make(route: &RouteSpec, delays: &Delays, trace: &Trace) -> Made {
    let f = FargateSpec::of(route)?;
    Some(model(f, delays, trace).map(|m| Box::new(m) as Box<dyn Model>))
}

pub fn model(f: &FargateSpec, delays: &Delays, trace: &Trace) -> Result<GroupModel, SimError> {
    let vcpus = f64::from(f.cpu) / 1024.0;
    let (per_vcpu, per_gb) = fargate_hourly(f.platform == Platform::LinuxArm64);
    let hourly = vcpus * per_vcpu + f64::from(f.memory) / 1024.0 * per_gb;
    // The Spot share of the desired count, at its discount, as the plan prices it.
    let spot = f64::from(f.capacity_providers.spot_tasks(f.tasks.desired))
        / f64::from(f.tasks.desired.max(1));
    let hourly = hourly * (1.0 - spot * FARGATE_SPOT_DISCOUNT);
    let tracking = f.scaling.target_tracking.as_ref().map(|tt| {
        let mut t = Tracking::new(tt.target, Service::ApplicationAutoScaling);
        t.cooldowns = Some((tt.scale_out_cooldown_seconds, tt.scale_in_cooldown_seconds));
        t
    });
    let metric = match f.scaling.target_tracking.as_ref().map(|t| t.metric) {
        Some(ServiceMetric::RequestsPerTarget) => Metric::RequestsPerTarget,
        _ => Metric::Cpu,
    };
    // Application Auto Scaling's scheduled actions set the scalable target's min and max; the
    // service's count is then brought within them.
    let mut firings = Vec::new();
    for (i, a) in f.scaling.scheduled.iter().enumerate() {
        let sets = (Some(a.tasks.min), None, Some(a.tasks.max));
        firings.extend(schedule::firings(
            &format!("route.fargate.scaling.scheduled[{i}].cron"),
            &a.cron,
            sets,
            trace.start,
            trace.seconds(),
        )?);
    }
    firings.sort_by_key(|(t, _)| *t);
    Ok(GroupModel {
        route: "fargate",
        min: f.tasks.min,
        desired: f.tasks.desired,
        max: f.tasks.max,
        unit_rps: vcpus / CPU_PER_REQUEST.as_secs_f64(),
        start: delays.fargate_task_start + delays.target_healthy,
        // Application Auto Scaling has no warm-up: its scale-out cooldown plays that part.
        warmup: 0,
        period: delays.metric_period,
        metric,
        tracking,
        step: None,
        warm: None,
        unit_cost: hourly / 3600.0,
        firings,
    })
}

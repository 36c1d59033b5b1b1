//! What-if: the routes on one demand trace, side by side. Pure and deterministic: no AWS, no
//! clock, the same input giving the same output bit for bit. Each route runs the scaling
//! algorithms the sandbox's runtime runs (`escala_core::scaling`: CloudWatch's alarms, target
//! tracking, the HPA, cluster-autoscaler), with the delays between a decision and its capacity
//! as named parameters ([`Delays`]), a second at a time:
//! - [`asg`] and [`fargate`]: a group behind a load balancer, sized by target tracking
//!   ([`group`], [`tracking`]);
//! - [`kube`]: the demo's pods under the HPA on cluster-autoscaler's nodes.
//!
//! Demand is a [`Trace`] (a built-in [`shapes::Shape`], or a CSV); each request costs the demo
//! workload's CPU (`escala_core::scaling::work`), so a unit serves what its vCPUs serve. Each
//! route yields an [`Outcome`]: its timeline and the figures to compare it by.

pub mod asg;
pub mod delays;
mod error;
pub mod fargate;
pub mod group;
pub mod kube;
pub mod outcome;
pub mod pool;
pub mod shapes;
pub mod trace;
pub mod tracking;

use escala_core::routes::RouteSpec;

pub use delays::Delays;
pub use error::SimError;
pub use outcome::{Outcome, Sample, Summary};
pub use trace::Trace;

/// A route's model, ready to run on a trace.
pub trait Model: std::fmt::Debug {
    fn run(self: Box<Self>, trace: &Trace, every: u64) -> Outcome;
}

/// How a route's model is made from its Spec section: `None` when `spec` is another route's.
type Make = fn(&RouteSpec, &Delays) -> Option<Result<Box<dyn Model>, SimError>>;

/// The routes the simulator runs, in the order it shows them: each route's module plugs in here.
pub const ROUTES: [(&str, Make); 3] = [
    ("asg", asg::make),
    ("fargate", fargate::make),
    ("kubernetes", kube::make),
];

/// Runs `routes` (named as [`ROUTES`] names them) on `trace`, each configured by the one of
/// `specs` whose route it is, with a timeline point every `every` seconds.
pub fn simulate(
    specs: &[&RouteSpec],
    routes: &[&str],
    trace: &Trace,
    delays: &Delays,
    every: u64,
) -> Result<Vec<Outcome>, SimError> {
    check(delays)?;
    let mut models = Vec::with_capacity(routes.len());
    for &route in routes {
        let (_, make) = ROUTES
            .iter()
            .find(|(name, _)| *name == route)
            .ok_or_else(|| {
                let names: Vec<&str> = ROUTES.iter().map(|(n, _)| *n).collect();
                SimError::field(
                    "routes",
                    format!("`{route}` is not a route: use {}", names.join(", ")),
                )
            })?;
        let model = specs
            .iter()
            .find_map(|spec| make(spec, delays))
            .ok_or_else(|| SimError::NoRoute(route.into()))??;
        models.push(model);
    }
    Ok(models.into_iter().map(|m| m.run(trace, every)).collect())
}

fn check(d: &Delays) -> Result<(), SimError> {
    for (field, value) in [
        ("delays.metricPeriod", d.metric_period),
        ("delays.hpaSync", d.hpa_sync),
        ("delays.caScan", d.ca_scan),
    ] {
        if value == 0 {
            return Err(SimError::field(field, "a period of 0 s never ends"));
        }
    }
    Ok(())
}

//! The routes the simulator runs, and running them on a trace.

use escala_core::routes::RouteSpec;

use crate::delays::Delays;
use crate::model::SimRoute;
use crate::outcome::Outcome;
use crate::trace::Trace;
use crate::{asg, fargate, kube, SimError};

/// The routes the simulator runs, in the order it shows them: each route's module plugs in here.
pub const ROUTES: [SimRoute; 3] = [asg::ROUTE, fargate::ROUTE, kube::ROUTE];

/// The route named `name`.
pub fn route(name: &str) -> Result<&'static SimRoute, SimError> {
    ROUTES.iter().find(|r| r.name == name).ok_or_else(|| {
        let names: Vec<&str> = ROUTES.iter().map(|r| r.name).collect();
        SimError::field(
            "routes",
            format!("`{name}` is not a route: use {}", names.join(", ")),
        )
    })
}

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
    for &name in routes {
        let r = route(name)?;
        let model = specs
            .iter()
            .find_map(|spec| (r.make)(spec, delays, trace))
            .ok_or_else(|| SimError::NoRoute(name.into()))??;
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

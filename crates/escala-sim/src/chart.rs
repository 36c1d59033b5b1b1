//! The comparison as charts (escala-charts' model): a panel per route on one time axis, each with
//! the demand, what was served, and the capacity serving it.

use escala_charts::{Dashboard, Panel, Point, Series, Theme, Unit};

use crate::outcome::Outcome;
use crate::trace::Trace;

pub fn dashboard(title: &str, trace: &Trace, outcomes: &[Outcome]) -> Dashboard {
    let from = trace.start.as_second();
    let series = |id: String, label: &str, unit, o: &Outcome, value: fn(&crate::Sample) -> f64| {
        let points = o
            .timeline
            .iter()
            .map(|p| Point {
                t: from + p.t as i64,
                v: value(p),
            })
            .collect();
        Series::new(&id, label, unit, points)
    };
    Dashboard {
        title: title.to_string(),
        from,
        to: from + trace.seconds() as i64,
        panels: outcomes
            .iter()
            .map(|o| Panel {
                title: o.route.clone(),
                series: vec![
                    series(
                        format!("{}-demand", o.route),
                        "Demand (requests/s)",
                        Unit::Requests,
                        o,
                        |p| p.demand,
                    ),
                    series(
                        format!("{}-served", o.route),
                        "Served (requests/s)",
                        Unit::Requests,
                        o,
                        |p| p.served / p.span.max(1) as f64,
                    ),
                    series(
                        format!("{}-capacity", o.route),
                        "Serving units",
                        Unit::Count,
                        o,
                        |p| p.capacity,
                    ),
                ],
            })
            .collect(),
        markers: Vec::new(),
        theme: Theme::Light,
    }
}

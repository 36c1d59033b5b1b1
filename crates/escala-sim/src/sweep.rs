//! A sweep: one route run over a grid of one or two of its settings, each point's cost against
//! its requests lost, and the frontier of the points no other beats on both.

use escala_core::routes::RouteSpec;
use serde::Serialize;

use crate::delays::Delays;
use crate::registry::simulate;
use crate::setting::Setting;
use crate::trace::Trace;
use crate::SimError;

/// The most points a sweep runs.
pub const MAX_POINTS: usize = 2_500;

/// One setting's values: `from..to:step`, both ends included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axis {
    pub setting: Setting,
    pub from: f64,
    pub to: f64,
    pub step: f64,
}

impl Axis {
    /// `target=40..90:5`: refused by name when the setting isn't one, the range is empty or
    /// its step is 0.
    pub fn parse(text: &str) -> Result<Self, SimError> {
        let bad = |reason: String| SimError::field("sweep", format!("`{text}`: {reason}"));
        let (name, range) = text
            .split_once('=')
            .ok_or_else(|| bad("expected setting=from..to:step".into()))?;
        let setting = match name.trim() {
            "target" => Setting::Target,
            "min" => Setting::Min,
            "max" => Setting::Max,
            other => {
                return Err(bad(format!(
                    "`{other}` is not a setting a sweep varies: use target, min or max"
                )))
            }
        };
        let (span, step) = range.split_once(':').unwrap_or((range, "1"));
        let (from, to) = span
            .split_once("..")
            .ok_or_else(|| bad("expected from..to".into()))?;
        let number = |s: &str| {
            s.trim()
                .parse::<f64>()
                .map_err(|_| bad(format!("`{}` is not a number", s.trim())))
        };
        let (from, to, step) = (number(from)?, number(to)?, number(step)?);
        if step <= 0.0 {
            return Err(bad(
                "the step is 0 or less: the sweep would never move".into()
            ));
        }
        if from > to {
            return Err(bad(format!(
                "the range {from}..{to} is empty: its start is past its end"
            )));
        }
        Ok(Self {
            setting,
            from,
            to,
            step,
        })
    }

    pub fn values(&self) -> Vec<f64> {
        let n = ((self.to - self.from) / self.step + 1e-9).floor() as usize + 1;
        (0..n).map(|i| self.from + i as f64 * self.step).collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Point {
    /// The settings' values, in the axes' order.
    pub values: Vec<f64>,
    pub cost: f64,
    pub lost_percent: f64,
    /// No other point costs less and loses fewer requests (or as few, for less).
    pub frontier: bool,
}

/// Runs `route` (configured by `spec`) at every combination of the axes' values, each changed
/// in the Spec section by the route's own setter.
pub fn sweep(
    spec: &RouteSpec,
    route: &str,
    axes: &[Axis],
    trace: &Trace,
    delays: &Delays,
) -> Result<Vec<Point>, SimError> {
    let set = crate::registry::route(route)?.set;
    if axes.is_empty() || axes.len() > 2 {
        return Err(SimError::field(
            "sweep",
            "a sweep varies one or two settings",
        ));
    }
    let grids: Vec<Vec<f64>> = axes.iter().map(Axis::values).collect();
    let total: usize = grids.iter().map(Vec::len).product();
    if total > MAX_POINTS {
        return Err(SimError::field(
            "sweep",
            format!("{total} points; at most {MAX_POINTS} are run: widen the steps"),
        ));
    }
    let combos: Vec<Vec<f64>> = (0..total)
        .map(|i| {
            let mut values = Vec::with_capacity(axes.len());
            let mut rest = i;
            for grid in grids.iter().rev() {
                values.push(grid[rest % grid.len()]);
                rest /= grid.len();
            }
            values.reverse();
            values
        })
        .collect();
    let point = |values: &Vec<f64>| -> Result<Point, SimError> {
        let mut varied = spec.clone();
        for (axis, value) in axes.iter().zip(values) {
            set(&mut varied, axis.setting, *value)?;
        }
        // The largest sample keeps the timeline small: a sweep reads only the summary.
        let out = simulate(&[&varied], &[route], trace, delays, trace.seconds().max(1))?;
        let s = &out[0].summary;
        Ok(Point {
            values: values.clone(),
            cost: s.cost,
            lost_percent: s.lost_percent,
            frontier: false,
        })
    };
    // The points are independent: they run on every core, each chunk in order, so the result is
    // the same whatever the core count.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = combos.len().div_ceil(cores).max(1);
    let mut points = Vec::with_capacity(total);
    std::thread::scope(|scope| {
        let runs: Vec<_> = combos
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(point).collect::<Result<Vec<_>, _>>()))
            .collect();
        for run in runs {
            points.push(run.join().expect("a sweep's run doesn't panic"));
        }
    });
    let mut points: Vec<Point> = points
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    mark_frontier(&mut points);
    Ok(points)
}

/// Marks the points that no other point dominates (costs no more and loses no more, and is
/// better on one).
fn mark_frontier(points: &mut [Point]) {
    let dominated: Vec<bool> = points
        .iter()
        .map(|p| {
            points.iter().any(|q| {
                q.cost <= p.cost
                    && q.lost_percent <= p.lost_percent
                    && (q.cost < p.cost || q.lost_percent < p.lost_percent)
            })
        })
        .collect();
    for (p, d) in points.iter_mut().zip(dominated) {
        p.frontier = !d;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_read_their_range_and_refuse_empty_ones_and_zero_steps() {
        let a = Axis::parse("target=40..90:5").unwrap();
        assert_eq!(a.setting, Setting::Target);
        assert_eq!(a.values().len(), 11);
        assert_eq!(
            Axis::parse("min=1..6").unwrap().values(),
            [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
        );
        let e = |s: &str| Axis::parse(s).unwrap_err().to_string();
        assert_eq!(
            e("target=90..40:5"),
            "sweep: `target=90..40:5`: the range 90..40 is empty: its start is past its end"
        );
        assert_eq!(
            e("target=40..90:0"),
            "sweep: `target=40..90:0`: the step is 0 or less: the sweep would never move"
        );
        assert_eq!(
            e("speed=1..2"),
            "sweep: `speed=1..2`: `speed` is not a setting a sweep varies: use target, min or max"
        );
        assert_eq!(
            e("target"),
            "sweep: `target`: expected setting=from..to:step"
        );
    }

    #[test]
    fn the_frontier_keeps_only_the_undominated() {
        let p = |cost, lost| Point {
            values: vec![],
            cost,
            lost_percent: lost,
            frontier: false,
        };
        let mut points = vec![
            p(1.0, 10.0),
            p(2.0, 5.0),
            p(2.0, 8.0),
            p(3.0, 5.0),
            p(4.0, 0.0),
        ];
        mark_frontier(&mut points);
        let frontier: Vec<bool> = points.iter().map(|p| p.frontier).collect();
        assert_eq!(frontier, [true, true, false, false, true]);
    }
}

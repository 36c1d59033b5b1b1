//! The Compare screen: the routes on one demand shape, side by side, from `escala-sim` with the
//! seeds' Specs; the charts drawn by Rust like the dashboard's, themed like the window. A target
//! given is set on every route's policy, so a user sees at once what one setting does to each.

use escala_charts::{Size, Theme};
use escala_core::spec::Spec;
use escala_sim::setting::Setting;
use escala_sim::shapes::Shape;
use escala_sim::{route, simulate, Delays, SEEDS};

use crate::error::AppError;
use crate::views::{CompareRow, CompareView};

/// A timeline point a minute.
const EVERY: u64 = 60;

fn invalid(e: escala_sim::SimError) -> AppError {
    AppError::Invalid(e.to_string())
}

pub fn compare(
    trace: &str,
    routes: &[String],
    target: Option<f64>,
    dark: bool,
    width: u32,
) -> Result<CompareView, AppError> {
    if target.is_some_and(|t| !(1.0..=100.0).contains(&t)) {
        return Err(AppError::Invalid(
            "the target is the CPU the policies keep, a percentage from 1 to 100".into(),
        ));
    }
    let trace = Shape::parse(trace)
        .and_then(|s| s.trace())
        .map_err(invalid)?;
    let mut specs: Vec<Spec> = SEEDS
        .iter()
        .map(|y| Spec::from_yaml(y).map_err(|e| AppError::Invalid(e.to_string())))
        .collect::<Result<_, _>>()?;
    if let Some(target) = target {
        for spec in &mut specs {
            let Some(section) = spec.route.as_mut() else {
                continue;
            };
            (route(section.name()).map_err(invalid)?.set)(section, Setting::Target, target)
                .map_err(invalid)?;
        }
    }
    let sections: Vec<_> = specs.iter().filter_map(|s| s.route.as_ref()).collect();
    let names: Vec<&str> = routes.iter().map(String::as_str).collect();
    let outcomes =
        simulate(&sections, &names, &trace, &Delays::default(), EVERY).map_err(invalid)?;
    let mut charts = escala_sim::chart::dashboard("", &trace, &outcomes);
    charts.theme = if dark { Theme::Dark } else { Theme::Light };
    let size = Size {
        width: width.clamp(480, 2400),
        height: 200 * outcomes.len().max(1) as u32 + 80,
    };
    let svg = escala_charts::render_svg(&charts, size)
        .map_err(|e| AppError::Invalid(format!("drawing the charts: {e}")))?;
    let rows = outcomes
        .iter()
        .map(|o| CompareRow {
            route: o.route.clone(),
            peak: o.summary.peak_capacity,
            lost_percent: o.summary.lost_percent,
            time_to_scale_out: o.summary.time_to_scale_out.map(|s| s as u32),
            time_to_scale_in: o.summary.time_to_scale_in.map(|s| s as u32),
            idle_unit_hours: o.summary.overprovisioned_unit_hours,
            cost: o.summary.cost,
        })
        .collect();
    Ok(CompareView { svg, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeds_compare_and_a_target_moves_them_all() {
        let routes: Vec<String> = ["asg", "fargate", "kubernetes"].map(String::from).into();
        let at = |target| compare("flash-crowd", &routes, target, false, 960).unwrap();
        let seed = at(None);
        assert_eq!(seed.rows.len(), 3);
        assert!(seed.svg.contains("series-asg-capacity"));
        let low = at(Some(40.0));
        for (a, b) in seed.rows.iter().zip(&low.rows) {
            assert!(
                b.cost >= a.cost,
                "{}: a lower target costs no less",
                a.route
            );
        }
        let e = compare("tsunami", &routes, None, false, 960).unwrap_err();
        assert!(e.to_string().contains("not a shape"), "{e}");
        let e = compare("step", &routes, Some(0.0), false, 960).unwrap_err();
        assert!(e.to_string().contains("from 1 to 100"), "{e}");
    }
}

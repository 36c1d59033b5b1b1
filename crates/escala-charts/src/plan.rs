//! Everything decided before drawing: the dashboard checked, each panel's axes and each series'
//! colour and axis, and where every band of the picture goes.

use std::collections::HashSet;

use crate::axis::ValueAxis;
use crate::error::ChartError;
use crate::model::{Dashboard, Marker, Size, Unit};

// Heights and widths in CSS pixels.
pub(crate) const HEADER: i32 = 36;
/// Marker flags stack in rows, so close markers can still both show their labels.
pub(crate) const FLAG_ROW: i32 = 16;
pub(crate) const FLAG_ROWS: usize = 2;
const FLAGS: i32 = FLAG_ROWS as i32 * FLAG_ROW + 4;
/// A panel's title and legend, above its plot.
pub(crate) const CAPTION: i32 = 24;
pub(crate) const GAP: i32 = 10;
pub(crate) const X_LABELS: i32 = 26;
/// Both sides always keep room for an axis, so every panel's plot spans the same columns.
pub(crate) const Y_LABELS: i32 = 64;
pub(crate) const SIDE: i32 = 8;
const MIN_PLOT_WIDTH: i32 = 60;
const MAX_SPAN: i64 = 2 * 366 * 86_400;
const MIN_PLOT_HEIGHT: i32 = 24;

#[derive(Debug)]
pub(crate) struct PanelPlan {
    /// The left axis (the first series' unit), and the right one if a second unit appears.
    pub axes: Vec<ValueAxis>,
    /// Per series: which of `axes` it is drawn against.
    pub axis_of: Vec<usize>,
    /// Per series: its index among all the dashboard's series, which picks its colour.
    pub color_of: Vec<usize>,
    pub empty: bool,
}

#[derive(Debug)]
pub(crate) struct Plan<'a> {
    pub width: i32,
    pub height: i32,
    pub panels: Vec<PanelPlan>,
    /// Markers inside the range with their index in the dashboard, in time order.
    pub markers: Vec<(usize, &'a Marker)>,
    /// Top of the first panel: below the header, and below the flags if there are markers.
    pub panels_top: i32,
    pub panel_height: i32,
}

pub(crate) fn plan(d: &Dashboard, size: Size) -> Result<Plan<'_>, ChartError> {
    // CloudWatch keeps 15 months of data; the bound also keeps pixel arithmetic far from overflow.
    let span = d.to.checked_sub(d.from);
    if span.is_none_or(|s| s <= 0 || s > MAX_SPAN) {
        return Err(ChartError::BadRange {
            from: d.from,
            to: d.to,
        });
    }
    if d.panels.is_empty() {
        return Err(ChartError::NoPanels);
    }
    check_ids(d)?;

    let mut markers: Vec<(usize, &Marker)> = d
        .markers
        .iter()
        .enumerate()
        .filter(|(_, m)| (d.from..=d.to).contains(&m.t))
        .collect();
    markers.sort_by_key(|(_, m)| m.t);

    let panels_top = HEADER + if markers.is_empty() { 0 } else { FLAGS };
    let n = d.panels.len() as i32;
    let min_width = 2 * (SIDE + Y_LABELS) + MIN_PLOT_WIDTH;
    let min_height = panels_top + X_LABELS + n * (CAPTION + MIN_PLOT_HEIGHT + GAP);
    let (width, height) = (size.width as i32, size.height as i32);
    if width < min_width || height < min_height {
        return Err(ChartError::TooSmall {
            width: size.width,
            height: size.height,
            panels: d.panels.len(),
            min_width: min_width as u32,
            min_height: min_height as u32,
        });
    }

    let mut next_color = 0;
    let mut panels = Vec::with_capacity(d.panels.len());
    for panel in &d.panels {
        let mut units = Vec::new();
        let mut axis_of = Vec::new();
        let mut color_of = Vec::new();
        let mut maxima: Vec<Option<f64>> = Vec::new();
        for series in &panel.series {
            let axis = match units.iter().position(|u| *u == series.unit) {
                Some(i) => i,
                None if units.len() < 2 => {
                    units.push(series.unit);
                    maxima.push(None);
                    units.len() - 1
                }
                None => {
                    return Err(ChartError::TooManyUnits {
                        panel: panel.title.clone(),
                    })
                }
            };
            let in_range = series
                .points
                .iter()
                .filter(|p| p.v.is_finite() && (d.from..=d.to).contains(&p.t));
            for p in in_range {
                maxima[axis] = Some(maxima[axis].map_or(p.v, |m: f64| m.max(p.v)));
            }
            axis_of.push(axis);
            color_of.push(next_color);
            next_color += 1;
        }
        let empty = maxima.iter().all(Option::is_none);
        let axes = if units.is_empty() {
            // A panel with no series still gets a frame, over counts from 0 to 1.
            vec![ValueAxis::new(Unit::Count, None)]
        } else {
            units
                .iter()
                .zip(&maxima)
                .map(|(u, m)| ValueAxis::new(*u, *m))
                .collect()
        };
        panels.push(PanelPlan {
            axes,
            axis_of,
            color_of,
            empty,
        });
    }

    Ok(Plan {
        width,
        height,
        panels,
        markers,
        panels_top,
        panel_height: (height - panels_top - X_LABELS) / n,
    })
}

/// Ids end up as SVG element ids and CSS selectors, so they stay plain and unique.
fn check_ids(d: &Dashboard) -> Result<(), ChartError> {
    let mut seen = HashSet::new();
    for series in d.panels.iter().flat_map(|p| &p.series) {
        let id = &series.id;
        let plain = id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if id.is_empty() || !plain {
            return Err(ChartError::BadSeriesId(id.clone()));
        }
        if !seen.insert(id.as_str()) {
            return Err(ChartError::DuplicateSeriesId(id.clone()));
        }
    }
    Ok(())
}

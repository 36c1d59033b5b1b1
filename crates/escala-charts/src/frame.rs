//! The part plotters draws: background, header, and per panel its title, grid, axes and their
//! labels. It reports where each plot landed, so the data drawn over it maps to the same pixels.

use std::ops::Range;

use plotters::coord::combinators::BindKeyPoints;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::axis::ValueAxis;
use crate::error::ChartError;
use crate::model::Dashboard;
use crate::plan::{Plan, CAPTION, GAP, HEADER, SIDE, X_LABELS, Y_LABELS};
use crate::theme::Colors;
use crate::time::{self, Labels};

/// A plot's corners in SVG pixels: `from` maps to `left`, `to` to `right`, an axis' zero to
/// `bottom` and its top to `top` (plotters' own mapping, read back from it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PlotArea {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

impl PlotArea {
    pub(crate) fn x(&self, t: i64, from: i64, to: i64) -> f64 {
        self.left + (t - from) as f64 / (to - from) as f64 * (self.right - self.left)
    }

    pub(crate) fn y(&self, v: f64, axis: &ValueAxis) -> f64 {
        self.bottom - v / axis.top * (self.bottom - self.top)
    }

    pub(crate) fn columns(&self) -> u32 {
        (self.right - self.left).max(1.0) as u32
    }
}

const FONT: &str = "sans-serif";

/// plotters writes a font size as `size / 1.24` (its text sizes are in points), so sizes given in
/// CSS pixels are scaled up first.
fn px(size: f64) -> f64 {
    size * 1.24
}

/// A value axis as a plotters coordinate: linear from zero to its top, ticked where the axis says.
/// (plotters' f64 range with custom ticks has no way to format its labels.)
struct AxisRange {
    top: f64,
    ticks: Vec<f64>,
}

impl AxisRange {
    fn of(axis: &ValueAxis) -> Self {
        Self {
            top: axis.top,
            ticks: axis.ticks.clone(),
        }
    }
}

impl Ranged for AxisRange {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        limit.0 + (v / self.top * f64::from(limit.1 - limit.0)).round() as i32
    }

    /// Ticks are the bold grid lines; there are no light ones.
    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            vec![]
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        0.0..self.top
    }
}

fn draw_err(e: impl std::fmt::Display) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// Writes the frame into `svg` (a whole document, closed) and returns each panel's plot area.
pub(crate) fn draw(
    svg: &mut String,
    d: &Dashboard,
    plan: &Plan<'_>,
    colors: &Colors,
) -> Result<Vec<PlotArea>, ChartError> {
    let root =
        SVGBackend::with_string(svg, (plan.width as u32, plan.height as u32)).into_drawing_area();
    root.fill(&colors.background.plotters()).map_err(draw_err)?;

    let middle = HEADER / 2;
    let title = (FONT, px(15.0))
        .into_font()
        .style(FontStyle::Bold)
        .color(&colors.text.plotters())
        .pos(Pos::new(HPos::Left, VPos::Center));
    root.draw(&Text::new(d.title.as_str(), (SIDE + 4, middle), title))
        .map_err(draw_err)?;
    let range = format!(
        "{} – {} UTC",
        time::date_time(d.from),
        time::date_time(d.to)
    );
    let range_style = (FONT, px(12.0))
        .into_font()
        .color(&colors.muted.plotters())
        .pos(Pos::new(HPos::Right, VPos::Center));
    root.draw(&Text::new(
        range,
        (plan.width - SIDE - 4, middle),
        range_style,
    ))
    .map_err(draw_err)?;

    let ticks = time::ticks(d.from, d.to, (plan.width - 2 * (SIDE + Y_LABELS)) as u32);
    let labels = Labels::for_range(d.from, d.to);
    let last = d.panels.len() - 1;
    let mut areas = Vec::with_capacity(d.panels.len());
    for (i, (panel, pp)) in d.panels.iter().zip(&plan.panels).enumerate() {
        let top = plan.panels_top + i as i32 * plan.panel_height;
        let height = plan.panel_height + if i == last { X_LABELS } else { 0 };
        let area = root
            .clone()
            .shrink((0, top), (plan.width as u32, height as u32));
        let left = &pp.axes[0];
        // Without a second unit the right axis repeats the left one's range, and is not drawn.
        let right = pp.axes.get(1).unwrap_or(left);
        let mut chart = ChartBuilder::on(&area)
            .margin_top(CAPTION)
            .margin_bottom(GAP)
            .margin_left(SIDE)
            .margin_right(SIDE)
            .set_label_area_size(LabelAreaPosition::Left, Y_LABELS)
            .set_label_area_size(LabelAreaPosition::Right, Y_LABELS)
            .set_label_area_size(
                LabelAreaPosition::Bottom,
                if i == last { X_LABELS } else { 0 },
            )
            .build_cartesian_2d(
                (d.from..d.to).with_key_points(ticks.clone()),
                AxisRange::of(left),
            )
            .map_err(draw_err)?
            .set_secondary_coord(
                (d.from..d.to).with_key_points(ticks.clone()),
                AxisRange::of(right),
            );

        let label_style = (FONT, px(11.0)).into_font().color(&colors.muted.plotters());
        let time_label = |t: &i64| labels.format(*t);
        let left_label = |v: &f64| left.label(*v);
        chart
            .configure_mesh()
            .bold_line_style(colors.grid.plotters())
            .axis_style(colors.axis.plotters())
            .label_style(label_style.clone())
            .axis_desc_style(label_style.clone())
            .x_label_formatter(&time_label)
            .y_label_formatter(&left_label)
            .y_desc(left.title())
            .draw()
            .map_err(draw_err)?;
        if pp.axes.len() == 2 {
            let right_label = |v: &f64| right.label(*v);
            chart
                .configure_secondary_axes()
                .axis_style(colors.axis.plotters())
                .label_style(label_style.clone())
                .axis_desc_style(label_style)
                .y_label_formatter(&right_label)
                .y_desc(right.title())
                .draw()
                .map_err(draw_err)?;
        }

        let (x0, y0) = chart.backend_coord(&(d.from, 0.0));
        let (x1, y1) = chart.backend_coord(&(d.to, left.top));
        let plot = PlotArea {
            left: f64::from(x0),
            right: f64::from(x1),
            top: f64::from(y1),
            bottom: f64::from(y0),
        };
        let caption = (FONT, px(13.0))
            .into_font()
            .style(FontStyle::Bold)
            .color(&colors.text.plotters())
            .pos(Pos::new(HPos::Left, VPos::Center));
        root.draw(&Text::new(
            panel.title.as_str(),
            (x0, top + CAPTION / 2),
            caption,
        ))
        .map_err(draw_err)?;
        areas.push(plot);
    }
    root.present().map_err(draw_err)?;
    Ok(areas)
}

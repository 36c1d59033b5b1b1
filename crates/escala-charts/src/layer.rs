//! The data layer, written as SVG by hand over plotters' frame: plotters' SVG backend can't name
//! what it draws, and the UI and the tests need to find each series and marker. The contract:
//!
//! - each panel is `<g id="panel-N" class="panel">`, with its plot area in `data-left`,
//!   `data-top`, `data-right` and `data-bottom` (SVG pixels);
//! - each series is `<g id="series-ID" class="series" data-series="ID">` (with `data-label`,
//!   `data-unit` and `data-axis="left|right"`) inside its panel, holding one `<polyline>` per run
//!   of samples with no missing period: a gap in the data is a gap between two polylines;
//! - each marker in the range is `<g id="marker-N" class="marker">` (N its index in
//!   `Dashboard::markers`; `data-t`, `data-kind`, `data-label`, a `<title>` tooltip) with its
//!   dashed vertical `<path>` through every plot and, where the flag band has room for its label,
//!   a pennant `<path>` and the label's `<text>`;
//! - an empty panel holds `<text class="empty-state">No data in this range</text>`.

use std::fmt::Write as _;

use crate::axis::ValueAxis;
use crate::frame::PlotArea;
use crate::model::{Dashboard, Marker, MarkerKind, Panel, Point, Unit};
use crate::plan::{PanelPlan, Plan, CAPTION, FLAG_ROW, FLAG_ROWS, HEADER};
use crate::reduce::{self, Reduction};
use crate::theme::Colors;
use crate::time;

pub(crate) const EMPTY_STATE: &str = "No data in this range";
const FONT: &str = "sans-serif";
/// No font metrics here: an average glyph is a bit over half the font size wide in sans fonts.
const GLYPH_WIDTH: f64 = 0.6;
const FLAG_FONT_SIZE: f64 = 10.5;
/// From a marker's line to its label: the pennant and a little air.
const PENNANT: f64 = 10.0;

/// Where a marker's flag goes: which way it points (-1 or 1), and its row if it has room.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Flag {
    dir: f64,
    row: Option<usize>,
}

/// Greedy, in time order, from each marker's x and label width: a flag takes the first row where
/// its label clears the previous one in that row, pointing left near the right edge. A marker
/// with no room left has no flag, only its line (its label stays in the line's tooltip).
fn place_flags(spans: impl Iterator<Item = (f64, f64)>, width: f64) -> Vec<Flag> {
    const AIR: f64 = 6.0;
    let mut ends = [f64::MIN; FLAG_ROWS];
    spans
        .map(|(x, text)| {
            let dir = if x + PENNANT + text <= width {
                1.0
            } else {
                -1.0
            };
            let (start, end) = if dir > 0.0 {
                (x, x + PENNANT + text)
            } else {
                (x - PENNANT - text, x)
            };
            let row = ends.iter().position(|e| start >= e + AIR);
            if let Some(r) = row {
                ends[r] = end;
            }
            Flag { dir, row }
        })
        .collect()
}

/// What every part of the layer needs.
struct Layer<'a> {
    svg: &'a mut String,
    d: &'a Dashboard,
    plan: &'a Plan<'a>,
    areas: &'a [PlotArea],
    colors: &'a Colors,
}

pub(crate) fn write(
    svg: &mut String,
    d: &Dashboard,
    plan: &Plan<'_>,
    areas: &[PlotArea],
    colors: &Colors,
    reduction: Reduction,
) {
    let mut layer = Layer {
        svg,
        d,
        plan,
        areas,
        colors,
    };
    layer.clips();
    let spans = plan.markers.iter().map(|(_, m)| {
        let x = areas[0].x(m.t, d.from, d.to);
        (
            x,
            m.label.chars().count() as f64 * FLAG_FONT_SIZE * GLYPH_WIDTH,
        )
    });
    let flags = place_flags(spans, f64::from(plan.width));
    for ((index, marker), flag) in plan.markers.iter().zip(flags) {
        layer.marker(*index, marker, flag);
    }
    for i in 0..d.panels.len() {
        layer.panel(i, reduction);
    }
}

impl Layer<'_> {
    /// Lines at an axis' top or bottom keep their full stroke: each clip is a little larger
    /// than its plot.
    fn clips(&mut self) {
        self.svg.push_str("<defs>");
        for (i, area) in self.areas.iter().enumerate() {
            let _ = write!(
                self.svg,
                r#"<clipPath id="escala-plot-{i}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath>"#,
                Px(area.left - 2.0),
                Px(area.top - 2.0),
                Px(area.right - area.left + 4.0),
                Px(area.bottom - area.top + 4.0)
            );
        }
        self.svg.push_str("</defs>\n");
    }

    fn panel(&mut self, i: usize, reduction: Reduction) {
        // Copies of the shared references, so borrowing from them doesn't hold `self`.
        let (d, plan) = (self.d, self.plan);
        let (panel, pp, area) = (&d.panels[i], &plan.panels[i], self.areas[i]);
        let _ = writeln!(
            self.svg,
            r#"<g id="panel-{i}" class="panel" data-title="{}" data-left="{}" data-top="{}" data-right="{}" data-bottom="{}">"#,
            Escaped(&panel.title),
            Px(area.left),
            Px(area.top),
            Px(area.right),
            Px(area.bottom)
        );
        for (s, series) in panel.series.iter().enumerate() {
            let axis = &pp.axes[pp.axis_of[s]];
            let _ = write!(
                self.svg,
                r#"<g id="series-{id}" class="series" data-series="{id}" data-label="{}" data-unit="{}" data-axis="{}" clip-path="url(#escala-plot-{i})" fill="none" stroke="{}" stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round">"#,
                Escaped(&series.label),
                unit_name(series.unit),
                if pp.axis_of[s] == 0 { "left" } else { "right" },
                self.colors.series(pp.color_of[s]).hex(),
                id = series.id,
            );
            let (from, to) = (d.from, d.to);
            for run in reduce::segments(&series.points, from, to, area.columns(), reduction) {
                self.polyline(&area, axis, &run);
            }
            self.svg.push_str("</g>\n");
        }
        self.legend(panel, pp, &area);
        if pp.empty {
            let _ = writeln!(
                self.svg,
                r#"<text class="empty-state" x="{}" y="{}" text-anchor="middle" font-family="{FONT}" font-size="13" fill="{}" {}>{EMPTY_STATE}</text>"#,
                Px((area.left + area.right) / 2.0),
                Px((area.top + area.bottom) / 2.0 + 4.0),
                self.colors.muted.hex(),
                Halo(self.colors)
            );
        }
        self.svg.push_str("</g>\n");
    }

    fn polyline(&mut self, area: &PlotArea, axis: &ValueAxis, run: &[Point]) {
        let (from, to) = (self.d.from, self.d.to);
        self.svg.push_str(r#"<polyline points=""#);
        for (k, p) in run.iter().enumerate() {
            if k > 0 {
                self.svg.push(' ');
            }
            let (x, y) = (area.x(p.t, from, to), area.y(p.v, axis));
            let _ = write!(self.svg, "{},{}", Px(x), Px(y));
        }
        if let [only] = run {
            // A lone sample is a zero-length line: its round caps draw it as a dot.
            let (x, y) = (area.x(only.t, from, to), area.y(only.v, axis));
            let _ = write!(self.svg, " {},{}", Px(x), Px(y));
        }
        self.svg.push_str("\"/>\n");
    }

    /// Right-aligned in the caption band, so it never covers data.
    fn legend(&mut self, panel: &Panel, pp: &PanelPlan, area: &PlotArea) {
        const SWATCH: f64 = 14.0;
        const FONT_SIZE: f64 = 11.0;
        let entry_width = |label: &str| {
            SWATCH + 4.0 + label.chars().count() as f64 * FONT_SIZE * GLYPH_WIDTH + 12.0
        };
        let total: f64 = panel.series.iter().map(|s| entry_width(&s.label)).sum();
        let y = area.top - f64::from(CAPTION) / 2.0 - 2.0;
        let mut x = area.right - total + 12.0;
        self.svg.push_str(r#"<g class="legend">"#);
        for (s, series) in panel.series.iter().enumerate() {
            let color = self.colors.series(pp.color_of[s]).hex();
            let _ = write!(
                self.svg,
                r#"<g data-legend="{}"><line x1="{}" y1="{y_line}" x2="{}" y2="{y_line}" stroke="{color}" stroke-width="2.5" stroke-linecap="round"/><text x="{}" y="{y_text}" font-family="{FONT}" font-size="{FONT_SIZE}" fill="{}">{}</text></g>"#,
                series.id,
                Px(x),
                Px(x + SWATCH),
                Px(x + SWATCH + 4.0),
                self.colors.text.hex(),
                Escaped(&series.label),
                y_line = Px(y),
                y_text = Px(y + 4.0),
            );
            x += entry_width(&series.label);
        }
        self.svg.push_str("</g>\n");
    }

    /// A dashed line down through every plot, and a pennant with the label in the flag band.
    fn marker(&mut self, index: usize, marker: &Marker, flag: Flag) {
        let areas = self.areas;
        let color = self.colors.marker(marker.kind).hex();
        let x = areas[0].x(marker.t, self.d.from, self.d.to);
        let rows_bottom = HEADER + 2 + FLAG_ROWS as i32 * FLAG_ROW;
        let flag_top = f64::from(
            flag.row
                .map_or(rows_bottom, |r| HEADER + 2 + r as i32 * FLAG_ROW),
        );
        let _ = write!(
            self.svg,
            r#"<g id="marker-{index}" class="marker" data-t="{}" data-kind="{}" data-label="{label}" stroke="{color}" fill="{color}"><title>{label} · {} UTC</title>"#,
            marker.t,
            kind_name(marker.kind),
            time::date_time(marker.t),
            label = Escaped(&marker.label),
        );

        self.svg.push_str(
            r#"<path fill="none" stroke-width="1" stroke-opacity="0.7" stroke-dasharray="4 3" d=""#,
        );
        let _ = write!(
            self.svg,
            "M{},{}V{}",
            Px(x),
            Px(flag_top),
            Px(areas[0].bottom)
        );
        for area in &areas[1..] {
            let _ = write!(self.svg, "M{},{}V{}", Px(x), Px(area.top), Px(area.bottom));
        }
        self.svg.push_str("\"/>");
        if flag.row.is_some() {
            let _ = write!(
                self.svg,
                r#"<path stroke="none" d="M{x0},{y0}L{},{}L{x0},{}Z"/>"#,
                Px(x + flag.dir * 7.0),
                Px(flag_top + 4.0),
                Px(flag_top + 8.0),
                x0 = Px(x),
                y0 = Px(flag_top),
            );
            let _ = write!(
                self.svg,
                r#"<text x="{}" y="{}" text-anchor="{}" font-family="{FONT}" font-size="{FLAG_FONT_SIZE}" {}>{}</text>"#,
                Px(x + flag.dir * PENNANT),
                Px(flag_top + 8.5),
                if flag.dir > 0.0 { "start" } else { "end" },
                Halo(self.colors),
                Escaped(&marker.label),
            );
        }
        self.svg.push_str("</g>\n");
    }
}

/// A background-coloured outline under text, so marker lines crossing it don't hide it.
struct Halo<'a>(&'a Colors);

impl std::fmt::Display for Halo<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            r#"stroke="{}" stroke-width="4" stroke-linejoin="round" paint-order="stroke""#,
            self.0.background.hex()
        )
    }
}

fn unit_name(unit: Unit) -> &'static str {
    match unit {
        Unit::Percent => "percent",
        Unit::Count => "count",
        Unit::Requests => "requests",
        Unit::Seconds => "seconds",
    }
}

fn kind_name(kind: MarkerKind) -> &'static str {
    match kind {
        MarkerKind::ScaleOut => "scaleOut",
        MarkerKind::ScaleIn => "scaleIn",
        MarkerKind::Refresh => "refresh",
        MarkerKind::Other => "other",
    }
}

/// A pixel coordinate with one decimal: finer than any screen, and short. Written through
/// integers because float formatting is the slowest part of writing thousands of points.
struct Px(f64);

impl std::fmt::Display for Px {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tenths = (self.0 * 10.0).round() as i64;
        let sign = if tenths < 0 { "-" } else { "" };
        let (whole, frac) = (tenths.abs() / 10, tenths.abs() % 10);
        if frac == 0 {
            write!(f, "{sign}{whole}")
        } else {
            write!(f, "{sign}{whole}.{frac}")
        }
    }
}

/// Text and attribute values from the caller (titles, labels) escaped for XML.
struct Escaped<'a>(&'a str);

impl std::fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(['<', '>', '&', '"', '\'']) {
            f.write_str(&rest[..i])?;
            f.write_str(match rest.as_bytes()[i] {
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'&' => "&amp;",
                b'"' => "&quot;",
                _ => "&apos;",
            })?;
            rest = &rest[i + 1..];
        }
        f.write_str(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixels_have_one_decimal_at_most() {
        let shown: Vec<String> = [12.0, 12.34, -0.06, -3.25, 0.04]
            .into_iter()
            .map(|v| Px(v).to_string())
            .collect();
        assert_eq!(shown, ["12", "12.3", "-0.1", "-3.3", "0"]);
    }

    #[test]
    fn flags_share_rows_until_labels_would_touch() {
        // Labels 50 px wide: each flag spans 60 px from its line.
        let spans = [
            (100.0, 50.0),
            (130.0, 50.0),
            (150.0, 50.0),
            (170.0, 50.0),
            (400.0, 50.0),
        ];
        let flags = place_flags(spans.into_iter(), 1_000.0);
        let rows: Vec<Option<usize>> = flags.iter().map(|f| f.row).collect();
        assert_eq!(rows, [Some(0), Some(1), None, Some(0), Some(0)]);
        let near_edge = place_flags([(980.0, 50.0)].into_iter(), 1_000.0);
        assert_eq!(near_edge[0].dir, -1.0, "points into the picture");
    }

    #[test]
    fn labels_are_escaped() {
        assert_eq!(
            Escaped(r#"a<b & "c">'d'"#).to_string(),
            "a&lt;b &amp; &quot;c&quot;&gt;&apos;d&apos;"
        );
    }
}

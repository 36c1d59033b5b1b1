//! The scaling dashboard: what a route's group did, drawn from the CloudWatch series the route
//! declares.
//!
//! [`render_svg`] draws one panel per row over a shared UTC time axis: plotters draws the frame
//! (grid, axes, labels) and this crate writes the data over it as named SVG groups, so the UI and
//! tests can find every series and scaling-activity marker (the contract is in `layer.rs`).
//! Series are thinned to two points per pixel column before drawing, keeping every peak.
//! [`render_png`] rasterises the same SVG for export.

mod axis;
mod error;
mod frame;
mod layer;
mod model;
mod plan;
mod png;
mod reduce;
mod theme;
mod time;

pub use error::ChartError;
pub use model::{Dashboard, Marker, MarkerKind, Panel, Point, Series, Size, Theme, Unit};
pub use reduce::Reduction;

/// The text an empty panel shows.
pub const EMPTY_STATE: &str = layer::EMPTY_STATE;

/// The dashboard as a standalone SVG document of `size` CSS pixels.
pub fn render_svg(dashboard: &Dashboard, size: Size) -> Result<String, ChartError> {
    render_svg_with(dashboard, size, Reduction::PerPixelColumn)
}

/// [`render_svg`], choosing whether points are thinned first (the benchmark's baseline turns it off).
pub fn render_svg_with(
    dashboard: &Dashboard,
    size: Size,
    reduction: Reduction,
) -> Result<String, ChartError> {
    let plan = plan::plan(dashboard, size)?;
    let colors = theme::Colors::of(dashboard.theme);
    let mut svg = String::with_capacity(64 * 1024);
    let areas = frame::draw(&mut svg, dashboard, &plan, colors)?;
    // plotters closed the document; the data layer goes inside it, above the frame.
    let end = svg
        .rfind("</svg>")
        .ok_or_else(|| ChartError::Draw("plotters wrote no closing </svg>".into()))?;
    svg.truncate(end);
    layer::write(&mut svg, dashboard, &plan, &areas, colors, reduction);
    svg.push_str("</svg>\n");
    Ok(svg)
}

/// The dashboard as a PNG of `size` times `scale` pixels (2.0 for a sharp image on HiDPI screens).
pub fn render_png(dashboard: &Dashboard, size: Size, scale: f32) -> Result<Vec<u8>, ChartError> {
    png::rasterise(&render_svg(dashboard, size)?, scale)
}

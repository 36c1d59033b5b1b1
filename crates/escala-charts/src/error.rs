use thiserror::Error;

#[derive(Debug, Error)]
pub enum ChartError {
    #[error("the time range {from}..{to} must run forward and span at most 2 years")]
    BadRange { from: i64, to: i64 },
    #[error("a dashboard needs at least one panel")]
    NoPanels,
    #[error("{width}x{height} px is too small for {panels} panel(s): at least {min_width}x{min_height} px")]
    TooSmall {
        width: u32,
        height: u32,
        panels: usize,
        min_width: u32,
        min_height: u32,
    },
    #[error("series id {0:?} must be non-empty letters, digits, '-' or '_'")]
    BadSeriesId(String),
    #[error("series id {0:?} is used twice")]
    DuplicateSeriesId(String),
    #[error("panel {panel:?} mixes more than two units: it has one axis on each side")]
    TooManyUnits { panel: String },
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    #[error("PNG scale must be a positive number, got {0}")]
    BadScale(f32),
    #[error("no fonts were found on this system to draw the PNG's text")]
    NoFonts,
    #[error("the rendered SVG could not be read back for the PNG: {0}")]
    Svg(#[from] resvg::usvg::Error),
    #[error("a {width}x{height} px image is too large to rasterise")]
    ImageTooLarge { width: u32, height: u32 },
    #[error("encoding the PNG failed: {0}")]
    Png(String),
}

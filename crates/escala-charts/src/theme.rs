//! Colours, taken from the desktop UI's stylesheet (`ui/src/styles.css`) so the charts sit in it.

use crate::model::{MarkerKind, Theme};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub(crate) fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    pub(crate) fn plotters(self) -> plotters::style::RGBColor {
        plotters::style::RGBColor(self.0, self.1, self.2)
    }
}

#[derive(Debug)]
pub(crate) struct Colors {
    pub background: Rgb,
    pub text: Rgb,
    pub muted: Rgb,
    pub grid: Rgb,
    pub axis: Rgb,
    /// Series take these in dashboard order, so every line of a dashboard has its own colour.
    pub series: [Rgb; 6],
    scale_out: Rgb,
    scale_in: Rgb,
    refresh: Rgb,
}

impl Colors {
    pub(crate) fn of(theme: Theme) -> &'static Colors {
        match theme {
            Theme::Light => &LIGHT,
            Theme::Dark => &DARK,
        }
    }

    pub(crate) fn series(&self, index: usize) -> Rgb {
        self.series[index % self.series.len()]
    }

    pub(crate) fn marker(&self, kind: MarkerKind) -> Rgb {
        match kind {
            MarkerKind::ScaleOut => self.scale_out,
            MarkerKind::ScaleIn => self.scale_in,
            MarkerKind::Refresh => self.refresh,
            MarkerKind::Other => self.muted,
        }
    }
}

// accent, private, public, nat, success and danger of the UI, in that order.
static LIGHT: Colors = Colors {
    background: Rgb(0xff, 0xff, 0xff),
    text: Rgb(0x16, 0x20, 0x2c),
    muted: Rgb(0x4f, 0x5d, 0x6d),
    grid: Rgb(0xe6, 0xea, 0xef),
    axis: Rgb(0xd3, 0xd9, 0xe1),
    series: [
        Rgb(0x0b, 0x5f, 0xcc),
        Rgb(0x5b, 0x4b, 0xb7),
        Rgb(0x0f, 0x7b, 0x8a),
        Rgb(0xa8, 0x5a, 0x00),
        Rgb(0x16, 0x79, 0x4a),
        Rgb(0xb4, 0x23, 0x2c),
    ],
    scale_out: Rgb(0x16, 0x79, 0x4a),
    scale_in: Rgb(0x8a, 0x53, 0x00),
    refresh: Rgb(0x5b, 0x4b, 0xb7),
};

static DARK: Colors = Colors {
    background: Rgb(0x17, 0x1e, 0x27),
    text: Rgb(0xe6, 0xeb, 0xf1),
    muted: Rgb(0xa3, 0xb0, 0xbf),
    grid: Rgb(0x24, 0x2f, 0x3c),
    axis: Rgb(0x33, 0x41, 0x52),
    series: [
        Rgb(0x5b, 0x9d, 0xff),
        Rgb(0xa9, 0x9b, 0xff),
        Rgb(0x4f, 0xc4, 0xd3),
        Rgb(0xf0, 0xa0, 0x4c),
        Rgb(0x4c, 0xc3, 0x8a),
        Rgb(0xff, 0x7b, 0x82),
    ],
    scale_out: Rgb(0x4c, 0xc3, 0x8a),
    scale_in: Rgb(0xf0, 0xb4, 0x4c),
    refresh: Rgb(0xa9, 0x9b, 0xff),
};

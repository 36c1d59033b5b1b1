//! What a dashboard shows: CloudWatch series grouped in panels, and scaling activities as markers.
//! These cross IPC to the desktop UI, so they are camelCase JSON (and TypeScript types with `specta`).

use serde::{Deserialize, Serialize};

/// One sample: `t` in unix seconds (CloudWatch periods are minute-aligned), `v` in the series' unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Point {
    pub t: i64,
    // specta types f64 as `number | null` (for NaN); the TypeScript side only needs `number`.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub v: f64,
}

/// The unit of a series decides its y axis: series of one unit in a panel share an axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Unit {
    Percent,
    Count,
    Requests,
    /// Durations such as a load balancer's response time: milliseconds are common, so its ticks
    /// may fall between whole seconds.
    Seconds,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Series {
    /// Stable key (`[A-Za-z0-9_-]+`, unique in a dashboard): the SVG names the line `series-<id>`.
    pub id: String,
    pub label: String,
    pub unit: Unit,
    /// In any order; non-finite values count as missing.
    pub points: Vec<Point>,
}

impl Series {
    pub fn new(id: &str, label: &str, unit: Unit, points: Vec<Point>) -> Self {
        Self {
            id: id.to_owned(),
            label: label.to_owned(),
            unit,
            points,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum MarkerKind {
    ScaleOut,
    ScaleIn,
    Refresh,
    Other,
}

/// A scaling activity, drawn as a vertical line through every panel with a labelled flag on top.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Marker {
    pub t: i64,
    pub label: String,
    pub kind: MarkerKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Panel {
    pub title: String,
    pub series: Vec<Series>,
}

/// Light or dark, with the desktop UI's colours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

/// Everything one render needs: panels stacked top to bottom over the time range `from..to`
/// (unix seconds, drawn in UTC), and the markers that fall in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Dashboard {
    pub title: String,
    pub from: i64,
    pub to: i64,
    pub panels: Vec<Panel>,
    pub markers: Vec<Marker>,
    #[serde(default)]
    pub theme: Theme,
}

/// The SVG's size in CSS pixels (the PNG's before its scale).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

impl Panel {
    pub fn new(title: &str, series: Vec<Series>) -> Self {
        Self {
            title: title.to_owned(),
            series,
        }
    }
}

impl Dashboard {
    /// Panels stacked top to bottom over `from..to`, in the light theme.
    pub fn new(title: &str, from: i64, to: i64, panels: Vec<Panel>, markers: Vec<Marker>) -> Self {
        Self {
            title: title.to_owned(),
            from,
            to,
            panels,
            markers,
            theme: Theme::Light,
        }
    }
}

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

/// The series ids of the standard Auto Scaling Group dashboard, for whoever looks them up in the SVG.
pub mod ids {
    pub const CPU: &str = "cpu";
    pub const DESIRED: &str = "desired";
    pub const IN_SERVICE: &str = "in-service";
    pub const REQUESTS: &str = "requests";
    pub const HEALTHY_HOSTS: &str = "healthy-hosts";
}

/// The CloudWatch series of one Auto Scaling Group and its load balancer; an empty one shows as
/// "No data in this range" (a group without a load balancer has no request counts).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AsgSeries {
    /// AWS/EC2 CPUUtilization, Average over the group.
    pub cpu: Vec<Point>,
    /// AWS/AutoScaling GroupDesiredCapacity.
    pub desired: Vec<Point>,
    /// AWS/AutoScaling GroupInServiceInstances.
    pub in_service: Vec<Point>,
    /// AWS/ApplicationELB RequestCount, Sum per period.
    pub requests: Vec<Point>,
    /// AWS/ApplicationELB HealthyHostCount of the group's target group.
    pub healthy_hosts: Vec<Point>,
}

impl Dashboard {
    /// The standard layout: CPU, then capacity, then the load balancer, all over one time axis.
    pub fn asg(title: &str, from: i64, to: i64, s: AsgSeries, markers: Vec<Marker>) -> Self {
        let panel = |title: &str, series: Vec<Series>| Panel {
            title: title.to_owned(),
            series,
        };
        Self {
            title: title.to_owned(),
            from,
            to,
            panels: vec![
                panel(
                    "CPU",
                    vec![Series::new(ids::CPU, "Average CPU", Unit::Percent, s.cpu)],
                ),
                panel(
                    "Capacity",
                    vec![
                        Series::new(ids::DESIRED, "Desired", Unit::Count, s.desired),
                        Series::new(ids::IN_SERVICE, "In service", Unit::Count, s.in_service),
                    ],
                ),
                panel(
                    "Load balancer",
                    vec![
                        Series::new(ids::REQUESTS, "Requests", Unit::Requests, s.requests),
                        Series::new(
                            ids::HEALTHY_HOSTS,
                            "Healthy hosts",
                            Unit::Count,
                            s.healthy_hosts,
                        ),
                    ],
                ),
            ],
            markers,
            theme: Theme::Light,
        }
    }
}

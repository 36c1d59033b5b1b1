//! A dashboard's data from CloudWatch: the series a route declares, grouped in panels, all at one
//! minute, fetched with GetMetricData in as few calls as the datapoint limit allows; and the
//! group's scaling activities as markers.

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, MetricDataQuery, MetricStat, ScanBy};
use escala_charts::{Dashboard, Marker, Point, Series, Unit};

use crate::context::AwsContext;
use crate::sdk::api_error;
use crate::AwsError;

/// Every series is drawn at one minute, the detailed monitoring the launch template turns on.
pub const PERIOD: i32 = 60;

/// The dashboard's time ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    Hour,
    SixHours,
    Day,
    Week,
}

/// What the charts span, in wall-clock seconds, and the bucket each point averages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: i64,
    pub to: i64,
    pub period: i32,
}

impl Range {
    pub fn seconds(self) -> i64 {
        match self {
            Range::Hour => 3600,
            Range::SixHours => 6 * 3600,
            Range::Day => 24 * 3600,
            Range::Week => 7 * 24 * 3600,
        }
    }

    /// The range of a clock that runs `speed` times AWS's (1 on AWS; a sandbox's time factor)
    /// ending `now`. A sandbox publishes a minute's points every 60/`speed` wall seconds with
    /// wall-clock timestamps, so an hour of its clock is drawn at that bucket over that much
    /// less wall time: the same number of points as on AWS, not a peak squeezed into one. The
    /// bucket is rounded up to a whole second, so no bucket falls between two points. The end is
    /// aligned down to the bucket: CloudWatch's buckets start on it, and the emulator only
    /// answers correctly for an aligned start.
    pub fn window(self, now: i64, speed: f64) -> Window {
        let speed = if speed.is_finite() && speed > 0.0 {
            speed
        } else {
            1.0
        };
        let period = (f64::from(PERIOD) / speed).ceil().max(1.0) as i32;
        let to = now - now.rem_euclid(i64::from(period));
        let points = self.seconds() / i64::from(PERIOD);
        Window {
            from: to - points * i64::from(period),
            to,
            period,
        }
    }
}

/// One series a route declares: what the chart calls it, and the CloudWatch metric behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    /// The series' stable id in the SVG (`series-<id>`).
    pub id: &'static str,
    pub label: &'static str,
    pub unit: Unit,
    pub namespace: &'static str,
    pub name: &'static str,
    /// `None` when the object the metric is about doesn't exist (a group without its load
    /// balancer): the series is drawn empty, and costs no query.
    pub dimensions: Option<Vec<(&'static str, String)>>,
    pub stat: &'static str,
}

/// A row of the dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub title: &'static str,
    pub series: Vec<Metric>,
}

/// The dimension value CloudWatch names an ELBv2 object by: the end of its ARN after `marker`
/// (`app/<name>/<id>` after `:loadbalancer/`, `targetgroup/<name>/<id>` after `:`).
pub fn arn_dimension(arn: &str, marker: &str) -> Option<String> {
    arn.split_once(marker).map(|(_, s)| s.to_string())
}

fn query(
    index: usize,
    m: &Metric,
    dims: &[(&'static str, String)],
    period: i32,
) -> MetricDataQuery {
    let dimensions = dims
        .iter()
        .map(|(k, v)| Dimension::builder().name(*k).value(v).build())
        .collect();
    MetricDataQuery::builder()
        // Query ids are `[a-z][a-zA-Z0-9_]*`; series ids may have hyphens.
        .id(format!("m{index}"))
        .metric_stat(
            MetricStat::builder()
                .metric(
                    aws_sdk_cloudwatch::types::Metric::builder()
                        .namespace(m.namespace)
                        .metric_name(m.name)
                        .set_dimensions(Some(dimensions))
                        .build(),
                )
                .period(period)
                .stat(m.stat)
                .build(),
        )
        .return_data(true)
        .build()
}

/// The panels' series over the window, and how many GetMetricData calls they took. One call
/// carries up to 100,800 datapoints, so a week of five one-minute series (50,400) is a single
/// call; pages are followed when AWS splits the answer.
pub async fn fetch(
    ctx: &AwsContext,
    panels: &[Panel],
    window: Window,
) -> Result<(Vec<escala_charts::Panel>, usize), AwsError> {
    let metrics: Vec<&Metric> = panels.iter().flat_map(|p| &p.series).collect();
    let queries: Vec<MetricDataQuery> = metrics
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.dimensions.as_ref().map(|d| query(i, m, d, window.period)))
        .collect();
    let mut points: Vec<Vec<Point>> = vec![Vec::new(); metrics.len()];
    let mut next: Option<String> = None;
    let mut calls = 0;
    while !queries.is_empty() {
        calls += 1;
        let out = ctx
            .cloudwatch
            .get_metric_data()
            .set_metric_data_queries(Some(queries.clone()))
            .start_time(DateTime::from_secs(window.from))
            .end_time(DateTime::from_secs(window.to))
            .scan_by(ScanBy::TimestampAscending)
            .set_next_token(next.take())
            .send()
            .await
            .map_err(|e| api_error("cloudwatch:GetMetricData", e))?;
        for result in out.metric_data_results() {
            let Some(i) = result
                .id()
                .and_then(|id| id.strip_prefix('m'))
                .and_then(|i| i.parse::<usize>().ok())
                .filter(|i| *i < points.len())
            else {
                continue;
            };
            points[i].extend(
                result
                    .timestamps()
                    .iter()
                    .zip(result.values())
                    .map(|(t, v)| Point { t: t.secs(), v: *v }),
            );
        }
        match out.next_token() {
            Some(token) if !token.is_empty() => next = Some(token.to_string()),
            _ => break,
        }
    }
    let mut points = points.into_iter();
    let drawn = panels
        .iter()
        .map(|p| escala_charts::Panel {
            title: p.title.to_string(),
            series: p
                .series
                .iter()
                .map(|m| {
                    let mut ps = points.next().unwrap_or_default();
                    ps.sort_by_key(|p| p.t);
                    Series::new(m.id, m.label, m.unit, ps)
                })
                .collect(),
        })
        .collect();
    Ok((drawn, calls))
}

/// The dashboard of `panels` over the window with `group`'s scaling activities, and how many
/// GetMetricData calls it took.
pub async fn dashboard(
    ctx: &AwsContext,
    panels: &[Panel],
    markers: impl std::future::Future<Output = Result<Vec<Marker>, AwsError>>,
    window: Window,
) -> Result<(Dashboard, usize), AwsError> {
    let Window { from, to, .. } = window;
    let ((panels, calls), markers) = tokio::try_join!(fetch(ctx, panels, window), markers)?;
    Ok((
        Dashboard {
            title: ctx.stack.clone(),
            from,
            to,
            panels,
            markers,
            theme: Default::default(),
        },
        calls,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_end_on_the_minute_and_span_the_range() {
        let hour = Range::Hour.window(7_205, 1.0);
        assert_eq!((hour.from, hour.to, hour.period), (3_600, 7_200, 60));
        let week = Range::Week.window(1_000_000_030, 1.0);
        assert_eq!(week.to % 60, 0);
        assert_eq!(
            (week.to - week.from) / 60,
            10_080,
            "a week is 10,080 one-minute points"
        );
    }

    #[test]
    fn a_sandbox_hour_at_a_time_factor_is_its_minutes_in_less_wall_time() {
        // At 30, the sandbox's minute is 2 s: its hour is 60 points over 120 s.
        let w = Range::Hour.window(1_000_001, 30.0);
        assert_eq!((w.period, w.to, w.to - w.from), (2, 1_000_000, 120));
        // At 7 a minute is 8.57 s: 9-s buckets, so none falls between two published points.
        assert_eq!(Range::Hour.window(1_000_000, 7.0).period, 9);
        // At 100 (the most) a minute is 0.6 s; buckets are a second at least.
        let fast = Range::Day.window(1_000_000, 100.0);
        assert_eq!((fast.period, (fast.to - fast.from)), (1, 1_440));
        // No factor, or a nonsensical one, is AWS's pace.
        assert_eq!(Range::Hour.window(7_205, 0.0).period, 60);
    }
}

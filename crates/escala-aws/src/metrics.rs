//! A dashboard's data from CloudWatch: the series a route declares, grouped in panels, all at one
//! minute, fetched with GetMetricData in as few calls as the datapoint limit allows; and the
//! group's scaling activities as markers.

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, MetricDataQuery, MetricStat, ScanBy};
use escala_charts::{Dashboard, Marker, MarkerKind, Point, Series, Unit};

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

impl Range {
    pub fn seconds(self) -> i64 {
        match self {
            Range::Hour => 3600,
            Range::SixHours => 6 * 3600,
            Range::Day => 24 * 3600,
            Range::Week => 7 * 24 * 3600,
        }
    }

    /// From `now`, aligned down to the minute: CloudWatch's one-minute buckets start on the
    /// minute, and the emulator only answers correctly for a minute-aligned start.
    pub fn window(self, now: i64) -> (i64, i64) {
        let to = now - now.rem_euclid(60);
        (to - self.seconds(), to)
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

fn query(index: usize, m: &Metric, dims: &[(&'static str, String)]) -> MetricDataQuery {
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
                .period(PERIOD)
                .stat(m.stat)
                .build(),
        )
        .return_data(true)
        .build()
}

/// The panels' series over `[from, to)`, and how many GetMetricData calls they took. One call
/// carries up to 100,800 datapoints, so a week of five one-minute series (50,400) is a single
/// call; pages are followed when AWS splits the answer.
pub async fn fetch(
    ctx: &AwsContext,
    panels: &[Panel],
    from: i64,
    to: i64,
) -> Result<(Vec<escala_charts::Panel>, usize), AwsError> {
    let metrics: Vec<&Metric> = panels.iter().flat_map(|p| &p.series).collect();
    let queries: Vec<MetricDataQuery> = metrics
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.dimensions.as_ref().map(|d| query(i, m, d)))
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
            .start_time(DateTime::from_secs(from))
            .end_time(DateTime::from_secs(to))
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

/// The dashboard of `panels` over `[from, to)` with `group`'s scaling activities, and how many
/// GetMetricData calls it took.
pub async fn dashboard(
    ctx: &AwsContext,
    panels: &[Panel],
    group: &str,
    from: i64,
    to: i64,
) -> Result<(Dashboard, usize), AwsError> {
    let ((panels, calls), markers) = tokio::try_join!(
        fetch(ctx, panels, from, to),
        activities(ctx, group, from, to)
    )?;
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

/// The group's scaling activities in the window, as chart markers.
async fn activities(
    ctx: &AwsContext,
    group: &str,
    from: i64,
    to: i64,
) -> Result<Vec<Marker>, AwsError> {
    let out = ctx
        .autoscaling
        .describe_scaling_activities()
        .auto_scaling_group_name(group)
        .max_records(100)
        .send()
        .await
        .map_err(|e| api_error("autoscaling:DescribeScalingActivities", e))?;
    Ok(out
        .activities()
        .iter()
        .filter_map(|a| {
            let t = a.start_time()?.secs();
            let text = a.description().unwrap_or_default();
            let kind = if text.starts_with("Launching") {
                MarkerKind::ScaleOut
            } else if text.starts_with("Terminating") {
                MarkerKind::ScaleIn
            } else if text.contains("refresh") {
                MarkerKind::Refresh
            } else {
                MarkerKind::Other
            };
            (from..to).contains(&t).then(|| Marker {
                t,
                label: text.chars().take(40).collect(),
                kind,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_end_on_the_minute_and_span_the_range() {
        assert_eq!(Range::Hour.window(7_205), (3_600, 7_200));
        assert_eq!(Range::Week.window(1_000_000_030).1 % 60, 0);
        let (from, to) = Range::Week.window(1_000_000_030);
        assert_eq!(
            (to - from) / 60,
            10_080,
            "a week is 10,080 one-minute points"
        );
    }
}

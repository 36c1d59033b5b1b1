//! The scaling dashboard's data from CloudWatch: the group's average CPU, desired and in-service
//! capacity, the load balancer's requests and healthy hosts, all at one minute, fetched with
//! GetMetricData in as few calls as the datapoint limit allows; and the group's scaling
//! activities as markers.

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, ScanBy};
use escala_charts::{AsgSeries, Marker, MarkerKind, Point};

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

/// What the metrics are about: the group's name, and the load balancer's and target group's
/// dimension values (the ends of their ARNs: `app/<name>/<id>`, `targetgroup/<name>/<id>`).
#[derive(Debug, Clone)]
pub struct Sources {
    pub group: String,
    pub load_balancer: Option<String>,
    pub target_group: Option<String>,
}

impl Sources {
    /// The dimension values from the load balancer's and target group's ARNs.
    pub fn from_arns(group: &str, load_balancer: Option<&str>, target_group: Option<&str>) -> Self {
        let after = |arn: &str, marker: &str| arn.split_once(marker).map(|(_, s)| s.to_string());
        Self {
            group: group.into(),
            load_balancer: load_balancer.and_then(|a| after(a, ":loadbalancer/")),
            target_group: target_group
                .and_then(|a| after(a, ":targetgroup/"))
                .map(|s| format!("targetgroup/{s}")),
        }
    }
}

/// The fetched series, and how many GetMetricData calls they took.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched {
    pub series: AsgSeries,
    pub calls: usize,
}

fn query(
    id: &str,
    namespace: &str,
    name: &str,
    dims: &[(&str, &str)],
    stat: &str,
) -> MetricDataQuery {
    let dimensions = dims
        .iter()
        .map(|(k, v)| Dimension::builder().name(*k).value(*v).build())
        .collect();
    MetricDataQuery::builder()
        .id(id)
        .metric_stat(
            MetricStat::builder()
                .metric(
                    Metric::builder()
                        .namespace(namespace)
                        .metric_name(name)
                        .set_dimensions(Some(dimensions))
                        .build(),
                )
                .period(PERIOD)
                .stat(stat)
                .build(),
        )
        .return_data(true)
        .build()
}

/// The five series over `[from, to)`. One call carries up to 100,800 datapoints, so a week of five
/// one-minute series (50,400) is a single call; pages are followed when AWS splits the answer.
pub async fn fetch(
    ctx: &AwsContext,
    sources: &Sources,
    from: i64,
    to: i64,
) -> Result<Fetched, AwsError> {
    let group = [("AutoScalingGroupName", sources.group.as_str())];
    let mut queries = vec![
        query("cpu", "AWS/EC2", "CPUUtilization", &group, "Average"),
        query(
            "desired",
            "AWS/AutoScaling",
            "GroupDesiredCapacity",
            &group,
            "Average",
        ),
        query(
            "inservice",
            "AWS/AutoScaling",
            "GroupInServiceInstances",
            &group,
            "Average",
        ),
    ];
    if let Some(lb) = &sources.load_balancer {
        queries.push(query(
            "requests",
            "AWS/ApplicationELB",
            "RequestCount",
            &[("LoadBalancer", lb)],
            "Sum",
        ));
        if let Some(tg) = &sources.target_group {
            queries.push(query(
                "healthy",
                "AWS/ApplicationELB",
                "HealthyHostCount",
                &[("TargetGroup", tg), ("LoadBalancer", lb)],
                "Average",
            ));
        }
    }
    let mut series = AsgSeries::default();
    let mut next: Option<String> = None;
    let mut calls = 0;
    loop {
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
            let points = result
                .timestamps()
                .iter()
                .zip(result.values())
                .map(|(t, v)| Point { t: t.secs(), v: *v });
            let target = match result.id() {
                Some("cpu") => &mut series.cpu,
                Some("desired") => &mut series.desired,
                Some("inservice") => &mut series.in_service,
                Some("requests") => &mut series.requests,
                Some("healthy") => &mut series.healthy_hosts,
                _ => continue,
            };
            target.extend(points);
        }
        match out.next_token() {
            Some(token) if !token.is_empty() => next = Some(token.to_string()),
            _ => break,
        }
    }
    for s in [
        &mut series.cpu,
        &mut series.desired,
        &mut series.in_service,
        &mut series.requests,
        &mut series.healthy_hosts,
    ] {
        s.sort_by_key(|p| p.t);
    }
    Ok(Fetched { series, calls })
}

/// The group's scaling activities in the window, as chart markers.
pub async fn activities(
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

    #[test]
    fn dimensions_are_read_off_the_arns() {
        let s = Sources::from_arns(
            "shop-web",
            Some("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop-alb/50dc6c495c0c9188"),
            Some("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-web/73e2d6bc24d8a067"),
        );
        assert_eq!(
            s.load_balancer.as_deref(),
            Some("app/shop-alb/50dc6c495c0c9188")
        );
        assert_eq!(
            s.target_group.as_deref(),
            Some("targetgroup/shop-web/73e2d6bc24d8a067")
        );
    }
}

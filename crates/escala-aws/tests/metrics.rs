//! The dashboard's data on the emulator: known datapoints put with PutMetricData come back from
//! the batched GetMetricData fetch of the series the asg route declares, with their values and
//! minute timestamps, and draw as the dashboard's series.

mod common;

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, MetricDatum};
use common::*;
use escala_aws::connect::Target;
use escala_aws::credentials::KeyringStore;
use escala_aws::metrics::{fetch, Range};
use escala_aws::session::Session;
use escala_core::spec::Spec;
use escala_core::task::Found;
use escala_testkit::{emulator, unique_stack};

async fn cloudwatch() -> aws_sdk_cloudwatch::Client {
    let config = escala_aws::connect::sdk_config(
        &Target::sandbox(emulator()),
        REGION,
        &KeyringStore::new("escala-tests-unused"),
    )
    .await
    .unwrap();
    aws_sdk_cloudwatch::Client::new(&config)
}

async fn put(
    cw: &aws_sdk_cloudwatch::Client,
    ns: &str,
    name: &str,
    dims: &[(&str, &str)],
    points: &[(i64, f64)],
) {
    let data: Vec<MetricDatum> = points
        .iter()
        .map(|(t, v)| {
            MetricDatum::builder()
                .metric_name(name)
                .set_dimensions(Some(
                    dims.iter()
                        .map(|(k, v)| Dimension::builder().name(*k).value(*v).build())
                        .collect(),
                ))
                .timestamp(DateTime::from_secs(*t))
                .value(*v)
                .build()
        })
        .collect();
    cw.put_metric_data()
        .namespace(ns)
        .set_metric_data(Some(data))
        .send()
        .await
        .unwrap();
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A session for `stack` with the asg route, and the route's scaling (its dashboard's panels).
async fn asg_session(stack: &str) -> (Session, &'static dyn escala_aws::route::Scaling, Spec) {
    let session = session_at(emulator(), stack).await;
    let spec = Spec::from_yaml(&format!(
        "apiVersion: escala/v1\nkind: Stack\nname: {stack}\nregion: {REGION}\nnetwork: {{vpcCidr: 10.0.0.0/16}}\nroute: {{asg: {{capacity: {{min: 1, desired: 1, max: 2}}}}}}\n"
    ))
    .unwrap();
    let scaling = Session::scaling(&spec).expect("the asg route scales its group");
    (session, scaling, spec)
}

#[tokio::test]
async fn known_datapoints_come_back_by_minute_in_one_call_and_draw_as_the_dashboard() {
    let stack = unique_stack("metrics");
    let group = format!("{stack}-web");
    let cw = cloudwatch().await;
    let window = Range::Hour.window(now(), 1.0);
    let (from, to) = (window.from, window.to);
    let cpu: Vec<(i64, f64)> = (0..5)
        .map(|i| (from + 600 + i * 60, 20.0 + 15.0 * i as f64))
        .collect();
    let desired: Vec<(i64, f64)> = vec![(from + 600, 1.0), (from + 840, 2.0)];
    put(
        &cw,
        "AWS/EC2",
        "CPUUtilization",
        &[("AutoScalingGroupName", &group)],
        &cpu,
    )
    .await;
    put(
        &cw,
        "AWS/AutoScaling",
        "GroupDesiredCapacity",
        &[("AutoScalingGroupName", &group)],
        &desired,
    )
    .await;
    let lb = format!("app/{stack}-alb/0123456789abcdef");
    put(
        &cw,
        "AWS/ApplicationELB",
        "RequestCount",
        &[("LoadBalancer", &lb)],
        &[(from + 660, 120.0)],
    )
    .await;

    let (session, scaling, spec) = asg_session(&stack).await;
    // The load balancer as discovery reports it: its ARN names the metrics' dimension.
    let found = [Found::new(
        "LoadBalancer",
        Some("alb".into()),
        format!("arn:aws:elasticloadbalancing:{REGION}:123456789012:loadbalancer/{lb}"),
    )];
    let panels = scaling.panels(session.context(), &spec, &found);
    let (drawn, calls) = fetch(session.context(), &panels, window).await.unwrap();
    assert_eq!(calls, 1, "an hour of four series is one GetMetricData call");
    let series = |id: &str| -> Vec<(i64, f64)> {
        drawn
            .iter()
            .flat_map(|p| &p.series)
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("no series {id}"))
            .points
            .iter()
            .map(|p| (p.t, p.v))
            .collect()
    };
    assert_eq!(series("cpu"), cpu);
    assert_eq!(series("desired"), desired);
    assert_eq!(series("requests").len(), 1);
    assert!(series("in-service").is_empty(), "nothing was put for it");
    assert!(
        series("healthy-hosts").is_empty(),
        "no target group was found: its series is drawn empty"
    );

    let dashboard = escala_charts::Dashboard::new(
        &stack,
        from,
        to,
        drawn,
        vec![escala_charts::Marker {
            t: from + 840,
            label: "Launching a new EC2 instance".into(),
            kind: escala_charts::MarkerKind::ScaleOut,
        }],
    );
    let svg = escala_charts::render_svg(
        &dashboard,
        escala_charts::Size {
            width: 900,
            height: 600,
        },
    )
    .unwrap();
    for id in [
        "series-cpu",
        "series-desired",
        "series-requests",
        "marker-0",
    ] {
        assert!(svg.contains(&format!("id=\"{id}\"")), "{id} is drawn");
    }
}

#[tokio::test]
async fn a_sandbox_at_a_time_factor_gets_each_of_its_minutes_as_a_point() {
    // At 30 the sandbox publishes a minute's CPU every 2 wall seconds: the window buckets by 2 s,
    // so a peak over 20 s is ten points, not one averaged minute.
    let stack = unique_stack("metrics-fast");
    let group = format!("{stack}-web");
    let cw = cloudwatch().await;
    let window = Range::Hour.window(now(), 30.0);
    let cpu: Vec<(i64, f64)> = (0..10)
        .map(|i| (window.from + 40 + i * 2, 10.0 * i as f64))
        .collect();
    put(
        &cw,
        "AWS/EC2",
        "CPUUtilization",
        &[("AutoScalingGroupName", &group)],
        &cpu,
    )
    .await;
    let (session, scaling, spec) = asg_session(&stack).await;
    let panels = scaling.panels(session.context(), &spec, &[]);
    let (drawn, _) = fetch(session.context(), &panels, window).await.unwrap();
    let points: Vec<(i64, f64)> = drawn
        .iter()
        .flat_map(|p| &p.series)
        .find(|s| s.id == "cpu")
        .expect("a cpu series")
        .points
        .iter()
        .map(|p| (p.t, p.v))
        .collect();
    assert_eq!(points, cpu);
}

/// The runtime (as AWS) publishes the load balancer's per-group metrics with LoadBalancer first;
/// the dashboard names TargetGroup first. CloudWatch matches dimensions as a set (emulator fix 18).
#[tokio::test]
async fn a_series_is_found_whatever_order_its_dimensions_are_named_in() {
    let stack = unique_stack("dims");
    let cw = cloudwatch().await;
    let window = Range::Hour.window(now(), 1.0);
    let lb = format!("app/{stack}-alb/0123456789abcdef");
    let tg = format!("targetgroup/{stack}-web/fedcba9876543210");
    let healthy = vec![(window.from + 600, 1.0), (window.from + 660, 2.0)];
    put(
        &cw,
        "AWS/ApplicationELB",
        "HealthyHostCount",
        &[("LoadBalancer", &lb), ("TargetGroup", &tg)],
        &healthy,
    )
    .await;

    let (session, scaling, spec) = asg_session(&stack).await;
    let arn = |kind: &str, tail: &str| {
        format!("arn:aws:elasticloadbalancing:{REGION}:123456789012:{kind}/{tail}")
    };
    let found = [
        Found::new("LoadBalancer", Some("alb".into()), arn("loadbalancer", &lb)),
        Found::new(
            "TargetGroup",
            Some("target-group".into()),
            arn("targetgroup", tg.trim_start_matches("targetgroup/")),
        ),
    ];
    let panels = scaling.panels(session.context(), &spec, &found);
    let (drawn, _) = fetch(session.context(), &panels, window).await.unwrap();
    let points: Vec<(i64, f64)> = drawn
        .iter()
        .flat_map(|p| &p.series)
        .find(|s| s.id == "healthy-hosts")
        .expect("the healthy hosts series")
        .points
        .iter()
        .map(|p| (p.t, p.v))
        .collect();
    assert_eq!(points, healthy);
}

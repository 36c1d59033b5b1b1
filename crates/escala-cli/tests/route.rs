//! `escala scale` and `escala metrics` on an asg stack in the emulator.

mod support;

use escala_testkit::cloud::ec2;
use escala_testkit::{emulator, unique_stack};
use support::*;

async fn group_size(stack: &str) -> Option<i32> {
    let config = aws_sdk_autoscaling::Config::builder()
        .behavior_version(aws_sdk_autoscaling::config::BehaviorVersion::latest())
        .region(aws_sdk_autoscaling::config::Region::new("us-east-1"))
        .endpoint_url(emulator())
        .credentials_provider(aws_sdk_autoscaling::config::Credentials::new(
            "test", "test", None, None, "test",
        ))
        .build();
    aws_sdk_autoscaling::Client::from_conf(config)
        .describe_auto_scaling_groups()
        .auto_scaling_group_names(format!("{stack}-web"))
        .send()
        .await
        .unwrap()
        .auto_scaling_groups()
        .first()
        .and_then(|g| g.desired_capacity())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scale_within_the_range_and_draw_the_dashboard() {
    let cli = Cli::new(emulator());
    let stack = unique_stack("route");
    let yaml = format!(
        "{}route:\n  asg:\n    capacity: {{min: 1, desired: 1, max: 3}}\n",
        seed_yaml(&stack)
    );
    let spec = cli.spec(&stack, &yaml);
    let out = cli.run(&["apply", "-f", path_str(&spec), "--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(group_size(&stack).await, Some(1));

    let out = cli.run(&["scale", "--stack", &stack, "--desired", "3"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(group_size(&stack).await, Some(3));
    let out = cli.run(&["scale", "--stack", &stack, "--desired", "9"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(
        text(&out).contains("outside the group's range 1 … 3"),
        "{}",
        text(&out)
    );
    assert_eq!(
        group_size(&stack).await,
        Some(3),
        "a refused scale changes nothing"
    );

    let chart = cli.home.path().join("chart.svg");
    let out = cli.run(&[
        "metrics",
        "--stack",
        &stack,
        "--out",
        path_str(&chart),
        "--range",
        "6h",
        "-o",
        "json",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["getMetricDataCalls"], 1);
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.contains("id=\"series-cpu\"") && svg.contains("id=\"series-requests\""));
    let out = cli.run(&["metrics", "--stack", &stack, "--out", "chart.txt"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out).contains(".svg or a .png"), "{}", text(&out));

    let out = cli.run(&["destroy", "--stack", &stack, "--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        escala_testkit::cloud::counts(&ec2(emulator()), &stack).await,
        [0; 6]
    );
    assert_eq!(group_size(&stack).await, None);
}

//! The scale-out in the real window: the app's own sandbox at a time factor, seed-asg's route
//! applied through the wizard, load started from the dashboard, and the group seen to scale out on
//! its target-tracking alarm, with the charts filling and the load readout counting the instances
//! that answered. Screenshots of the dashboard before and after go to the artifacts.
//!
//! Needs a display, `tauri-driver` and `WebKitWebDriver`, so it is ignored by default:
//! `scripts/test.sh` runs it under `xvfb-run` with the other window test.

// Each test program compiles the harness on its own; the form helpers this one has no use for are
// the end-to-end test's, not dead code.
#[allow(dead_code)]
mod window;

use escala_testkit::unique_stack;
use window::screenshot;

/// AWS's minute is 2 s: AlarmHigh's 3 periods take 6 s.
const SPEED: &str = "30";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver: run by scripts/test.sh under xvfb-run"]
async fn load_from_the_dashboard_scales_the_group_out_in_the_real_window() {
    let home = tempfile::tempdir().unwrap();
    let downloads = home.path().join("downloads");
    let (_driver, ui) = window::open(home.path(), &downloads).await;
    let stack = unique_stack("gui-scale");

    // Connect to a sandbox at 30×, which the dashboard then says.
    ui.on_step("connect").await;
    ui.click("mode-sandbox").await;
    ui.type_into("sandbox-speed", "0").await;
    ui.el("sandbox-speed-problem").await;
    assert!(
        ui.flag("connect-sandbox", "disabled").await,
        "a factor of 0 can't start a sandbox"
    );
    // The wizard with seed-asg's choices: 2 zones, one NAT gateway, 1 of at most 4 t3.micro.
    ui.to_scaling(&stack, Some(SPEED)).await;
    ui.type_into("capacity-desired", "1").await;
    ui.type_into("instance-type", "t3.micro").await;
    ui.click("next").await;
    ui.on_step("review").await;
    ui.click("apply").await;
    ui.on_step("apply").await;
    ui.applied().await;
    ui.click("to-dashboard").await;

    // Before: one instance serving, load offered at the sandbox's load balancer.
    ui.on_step("dashboard").await;
    let size = "[data-testid=\"group-size\"]";
    ui.until("one instance InService", || async {
        ui.attr_of(size, "data-in-service").await.as_deref() == Some("1")
    })
    .await;
    assert!(ui
        .el("sandbox-metrics")
        .await
        .text()
        .await
        .unwrap()
        .contains("30"));
    ui.until("load offered", || async {
        !ui.flag("load-start", "disabled").await
    })
    .await;
    let before = ui.chart().await;
    screenshot("scale-out-1-before").await;

    // 90 requests a second of 20 ms each on one t3.micro (2 vCPUs) is 90% CPU, above the 70%
    // target: AlarmHigh fires and the group grows.
    ui.type_into("load-rps", "90").await;
    ui.type_into("load-seconds", "40").await;
    ui.click("load-start").await;
    ui.until("the group scaled out", || async {
        let (desired, serving) = ui.group_size().await;
        assert!(
            desired <= 4,
            "the policy's bounds: at most 4, got {desired}"
        );
        desired >= 2 && serving >= 2
    })
    .await;
    ui.until("the charts to show the CPU and the requests", || async {
        let chart = ui.chart().await;
        chart != before && !chart.contains(escala_charts::EMPTY_STATE)
    })
    .await;
    ui.el("load-readout").await;
    screenshot("scale-out-2-after").await;
    ui.until("the load run to end", || async {
        ui.count("[data-testid=\"load-stop\"]").await == 0
    })
    .await;
    let instances = ui
        .attr_of("[data-testid=\"load-readout\"]", "data-instances")
        .await
        .and_then(|n| n.parse::<u32>().ok())
        .expect("the readout counts the instances that answered");
    assert!(
        instances >= 2,
        "the new instance answered through the load balancer: {instances} answered"
    );
    ui.client.close().await.unwrap();
}

//! The GUI end to end: the real app binary in a real window (under Xvfb), driven through
//! tauri-driver and WebKitWebDriver. In sandbox mode it goes connect → region → network (with an
//! invalid CIDR that blocks Continue) → scaling (the ASG route, with capacity the engine refuses and
//! an instance type the region refuses at plan time) → review → apply → the scaling dashboard
//! (manual scale, chart export) → stacks → tear down, checks each step against the emulator, and
//! saves a screenshot of every screen.
//!
//! Needs a display, `tauri-driver` and `WebKitWebDriver`, so it is ignored by default:
//! `scripts/test.sh` runs it with `xvfb-run … cargo test --test e2e -- --ignored`.

// Each test program compiles the harness on its own; this one walks every step by hand, so the
// shortcut to the Scaling step is the other tests', not dead code.
#[allow(dead_code)]
mod window;

use std::time::{Duration, Instant};

use fantoccini::Locator;

use escala_testkit::cloud::{counts, ec2, running};
use escala_testkit::unique_stack;
use window::screenshot;

const SEED: [usize; 6] = [1, 4, 1, 2, 1, 1];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver: run by scripts/test.sh under xvfb-run"]
async fn sandbox_wizard_from_connect_to_teardown_in_the_real_window() {
    let home = tempfile::tempdir().unwrap();
    let downloads = home.path().join("downloads");
    let (_driver, ui) = window::open(home.path(), &downloads).await;
    let stack = unique_stack("e2e");

    // 1. Connect: the app starts its own emulator. First, the language override in Settings: the
    // window is in English (LANG), Spanish once chosen, and back to following the system.
    ui.on_step("connect").await;
    screenshot("01-connect").await;
    let title = ui.el("step-title").await;
    assert_eq!(title.text().await.unwrap(), "Connect to AWS");
    ui.click("settings").await;
    ui.select("language-select", "es").await;
    ui.until("the Spanish title", || async {
        title.text().await.unwrap_or_default() == "Conéctate a AWS"
    })
    .await;
    screenshot("01-settings-es").await;
    ui.select("language-select", "auto").await;
    ui.until("the English title again", || async {
        title.text().await.unwrap_or_default() == "Connect to AWS"
    })
    .await;
    ui.escape().await;
    ui.until("the settings dialog to close on Escape", || async {
        ui.count("[data-testid=\"settings-dialog\"]").await == 0
    })
    .await;
    ui.click("mode-sandbox").await;
    ui.click("connect-sandbox").await;
    let account = ui.el("connection-account").await;
    ui.until("the sandbox account", || async {
        account
            .text()
            .await
            .unwrap_or_default()
            .contains("123456789012")
    })
    .await;
    let endpoint = ui.el("connection-endpoint").await.text().await.unwrap();
    assert!(
        escala_sandbox::is_up(&endpoint),
        "the app's emulator answers at {endpoint}"
    );
    let ec2 = ec2(&endpoint);
    screenshot("02-connected").await;
    ui.click("next").await;

    // 2. Region and zones.
    ui.on_step("region").await;
    ui.select("region-select", "us-east-1").await;
    ui.select("zone-count", "2").await;
    ui.el("ha-warning").await;
    screenshot("03-region").await;
    ui.click("next").await;

    // 3. Network: an invalid CIDR shows its error and blocks Continue.
    ui.on_step("network").await;
    ui.type_into("stack-name", &stack).await;
    ui.type_into("vpc-cidr", "10.0.0/16").await;
    ui.until("the CIDR error", || async {
        ui.errors_at("network.vpcCidr").await == 1
    })
    .await;
    assert!(
        ui.flag("next", "disabled").await,
        "Continue is blocked while the CIDR is invalid"
    );
    screenshot("04-network-invalid").await;
    ui.type_into("vpc-cidr", "10.0.0.0/16").await;
    ui.until("the error to clear and Continue to open", || async {
        ui.errors_at("network.vpcCidr").await == 0 && !ui.flag("next", "disabled").await
    })
    .await;
    ui.click("nat-single").await;
    ui.el("vpc-diagram").await;
    screenshot("05-network").await;
    ui.click("next").await;

    // 4. Scaling: the ASG route is offered first. A minimum above the maximum is the engine's
    // capacity error and blocks Continue.
    ui.on_step("scale").await;
    assert!(ui.flag("route-asg", "checked").await);
    ui.type_into("capacity-min", "5").await;
    ui.until("the capacity error", || async {
        ui.errors_at("route.asg.capacity").await == 1
    })
    .await;
    assert!(
        ui.flag("next", "disabled").await,
        "Continue is blocked while min > max"
    );
    screenshot("06-scale-invalid").await;
    ui.type_into("capacity-min", "1").await;
    // A well-formed type the region doesn't offer passes the offline check; the plan refuses it
    // and brings the wizard back here with the error at the field.
    ui.type_into("instance-type", "t3.nonesuch").await;
    ui.until("the capacity error to clear", || async {
        ui.errors_at("route.asg.capacity").await == 0
    })
    .await;
    ui.click("next").await;
    ui.on_step("scale").await;
    ui.until("the region's refusal of the instance type", || async {
        ui.errors_at("route.asg.instanceType").await == 1
    })
    .await;
    assert_eq!(
        counts(&ec2, &stack).await,
        [0; 6],
        "a refused plan creates nothing"
    );
    screenshot("07-scale-refused").await;
    ui.type_into("instance-type", "t3.micro").await;
    ui.until("the refusal to clear", || async {
        ui.errors_at("route.asg.instanceType").await == 0
    })
    .await;
    ui.el("scale-cost").await;
    screenshot("08-scale").await;
    ui.click("next").await;

    // 5. Review: the plan, and nothing created yet.
    ui.on_step("review").await;
    ui.until("the plan", || async {
        ui.count("[data-testid=\"plan-item\"][data-action=\"create\"]")
            .await
            >= 10
    })
    .await;
    assert_eq!(
        counts(&ec2, &stack).await,
        [0; 6],
        "the review touches nothing"
    );
    screenshot("09-review").await;
    ui.click("apply").await;

    // 6. Apply with live progress.
    ui.on_step("apply").await;
    ui.applied().await;
    assert_eq!(counts(&ec2, &stack).await, SEED);
    assert_eq!(running(&ec2, &stack).await, 2, "the group starts with 2");
    screenshot("10-applied").await;
    ui.click("to-dashboard").await;

    // 7. The dashboard: charts drawn by Rust, the group's size, a manual scale that EC2 follows,
    // an exported chart, and load offered at the sandbox's load balancer (scale_out.rs sends it).
    ui.on_step("dashboard").await;
    ui.el("dashboard-chart").await;
    let size = "[data-testid=\"group-size\"]";
    ui.until("the group's size", || async {
        ui.attr_of(size, "data-in-service").await.as_deref() == Some("2")
    })
    .await;
    let svg = ui
        .client
        .find(Locator::Css("[data-testid=\"dashboard-chart\"] svg"))
        .await
        .expect("the chart is an inline SVG");
    assert!(svg.attr("width").await.unwrap().is_some());
    ui.until(
        "load to be offered at the sandbox's load balancer",
        || async { !ui.flag("load-start", "disabled").await },
    )
    .await;
    ui.el("load-sandbox").await;
    screenshot("11-dashboard").await;
    ui.type_into("desired-input", "9").await;
    assert!(
        ui.flag("scale-apply", "disabled").await,
        "a size outside 1 … 4 can't be asked for"
    );
    ui.type_into("desired-input", "3").await;
    ui.click("scale-apply").await;
    ui.until("EC2 to run 3 instances", || async {
        running(&ec2, &stack).await == 3
    })
    .await;
    ui.until("the dashboard to show 3 desired", || async {
        ui.group_size().await.0 == 3
    })
    .await;
    // The sandbox publishes the group's capacity, healthy hosts and CPU as AWS does; no load is
    // sent here, so after a refresh only the requests panel is left without data.
    let start = Instant::now();
    loop {
        ui.click("dashboard-refresh").await;
        let chart = ui.chart().await;
        if chart.matches(escala_charts::EMPTY_STATE).count() == 1 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the capacity charts stayed empty"
        );
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
    ui.click("range-day").await;
    ui.click("export-svg").await;
    let chart = downloads.join(format!("{stack}-scaling-24h.svg"));
    ui.until("the exported chart", || async { chart.exists() })
        .await;
    assert!(std::fs::read_to_string(&chart).unwrap().contains("<svg"));
    ui.el("exported-chart").await;
    screenshot("12-scaled").await;
    ui.click("dashboard-back").await;

    // 8. Stacks: resources, export, tear down.
    ui.on_step("stacks").await;
    let row = format!("[data-testid=\"stack-row\"][data-name=\"{stack}\"]");
    ui.until("the stack listed as ready", || async {
        ui.attr_of(&row, "data-status").await.as_deref() == Some("ready")
    })
    .await;
    ui.click("stack-resources").await;
    ui.until("the resource table", || async {
        ui.count("[data-testid=\"resource-row\"]").await >= 10
    })
    .await;
    ui.el("open-dashboard").await;
    screenshot("13-stacks").await;
    ui.click("export-spec").await;
    let exported = ui.el("exported-path").await;
    let file = downloads.join(format!("{stack}.escala.yaml"));
    ui.until("the exported file", || async { file.exists() })
        .await;
    assert!(exported
        .text()
        .await
        .unwrap()
        .contains(&format!("{stack}.escala.yaml")));
    let spec = escala_core::spec::Spec::from_yaml(&std::fs::read_to_string(&file).unwrap())
        .expect("the export is a Spec the CLI takes");
    assert_eq!(
        (spec.name.as_str(), spec.network.vpc_cidr.as_str()),
        (stack.as_str(), "10.0.0.0/16")
    );
    assert!(spec.route.is_some(), "the export keeps the route");
    screenshot("14-export").await;
    // Escape closes the export dialog before the next action.
    ui.escape().await;

    ui.tear_down(&stack, Some("15-confirm-teardown")).await;
    assert_eq!(counts(&ec2, &stack).await, [0; 6]);
    assert_eq!(
        running(&ec2, &stack).await,
        0,
        "no instance is left running"
    );
    screenshot("16-torn-down").await;

    // Ending the session quits the app, and the emulator it started goes with it.
    ui.client.close().await.unwrap();
    let start = Instant::now();
    while escala_sandbox::is_up(&endpoint) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the app left its sandbox running"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

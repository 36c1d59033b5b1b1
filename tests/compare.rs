//! The Compare screen in the real window: the seeds' routes on a flash crowd, side by side with
//! their charts; a higher peak loses more; one target for every route, set from the keyboard,
//! changes the figures at once; and "Use this setting" carries the route and its target into the
//! wizard's Scaling step. Screenshots go to the artifacts.
//!
//! Needs a display, `tauri-driver` and `WebKitWebDriver`, so it is ignored by default:
//! `scripts/test.sh` runs it under `xvfb-run`.

// Each test program compiles the harness on its own; the helpers this one has no use for are the
// other tests', not dead code.
#[allow(dead_code)]
mod window;

use escala_testkit::unique_stack;
use window::screenshot;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver: run by scripts/test.sh under xvfb-run"]
async fn the_routes_compare_side_by_side_and_a_setting_goes_to_the_wizard() {
    let home = tempfile::tempdir().unwrap();
    let downloads = home.path().join("downloads");
    let (_driver, ui) = window::open(home.path(), &downloads).await;
    ui.to_scaling(&unique_stack("gui-compare"), None).await;

    ui.click("nav-compare").await;
    ui.on_step("compare").await;
    let rows = "[data-testid=\"compare-row\"]";
    ui.until("a row for each route", || async {
        ui.count(rows).await == 3
    })
    .await;
    let chart = ui.el("compare-chart").await.html(true).await.unwrap();
    for series in [
        "series-asg-capacity",
        "series-fargate-served",
        "series-kubernetes-demand",
    ] {
        assert!(chart.contains(series), "{series} in the chart");
    }
    screenshot("compare-01-flash-crowd").await;

    let lost = |route: &'static str| {
        let ui = &ui;
        async move {
            ui.attr_of(
                &format!("[data-testid=\"compare-row\"][data-route=\"{route}\"]"),
                "data-lost",
            )
            .await
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(-1.0)
        }
    };
    let before = lost("asg").await;
    ui.type_into("compare-peak", "800").await;
    ui.until("a higher peak losing more", || async {
        lost("asg").await > before
    })
    .await;

    // One target for every route, from the keyboard: 60 % down two steps of 5 is 50 %.
    let at_own = lost("asg").await;
    ui.click("compare-own-targets").await;
    let slider = ui.el("compare-target").await;
    slider.send_keys("\u{E012}\u{E012}").await.unwrap();
    ui.until("the target at 50 %", || async {
        ui.el("compare-target-value")
            .await
            .text()
            .await
            .is_ok_and(|t| t == "50 %")
    })
    .await;
    ui.until("the figures at the new target", || async {
        lost("asg").await != at_own
    })
    .await;
    screenshot("compare-02-target-50").await;

    ui.click("compare-use-asg").await;
    ui.on_step("scale").await;
    ui.until("the asg route chosen with the target carried", || async {
        ui.flag("route-asg", "checked").await
            && ui
                .el("target")
                .await
                .prop("value")
                .await
                .ok()
                .flatten()
                .as_deref()
                == Some("50")
    })
    .await;
    screenshot("compare-03-wizard").await;
    ui.client.close().await.unwrap();
}

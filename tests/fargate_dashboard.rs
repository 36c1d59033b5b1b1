//! The fargate route's scale-out in the real window: the app's own sandbox at a time factor,
//! seed-fargate's choices applied through the wizard (the chat's image built and pushed, its
//! tasks run as local chat servers behind the sandbox's load balancer, with a real Redis), chat
//! load started from the dashboard, and the service seen to scale out on its CPU through
//! Application Auto Scaling, with the charts filling; then torn down from the Stacks screen to
//! nothing. A screenshot of the dashboard mid-scale-out goes to the artifacts.
//!
//! Needs a display, `tauri-driver` and `WebKitWebDriver`, and the chat's release binaries
//! (ESCALA_CHAT_BIN, ESCALA_CHAT_WEB, ESCALA_CHAT_LOAD_BIN, which scripts/test.sh builds and
//! names), so it is ignored by default: `scripts/test.sh` runs it under `xvfb-run`.

// Each test program compiles the harness on its own; the form helpers this one has no use for are
// the end-to-end test's, not dead code.
#[allow(dead_code)]
mod window;

use escala_testkit::unique_stack;
use window::screenshot;

/// AWS's minute is 2 s: the scale-out alarm's 3 periods take 6 s.
const SPEED: &str = "30";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver, WebKitWebDriver and the chat's binaries: run by scripts/test.sh under xvfb-run"]
async fn chat_load_from_the_dashboard_scales_the_service_out_in_the_real_window() {
    let home = tempfile::tempdir().unwrap();
    let downloads = home.path().join("downloads");
    let (_driver, ui) = window::open(home.path(), &downloads).await;
    let stack = unique_stack("gui-chat");

    // seed-fargate's network, and its route: the wizard's Fargate defaults are the seed's.
    let endpoint = ui.to_scaling(&stack, Some(SPEED)).await;
    ui.click("route-fargate").await;
    ui.el("fargate-size").await;
    ui.click("next").await;
    ui.on_step("review").await;
    ui.click("apply").await;
    ui.on_step("apply").await;
    ui.applied().await;
    ui.click("to-dashboard").await;

    // Before: the service's 2 tasks serving, and the load panel offering chat messages.
    ui.on_step("dashboard").await;
    ui.until("two tasks serving", || async {
        ui.group_size().await == (2, 2)
    })
    .await;
    ui.el("load-clients").await;
    ui.until("load offered", || async {
        !ui.flag("load-start", "disabled").await
    })
    .await;

    // 200 clients in 20 rooms sending 3,000 messages a second (15 each, within the chat's limit of
    // 20): each costs its task the store, the publish through Redis and 9 deliveries, far above
    // 60% of a quarter vCPU. Fewer clients is refused before anything is sent.
    ui.type_into("load-clients", "40").await;
    ui.type_into("load-rps", "3000").await;
    ui.until("the per-client limit said", || async {
        ui.flag("load-start", "disabled").await
    })
    .await;
    ui.type_into("load-clients", "200").await;
    ui.type_into("load-rps", "3000").await;
    ui.type_into("load-seconds", "120").await;
    ui.click("load-start").await;
    ui.until("the readout counting both tasks", || async {
        ui.attr_of("[data-testid=\"load-readout\"]", "data-instances")
            .await
            .as_deref()
            == Some("2")
    })
    .await;
    ui.until("the service scaled out", || async {
        let (desired, serving) = ui.group_size().await;
        assert!(
            desired <= 6,
            "the service's bounds: at most 6, got {desired}"
        );
        desired >= 3 && serving >= 3
    })
    .await;
    ui.until("the charts to show the tasks' CPU", || async {
        let chart = ui.chart().await;
        !chart.contains(escala_charts::EMPTY_STATE) && chart.contains("class=\"marker\"")
    })
    .await;
    screenshot("fargate-dashboard-scale-out").await;

    ui.click("load-stop").await;
    ui.until("the load run to end", || async {
        ui.count("[data-testid=\"load-stop\"]").await == 0
    })
    .await;

    // Torn down from the Stacks screen: nothing is left, in AWS's view or as a process.
    ui.click("dashboard-back").await;
    ui.on_step("stacks").await;
    ui.tear_down(&stack, None).await;
    let world = escala_testkit::world::world(&endpoint);
    for part in ["services", "loadBalancers", "caches"] {
        assert_eq!(
            world[part].as_array().map(Vec::len),
            Some(0),
            "{part}: {world}"
        );
    }
    ui.client.close().await.unwrap();
}

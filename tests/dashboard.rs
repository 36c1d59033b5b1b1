//! The dashboard's commands, below the IPC layer, on the emulator: a stack with the asg route is
//! charted, scaled by hand (the instance count follows in EC2), exported, refused load in the
//! sandbox, and torn down to zero.

use std::sync::{Arc, Mutex};

use escala_core::progress::ProgressEvent;
use escala_core::spec::Spec;
use escala_core::store::Store;
use escala_desktop::service::{connect, dashboard, stacks};
use escala_desktop::state::AppState;
use escala_desktop::views::{ChartFormat, ChartRange};
use escala_testkit::cloud::{counts, ec2, running};
use escala_testkit::{emulator, unique_stack};

fn app() -> (AppState, tempfile::TempDir) {
    let home = tempfile::tempdir().unwrap();
    let record = serde_json::json!({"endpoint": emulator(), "pid": 0});
    std::fs::write(home.path().join("sandbox.json"), record.to_string()).unwrap();
    (AppState::new(Store::new(home.path()), "escala-test"), home)
}

fn discard() -> impl Fn(Vec<ProgressEvent>) + Send + 'static {
    let kept: Arc<Mutex<Vec<ProgressEvent>>> = Arc::default();
    move |batch| kept.lock().unwrap().extend(batch)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_asg_stack_is_charted_scaled_exported_and_torn_down() {
    let (state, home) = app();
    let ec2 = ec2(emulator());
    let stack = unique_stack("dash");
    connect::connect_sandbox(&state, Default::default())
        .await
        .unwrap();

    let yaml = format!(
        "{}route:\n  asg:\n    capacity: {{min: 1, desired: 1, max: 3}}\n",
        Spec::draft(&stack, "us-east-1", 2).to_yaml()
    );
    let spec = Spec::from_yaml(&yaml).unwrap();
    let review = stacks::plan(&state, spec.clone()).await.unwrap();
    assert!(
        review
            .cost
            .lines
            .iter()
            .any(|l| l.item.starts_with("Application Load Balancer")),
        "{:?}",
        review.cost.lines
    );
    stacks::apply(&state, spec.clone(), discard())
        .await
        .unwrap();
    assert_eq!(running(&ec2, &stack).await, 1);

    // The instance starts Pending: the sandbox runtime puts it InService once its process serves.
    let started = std::time::Instant::now();
    let view = loop {
        let view = dashboard::dashboard(&state, &stack, ChartRange::Hour, true, 900)
            .await
            .unwrap();
        let serving = view.group.as_ref().is_some_and(|g| g.in_service == 1);
        if serving || started.elapsed() > std::time::Duration::from_secs(20) {
            break view;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    let group = view.group.clone().expect("the group exists");
    assert_eq!((group.min, group.desired, group.max), (1, 1, 3));
    assert_eq!(group.in_service, 1);
    assert!(view.sandbox);
    let url = group.url.expect("the sandbox serves its load balancer");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_eq!(view.get_metric_data_calls, 1);
    let svg = roxmltree::Document::parse(&view.svg).expect("the charts are well-formed SVG");
    for id in ["series-cpu", "series-desired", "series-in-service"] {
        assert!(
            svg.descendants().any(|n| n.attribute("id") == Some(id)),
            "{id} is drawn"
        );
    }

    let scaled = dashboard::scale(&state, &stack, 3).await.unwrap();
    assert_eq!(scaled.desired, 3);
    assert_eq!(running(&ec2, &stack).await, 3, "EC2 follows the group");
    let refused = dashboard::scale(&state, &stack, 4).await.unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("outside the group's range 1 … 3"),
        "{refused}"
    );
    assert_eq!(
        running(&ec2, &stack).await,
        3,
        "a refused size changes nothing"
    );

    std::env::set_var("XDG_DOWNLOAD_DIR", home.path().join("charts"));
    let svg_file = dashboard::export_chart(&state, &stack, ChartRange::Week, ChartFormat::Svg)
        .await
        .unwrap();
    assert!(svg_file.path.ends_with(&format!("{stack}-scaling-7d.svg")));
    roxmltree::Document::parse(&std::fs::read_to_string(&svg_file.path).unwrap()).unwrap();
    let png_file = dashboard::export_chart(&state, &stack, ChartRange::Day, ChartFormat::Png)
        .await
        .unwrap();
    assert!(std::fs::read(&png_file.path)
        .unwrap()
        .starts_with(b"\x89PNG"));

    // The sandbox's load balancer serves: every instance of the scaled group answers.
    let load = dashboard::load(&state, &stack, 10, 5, |_| {})
        .await
        .unwrap();
    assert_eq!(load.status.success, load.completed, "{load:?}");
    assert!(load.completed >= 45, "{load:?}");
    assert!(
        load.distinct_body_count >= 2,
        "round robin over the instances: {load:?}"
    );

    let report = stacks::destroy(&state, &stack, discard()).await.unwrap();
    assert!(
        report.left.is_empty() && report.failed.is_empty(),
        "{report:?}"
    );
    assert_eq!(counts(&ec2, &stack).await, [0; 6]);
    assert_eq!(running(&ec2, &stack).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_only_stack_has_no_dashboard() {
    let (state, _home) = app();
    let stack = unique_stack("nodash");
    connect::connect_sandbox(&state, Default::default())
        .await
        .unwrap();
    let spec = Spec::draft(&stack, "us-east-1", 2);
    stacks::plan(&state, spec.clone()).await.unwrap();
    state.store().save_spec(&spec).unwrap();
    let err = dashboard::dashboard(&state, &stack, ChartRange::Hour, false, 900)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("has no group to chart or scale"),
        "{err}"
    );
}

//! The desktop app's commands, below the IPC layer, against the real emulator: the wizard's path
//! from connect to teardown, an interrupted apply that is listed and resumed, and bad input that
//! creates nothing.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use escala_core::progress::ProgressEvent;
use escala_core::spec::Spec;
use escala_core::store::{Operation, Store};
use escala_core::validate::{Rule, SpecRule};
use escala_core::CoreError;
use escala_desktop::error::AppError;
use escala_desktop::service::{connect, network, stacks};
use escala_desktop::state::AppState;
use escala_desktop::views::StackStatus;
use escala_testkit::cloud::{counts, ec2};
use escala_testkit::{emulator, unique_stack, FaultProxy, Faults};

/// The seed network: 1 VPC, 4 subnets, 1 internet gateway, 2 route tables, 1 address, 1 NAT.
const SEED: [usize; 6] = [1, 4, 1, 2, 1, 1];

/// An app state with its own folder, whose sandbox record points at `endpoint`, so
/// `connect_sandbox` takes the path of an app finding a sandbox the CLI already started.
fn app_at(endpoint: &str) -> (AppState, tempfile::TempDir) {
    let home = tempfile::tempdir().unwrap();
    let record = serde_json::json!({"endpoint": endpoint, "pid": 0});
    std::fs::write(home.path().join("sandbox.json"), record.to_string()).unwrap();
    (AppState::new(Store::new(home.path()), "escala-test"), home)
}

fn app() -> (AppState, tempfile::TempDir) {
    app_at(emulator())
}

type Events = Arc<Mutex<Vec<ProgressEvent>>>;

fn recorder() -> (Events, impl Fn(Vec<ProgressEvent>) + Send + 'static) {
    let events: Events = Arc::default();
    let sink = events.clone();
    (events, move |batch| sink.lock().unwrap().extend(batch))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wizard_path_applies_lists_exports_and_tears_down_to_zero() {
    let (state, home) = app();
    let ec2 = ec2(emulator());
    let stack = unique_stack("wizard");

    let connection = connect::connect_sandbox(&state, Default::default())
        .await
        .unwrap();
    assert_eq!(connection.account, "123456789012");
    assert_eq!(connection.endpoint.as_deref(), Some(emulator()));

    let regions = network::list_regions(&state).await.unwrap();
    let us_east = regions.iter().find(|r| r.name == "us-east-1").unwrap();
    assert!(us_east.zones.len() >= 2, "{:?}", us_east.zones);

    let mut spec = Spec::draft(&stack, "us-east-1", 2);
    spec.network.vpc_cidr = "10.0.0/16".into();
    let check = network::check_spec(&state, spec.clone()).await.unwrap();
    assert_eq!(check.errors.len(), 1, "{:?}", check.errors);
    assert_eq!(check.errors[0].rule, Rule::Spec(SpecRule::VpcCidr));
    assert_eq!(check.errors[0].field, "network.vpcCidr");
    spec.network.vpc_cidr = "10.0.0.0/16".into();
    let check = network::check_spec(&state, spec.clone()).await.unwrap();
    let resolved = check.network.expect("a valid network resolves");
    assert_eq!((resolved.public.len(), resolved.private.len()), (2, 2));
    assert!(
        check.cost.unwrap().monthly_usd > 30.0,
        "one NAT gateway is priced"
    );

    let review = stacks::plan(&state, spec.clone()).await.unwrap();
    assert_eq!(review.plan.summary.create, review.plan.changes.len());
    assert_eq!(
        counts(&ec2, &stack).await,
        [0; 6],
        "the review touches nothing"
    );

    let (events, send) = recorder();
    let report = stacks::apply(&state, spec.clone(), send).await.unwrap();
    let events = events.lock().unwrap().clone();
    assert!(matches!(
        events.first(),
        Some(ProgressEvent::Started { .. })
    ));
    assert!(matches!(
        events.last(),
        Some(ProgressEvent::Finished { failed: 0, .. })
    ));
    let done = events
        .iter()
        .filter(|e| matches!(e, ProgressEvent::Done { .. }))
        .count();
    assert_eq!(done, report.done.len());
    assert_eq!(counts(&ec2, &stack).await, SEED);

    let listed = stacks::list(&state).await.unwrap();
    let row = listed.iter().find(|s| s.name == stack).unwrap();
    assert_eq!(row.status, StackStatus::Ready);
    assert_eq!(row.in_sync, Some(true));
    assert_eq!(row.pending, None);
    let resources = stacks::resources(&state, &stack).await.unwrap();
    assert_eq!(row.resources, Some(resources.len() as u32));
    assert!(resources.iter().any(|f| f.kind == "Vpc"));

    let downloads = home.path().join("downloads");
    std::env::set_var("XDG_DOWNLOAD_DIR", &downloads);
    let exported = stacks::export(&state, &stack).unwrap();
    let file = std::fs::read_to_string(&exported.path).unwrap();
    assert!(exported.path.starts_with(downloads.to_str().unwrap()));
    assert_eq!(Spec::from_yaml(&file).unwrap(), spec);

    let (_, send) = recorder();
    let report = stacks::destroy(&state, &stack, send).await.unwrap();
    assert!(
        report.left.is_empty() && report.failed.is_empty(),
        "{report:?}"
    );
    assert_eq!(counts(&ec2, &stack).await, [0; 6]);
    assert!(
        stacks::list(&state).await.unwrap().is_empty(),
        "a stack torn down to zero is forgotten"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_apply_is_listed_as_such_and_resumes_without_duplicates() {
    // 40 ms per call: the cancel lands while the first tasks' dependents are still in flight, well
    // before the NAT gateway (four dependencies deep) can start.
    let proxy = FaultProxy::start(
        emulator(),
        Faults {
            latency: Duration::from_millis(40),
            ..Faults::default()
        },
    )
    .await
    .unwrap();
    let (state, _home) = app_at(proxy.endpoint());
    let state = Arc::new(state);
    let ec2 = ec2(emulator());
    let stack = unique_stack("resume");
    connect::connect_sandbox(&state, Default::default())
        .await
        .unwrap();
    let spec = Spec::draft(&stack, "us-east-1", 2);

    // Cancel as soon as the first task is done, as the Cancel button or closing the app would.
    let canceller = state.clone();
    let send = move |batch: Vec<ProgressEvent>| {
        if batch
            .iter()
            .any(|e| matches!(e, ProgressEvent::Done { .. }))
        {
            canceller.cancel_run();
        }
    };
    let err = stacks::apply(&state, spec.clone(), send).await.unwrap_err();
    assert!(
        matches!(
            err,
            AppError::Stacks(escala_stacks::StacksError::Aws(escala_aws::AwsError::Core(
                CoreError::Cancelled
            )))
        ),
        "{err:?}"
    );
    let made = counts(&ec2, &stack).await;
    assert!(made[0] == 1 && made != SEED, "cancelled half-way: {made:?}");
    let row = stacks::list(&state).await.unwrap().remove(0);
    assert_eq!(
        (row.status, row.pending),
        (StackStatus::Interrupted, Some(Operation::Apply))
    );

    let saved = stacks::load_spec(&state, &stack).unwrap();
    let (_, send) = recorder();
    stacks::apply(&state, saved.clone(), send).await.unwrap();
    assert_eq!(
        counts(&ec2, &stack).await,
        SEED,
        "resumed without duplicates"
    );
    assert_eq!(
        stacks::list(&state).await.unwrap()[0].status,
        StackStatus::Ready
    );

    let (_, send) = recorder();
    stacks::destroy(&state, &stack, send).await.unwrap();
    assert_eq!(counts(&ec2, &stack).await, [0; 6]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_before_anything_is_created_or_remembered() {
    let (state, _home) = app();
    let ec2 = ec2(emulator());
    let stack = unique_stack("bad");

    let mut spec = Spec::draft(&stack, "us-east-1", 2);
    let err = stacks::plan(&state, spec.clone()).await.unwrap_err();
    assert!(matches!(err, AppError::NotConnected), "{err:?}");

    connect::connect_sandbox(&state, Default::default())
        .await
        .unwrap();
    spec.network.public_subnets = Some(vec!["10.0.1.0/24".into(), "10.1.0.0/24".into()]);
    let (events, send) = recorder();
    let err = stacks::apply(&state, spec.clone(), send).await.unwrap_err();
    let api = escala_desktop::error::ApiError::from(err);
    assert_eq!(api.errors[0].rule, Rule::Spec(SpecRule::SubnetOutsideVpc));
    assert_eq!(api.errors[0].field, "network.publicSubnets[1]");
    assert!(events.lock().unwrap().is_empty());
    assert!(stacks::list(&state).await.unwrap().is_empty());
    assert_eq!(counts(&ec2, &stack).await, [0; 6]);

    let err = stacks::export(&state, "no-such-stack").unwrap_err();
    assert!(err.to_string().contains("no-such-stack"), "{err}");
}

//! Runs against a real local HTTP server: the rate, the counts by class and by error, the distinct
//! bodies, drops at the concurrency limit, and cancellation.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use escala_load::{run, LoadPlan, Report, Snapshot};
use escala_testkit::demo_fleet::{TestServer, INSTANCES};
use tokio_util::sync::CancellationToken;

/// Runs `plan` to its end, keeping every snapshot.
async fn load(plan: LoadPlan) -> (Report, Vec<Snapshot>) {
    let snapshots = Mutex::new(Vec::new());
    let report = run(
        &plan,
        |s| snapshots.lock().unwrap().push(s.clone()),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    (report, snapshots.into_inner().unwrap())
}

fn plan(url: &str, rps: u32, millis: u64) -> LoadPlan {
    LoadPlan::new(url, rps, Duration::from_millis(millis)).unwrap()
}

fn within(value: f64, target: f64, tolerance: f64) -> bool {
    (value - target).abs() <= target * tolerance
}

#[tokio::test]
async fn the_asked_rate_is_sent_and_answers_are_counted_by_instance() {
    let server = TestServer::start().await;
    let (report, snapshots) = load(plan(&server.url("/"), 200, 2000)).await;

    // The schedule makes the counts exact; only the rate depends on the clock.
    assert_eq!(
        (report.scheduled, report.sent, report.dropped),
        (400, 400, 0)
    );
    assert_eq!(report.completed, 400);
    assert_eq!(report.status.success, 400);
    assert_eq!(report.errors.total(), 0);
    assert_eq!(server.requests(), 400);
    assert!(
        within(report.achieved_rps, 200.0, 0.10),
        "achieved {} req/s",
        report.achieved_rps
    );
    assert!(!report.cancelled);
    let latency = report.latency.expect("answers have a latency");
    assert!(latency.p50_ms > 0.0);
    assert!(latency.p50_ms <= latency.p90_ms && latency.p90_ms <= latency.p99_ms);
    assert!(latency.p99_ms <= latency.max_ms);

    assert_eq!(report.distinct_body_count, 2);
    assert_eq!(
        report.distinct_bodies,
        [
            (INSTANCES[0].to_string(), 200),
            (INSTANCES[1].to_string(), 200)
        ]
    );

    // One snapshot a second and a final one that agrees with the report.
    assert!(snapshots.len() >= 2, "{snapshots:?}");
    let first = &snapshots[0];
    assert!(within(first.rps, 200.0, 0.25), "{first:?}");
    assert!(first.p50_ms.is_some() && first.p99_ms.is_some());
    let last = snapshots.last().unwrap();
    assert_eq!((last.sent, last.completed, last.errors), (400, 400, 0));

    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["status"]["2xx"], 400);
    assert_eq!(json["distinctBodies"][0][0], INSTANCES[0]);
    assert!(json["achievedRps"].is_f64());
    assert!(json["latency"]["p99Ms"].is_f64());
}

#[tokio::test]
async fn answers_are_counted_by_status_class_and_only_2xx_bodies_are_instances() {
    let server = TestServer::start().await;
    let ((mixed, _), (unavailable, _)) = tokio::join!(
        load(plan(&server.url("/mixed"), 40, 1000)),
        load(plan(&server.url("/unavailable"), 20, 1000)),
    );
    let s = mixed.status;
    assert_eq!(
        (s.success, s.redirect, s.client_error, s.server_error),
        (10, 10, 10, 10)
    );
    assert_eq!(mixed.completed, 40);
    assert_eq!(mixed.distinct_bodies, [("200 OK".to_string(), 10)]);

    assert_eq!(unavailable.status.server_error, 20);
    assert_eq!(unavailable.distinct_body_count, 0);
    assert!(unavailable.distinct_bodies.is_empty());
}

#[tokio::test]
async fn requests_without_an_answer_count_as_errors_by_cause() {
    let server = TestServer::start().await;
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/", listener.local_addr().unwrap())
    };
    let slow = plan(&server.url("/slow"), 20, 1000)
        .with_timeout(Duration::from_millis(200))
        .unwrap();
    let ((timed_out, snapshots), (refused, _)) =
        tokio::join!(load(slow), load(plan(&closed, 20, 1000)));

    assert_eq!(timed_out.sent, 20);
    assert_eq!(timed_out.errors.timeout, 20);
    assert_eq!(timed_out.completed, 0);
    assert_eq!(timed_out.latency, None);
    assert_eq!(snapshots.last().unwrap().errors, 20);

    assert_eq!(refused.errors.connect, 20);
    assert_eq!(refused.errors.total(), 20);
    assert_eq!(refused.completed, 0);
}

#[tokio::test]
async fn requests_due_at_the_concurrency_limit_are_dropped_not_queued() {
    let server = TestServer::start().await;
    // Two requests hang for the whole schedule (1.5 s timeout, 1 s run): every later one is dropped.
    let plan = plan(&server.url("/slow"), 20, 1000)
        .with_concurrency_limit(2)
        .unwrap()
        .with_timeout(Duration::from_millis(1500))
        .unwrap();
    let (report, _) = load(plan).await;
    assert_eq!((report.scheduled, report.sent, report.dropped), (20, 2, 18));
    assert_eq!(report.errors.timeout, 2);
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn cancelling_stops_early_and_still_reports() {
    let server = TestServer::start().await;
    let plan = plan(&server.url("/"), 100, 60_000);
    let cancel = CancellationToken::new();
    let canceller = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(500)).await;
        canceller.cancel();
    });
    let started = Instant::now();
    let report = run(&plan, |_| {}, cancel).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(report.cancelled);
    assert!(report.sent > 0 && report.sent < 200, "{report:?}");
    assert!(report.completed <= report.sent);
    assert_eq!(report.scheduled, report.sent + report.dropped);
}

#[tokio::test]
async fn an_unresolvable_host_fails_before_sending() {
    // `.invalid` never resolves (RFC 6761); most resolvers answer without asking the network.
    let plan = plan("http://escala-load-test.invalid/", 10, 1000);
    let error = run(&plan, |_| {}, CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(error.input(), Some(escala_load::Input::Url));
    assert!(
        error
            .to_string()
            .contains("cannot resolve 'escala-load-test.invalid'"),
        "{error}"
    );
}

#[test]
fn the_run_can_be_spawned_by_a_multi_threaded_app() {
    fn assert_send<T: Send>(_: T) {}
    let plan = plan("http://127.0.0.1:1/", 1, 1000);
    assert_send(run(&plan, |_| {}, CancellationToken::new()));
}

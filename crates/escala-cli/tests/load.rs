//! `escala load` against a local server: the JSON report's counts, the human summary, Ctrl-C, and
//! bad input refused (exit 3, the flag named) before a single request is sent.

mod support;

use std::process::{Output, Stdio};
use std::time::Duration;

use escala_testkit::demo_fleet::{TestServer, INSTANCES};
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use serde_json::Value;
use support::{text, Cli};

const INVALID: i32 = 3;

/// `escala load` with `--url`, `--rps` and `--duration` from `base`, each replaced by an `overrides`
/// pair naming the same flag, plus the other pairs.
fn load_args(base: [(&str, &str); 3], overrides: &[(&str, &str)]) -> Vec<String> {
    let mut args = vec!["load".to_string()];
    for (flag, value) in base {
        if !overrides.iter().any(|(f, _)| *f == flag) {
            args.extend([flag.to_string(), value.to_string()]);
        }
    }
    for (flag, value) in overrides {
        args.extend([flag.to_string(), value.to_string()]);
    }
    args
}

/// Runs the binary off the runtime's threads, so the test server keeps answering meanwhile.
async fn escala(args: Vec<String>) -> Output {
    // `load` calls no AWS API: the endpoint is never used.
    let cli = Cli::new("http://127.0.0.1:9");
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        cli.run(&args)
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_json_report_counts_what_the_server_answered() {
    let server = TestServer::start().await;
    let url = server.url("/");
    let base = [
        ("--url", url.as_str()),
        ("--rps", "50"),
        ("--duration", "1s"),
    ];
    let out = escala(load_args(base, &[("--output", "json")])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON document on stdout");
    assert_eq!(report["sent"], 50);
    assert_eq!(report["completed"], 50);
    assert_eq!(report["dropped"], 0);
    assert_eq!(report["status"]["2xx"], 50);
    assert_eq!(report["errors"]["timeout"], 0);
    assert_eq!(report["distinctBodyCount"], 2);
    assert_eq!(
        report["distinctBodies"],
        serde_json::json!([[INSTANCES[0], 25], [INSTANCES[1], 25]])
    );
    assert_eq!(server.requests(), 50);
    // Progress went to stderr as JSON lines, the last one agreeing with the report.
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last: Value = serde_json::from_str(stderr.lines().last().expect("a snapshot")).unwrap();
    assert_eq!(last["sent"], 50);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_human_summary_says_how_many_instances_answered() {
    let server = TestServer::start().await;
    let url = server.url("/");
    let out = escala(load_args(
        [
            ("--url", url.as_str()),
            ("--rps", "20"),
            ("--duration", "1s"),
        ],
        &[],
    ))
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("instances  2 "), "{stdout}");
    assert!(
        stdout.contains(INSTANCES[0]) && stdout.contains(INSTANCES[1]),
        "{stdout}"
    );
    assert!(stdout.contains("2xx 20 "), "{stdout}");
    // Without a terminal, the live readout is plain lines on stderr.
    assert!(String::from_utf8_lossy(&out.stderr).contains("req/s"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_early_and_still_prints_the_report() {
    let server = TestServer::start().await;
    let url = server.url("/");
    let args = load_args(
        [
            ("--url", url.as_str()),
            ("--rps", "50"),
            ("--duration", "1m"),
        ],
        &[("--output", "json")],
    );
    let cli = Cli::new("http://127.0.0.1:9");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let child = cli
        .command(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Requests arriving means the run, and so its Ctrl-C handler, has started.
    while server.requests() < 10 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    kill(Pid::from_raw(child.id() as i32), Signal::SIGINT).unwrap();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("the report on stdout");
    assert_eq!(report["cancelled"], true);
    let sent = report["sent"].as_u64().unwrap();
    assert!((10..1000).contains(&sent), "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_exits_3_naming_the_flag_and_sends_nothing() {
    let server = TestServer::start().await;
    let url = server.url("/");
    let base = [
        ("--url", url.as_str()),
        ("--rps", "10"),
        ("--duration", "1s"),
    ];
    let cases: [(&[(&str, &str)], &str); 12] = [
        (&[("--rps", "0")], "--rps: the rate must be 1 to 20000"),
        (&[("--rps", "20001")], "--rps: the rate must be 1 to 20000"),
        (
            &[("--duration", "0s")],
            "--duration: the duration must be more than 0s",
        ),
        (
            &[("--duration", "2h")],
            "--duration: the duration must be more than 0s and at most 1h",
        ),
        (
            &[("--duration", "30")],
            "--duration: '30' is not a duration",
        ),
        (
            &[("--url", "https://alb.example.com/")],
            "--url: 'https://alb.example.com/' uses https",
        ),
        (
            &[("--url", "ftp://alb.example.com/")],
            "--url: 'ftp://alb.example.com/' uses ftp://",
        ),
        (
            &[("--url", "http://:8080/")],
            "--url: 'http://:8080/' has no host",
        ),
        (
            &[("--url", "http://exa mple/")],
            "--url: 'http://exa mple/' is not a valid URL",
        ),
        (
            &[("--url", "http://escala-load-test.invalid/")],
            "--url: cannot resolve",
        ),
        (
            &[("--concurrency", "0")],
            "--concurrency: the concurrency limit must be 1 to 10000",
        ),
        (
            &[("--request-timeout", "2m")],
            "--request-timeout: the request timeout must be 1ms to 1m",
        ),
    ];
    for (overrides, message) in cases {
        let out = escala(load_args(base, overrides)).await;
        assert_eq!(
            out.status.code(),
            Some(INVALID),
            "{overrides:?}: {}",
            text(&out)
        );
        assert!(
            text(&out).contains(message),
            "{overrides:?}: {}",
            text(&out)
        );
        assert!(out.stdout.is_empty(), "{overrides:?}: {}", text(&out));
    }
    // Scripts get the error as JSON on stderr, with the same code.
    let out = escala(load_args(base, &[("--rps", "0"), ("--output", "json")])).await;
    assert_eq!(out.status.code(), Some(INVALID));
    let error: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(error["error"]["code"], "invalid");
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("--rps: "));

    assert_eq!(server.requests(), 0);
}

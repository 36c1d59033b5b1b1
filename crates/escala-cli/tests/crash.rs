//! Crash safety: SIGKILL the CLI at several points of an apply, re-run, and it converges with no
//! duplicates; a destroy killed half-way, re-run, leaves zero; destroy right after a crashed apply
//! leaves zero too.

mod support;

use std::time::Duration;

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use support::*;

use escala_testkit::cloud::{counts, ec2};
use escala_testkit::{emulator, unique_stack, FaultProxy, Faults};

/// The seed network: 1 VPC, 4 subnets, 1 internet gateway, 2 route tables, 1 address, 1 NAT.
const SEED: [usize; 6] = [1, 4, 1, 2, 1, 1];

async fn slow_proxy() -> FaultProxy {
    // 40 ms per call stretches an apply over about a second, so the kills land mid-way.
    FaultProxy::start(
        emulator(),
        Faults {
            latency: Duration::from_millis(40),
            ..Faults::default()
        },
    )
    .await
    .unwrap()
}

/// Runs the command with JSON progress and SIGKILLs it right after its `done`-th finished task, so
/// the crash lands at a known point whatever the machine's speed. Asserts it really died mid-way.
async fn kill_after_done(cli: &Cli, args: &[&str], done: usize) {
    use std::io::{BufRead, BufReader};
    let mut args = args.to_vec();
    args.extend(["--output", "json"]);
    let mut child = cli
        .command(&args)
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = Pid::from_raw(child.id() as i32);
    let stderr = child.stderr.take().unwrap();
    let status = tokio::task::spawn_blocking(move || {
        let mut seen = 0;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains(r#""event":"done""#) {
                seen += 1;
                if seen == done {
                    let _ = kill(pid, Signal::SIGKILL);
                    break;
                }
            }
        }
        child.wait().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(
        status.code(),
        None,
        "{args:?} finished before its {done}th task: the kill must land mid-way"
    );
}

/// An apply two calls at a time, killed after its `done`-th task: the bound on what is in flight
/// keeps each kill mid-way.
async fn kill_apply_after(cli: &Cli, spec: &std::path::Path, done: usize) {
    let args = ["apply", "-f", path_str(spec), "--yes", "--parallelism", "2"];
    kill_after_done(cli, &args, done).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_killed_at_several_points_converges_without_duplicates() {
    let proxy = slow_proxy().await;
    let cli = Cli::new(proxy.endpoint());
    let stack = unique_stack("crash");
    let spec = cli.spec(&stack, &seed_yaml(&stack));
    let ec2 = ec2(emulator());
    // Each run gets further: 1, then 4 more, then 4 more of the 21 tasks before the kill.
    let mut made = Vec::new();
    for done in [1, 4, 4] {
        kill_apply_after(&cli, &spec, done).await;
        made.push(counts(&ec2, &stack).await);
    }
    assert_ne!(
        made[0], made[2],
        "later runs build on earlier ones: {made:?}"
    );
    let out = cli.run(&["apply", "-f", path_str(&spec), "--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        counts(&ec2, &stack).await,
        SEED,
        "duplicates or missing resources"
    );
    let plan = cli.run(&["plan", "-f", path_str(&spec), "--output", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    let s = &json["plan"]["summary"];
    assert_eq!(
        (
            s["create"].as_u64(),
            s["update"].as_u64(),
            s["replace"].as_u64(),
            s["delete"].as_u64()
        ),
        (Some(0), Some(0), Some(0), Some(0)),
        "{json}"
    );

    // A destroy killed half-way, then re-run, leaves nothing.
    kill_after_done(&cli, &["destroy", "--stack", &stack, "--yes"], 3).await;
    assert_ne!(counts(&ec2, &stack).await, [0; 6]);
    let out = cli.run(&["destroy", "--stack", &stack, "--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("0 resources left"), "{}", text(&out));
    assert_eq!(counts(&ec2, &stack).await, [0; 6]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn destroy_after_a_crashed_apply_leaves_zero() {
    let proxy = slow_proxy().await;
    let cli = Cli::new(proxy.endpoint());
    let stack = unique_stack("halfmade");
    let spec = cli.spec(&stack, &seed_yaml(&stack));
    let ec2 = ec2(emulator());
    // A kill after the 5th task, two at a time, leaves at most 7 of the 10 resources made.
    kill_apply_after(&cli, &spec, 5).await;
    let made = counts(&ec2, &stack).await;
    assert!(made[0] == 1 && made != SEED, "half made: {made:?}");
    let out = cli.run(&["destroy", "--stack", &stack, "--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(counts(&ec2, &stack).await, [0; 6]);
}

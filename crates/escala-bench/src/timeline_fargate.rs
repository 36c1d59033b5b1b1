//! The fargate route's scale-out timeline in the live sandbox: seed-fargate applied (its 2 tasks
//! chat servers behind the sandbox's load balancer, with a real Redis), `escala-chat-load` sending
//! messages through the load balancer, and the time from the load's start to each step of the
//! scale-out (target tracking's AlarmHigh in ALARM, the service's new desired count, the first new
//! task RUNNING, the first new task answering through the load balancer), on the wall clock and on
//! the sandbox's clock, beside what AWS documents for the same policy.
//!
//! usage: bench-timeline-fargate [--speed N] [--rate MESSAGES_PER_SECOND] [--clients N]

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::Duration;

use escala_bench::sandbox::Home;
use escala_bench::steps::{alarm_high, Documented, Steps};
use escala_testkit::world::wait;
use serde_json::Value;

const USAGE: &str = "bench-timeline-fargate [--speed N] [--rate MESSAGES_PER_SECOND] [--clients N]";
const SERVICE: &str = "chat";

/// What AWS documents for each step of seed-fargate's scale-out (target tracking on 60% of the
/// service's average CPU, an ip target group with ALB's default health check), counted from the
/// moment the CPU goes above the target.
const AWS: Documented = [
    (
        "alarm in ALARM",
        "≥ 180 s: AlarmHigh needs 3 datapoints of 60 s above the target (ECS publishes CPU each minute)",
    ),
    (
        "new desired count",
        "at the alarm: the policy acts on ALARM, no cooldown for a first scale-out",
    ),
    (
        "first new task RUNNING",
        "Fargate's provisioning and image pull, undocumented (tens of seconds); the sandbox's process starts in ms",
    ),
    (
        "first new task serving",
        "+ 120 to 150 s after RUNNING: 5 healthy checks in a row (HealthyThresholdCount), 30 s apart",
    ),
];

/// The service as the emulator's world shows it: its desired count and its RUNNING tasks' IPs.
fn service(world: &Value) -> (u64, BTreeSet<String>) {
    let s = world["services"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["name"] == SERVICE);
    let Some(s) = s else {
        return (0, BTreeSet::new());
    };
    let running = s["tasks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t["lastStatus"] == "RUNNING")
        .filter_map(|t| t["ip"].as_str().map(String::from))
        .collect();
    (s["desired"].as_u64().unwrap_or(0), running)
}

/// `/healthz` through the load balancer, pinned to the task at `ip` by ALB's stickiness cookie:
/// the answering instance, when it answers 200.
fn serves(url: &str, ip: &str) -> Option<String> {
    let out = Command::new("curl")
        .args(["-s", "-f", "--max-time", "2", &format!("{url}/healthz")])
        .args(["--cookie", &format!("AWSALB={ip}")])
        .output()
        .ok()?;
    let health: Value = serde_json::from_slice(&out.stdout).ok()?;
    health["instance"].as_str().map(String::from)
}

fn main() {
    let mut flags = escala_bench::flags::Flags::from_env(USAGE);
    let (mut speed, mut rate, mut clients) = (10.0f64, 3000u32, 200u32);
    while let Some(flag) = flags.next_flag() {
        match flag.as_str() {
            "--speed" => speed = flags.value(&flag, "a time factor"),
            "--rate" => rate = flags.value(&flag, "messages per second"),
            "--clients" => clients = flags.value(&flag, "a count"),
            other => flags.fail(&format!("unknown flag {other}")),
        }
    }
    let load_bin = std::env::var("ESCALA_CHAT_LOAD_BIN").unwrap_or_else(|_| {
        flags.fail("ESCALA_CHAT_LOAD_BIN names escala-chat-load (scripts/bench.sh sets it)")
    });
    let home = Home::start(speed);
    // The schedule is left out: the sandbox's clock could reach it during the run.
    home.apply_example("seed-fargate", "timeline", |l| {
        (!l.contains("scheduled:")).then(|| l.to_string())
    });
    let patience = Duration::from_secs_f64(1800.0 / speed + 60.0);
    let url = home.balancer_url();
    // The first two tasks, and the instances they answer as. A cookie naming a target that isn't
    // healthy yet is answered by a healthy one, as ALB does, so a new task serves once its own
    // instance answers.
    let (first, answered) = wait("the service's 2 tasks serving", patience, || {
        let (_, running) = service(&home.world());
        let answered: BTreeSet<String> = running.iter().filter_map(|ip| serves(&url, ip)).collect();
        (running.len() == 2 && answered.len() == 2).then_some((running, answered))
    });
    println!(
        "speed {speed}×, {clients} chat clients in {} rooms sending {rate} messages/s through the load balancer, on 2 tasks of 256 CPU units",
        clients.div_ceil(10)
    );
    let mut steps = Steps::start();
    let mut load = Command::new(&load_bin)
        .args(["run", "--url", &url, "--keep-going", "--duration", "3600"])
        .args(["--clients", &clients.to_string()])
        .args(["--rooms", &clients.div_ceil(10).to_string()])
        .args(["--rates", &rate.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("escala-chat-load runs");
    while steps.waiting(patience) {
        let w = home.world();
        let alarm = alarm_high(&w);
        let (desired, running) = service(&w);
        let new: Vec<&String> = running.difference(&first).collect();
        let reached = [
            alarm,
            desired > 2,
            !new.is_empty(),
            new.iter()
                .any(|ip| serves(&url, ip).is_some_and(|i| !answered.contains(&i))),
        ];
        steps.see(reached);
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = load.kill();
    let _ = load.wait();
    steps.print(&AWS, speed);
    home.destroy("timeline");
}

//! The scale-out timeline in the live sandbox: seed-asg applied, load sent through its load
//! balancer, and the time from the load's start to each step of the scale-out (the target-tracking
//! alarm in ALARM, the new desired capacity, the first new instance InService, the first answer
//! from it through the load balancer), on the wall clock and on the sandbox's clock (the wall
//! clock times the speed), beside what AWS documents for the same policy.
//!
//! usage: bench-timeline [--speed N] [--rps R]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Stdio;
use std::time::Duration;

use escala_bench::sandbox::Home;
use escala_bench::steps::{alarm_high, Documented, Steps};
use escala_testkit::world::{group, in_service, wait};

const USAGE: &str = "bench-timeline [--speed N] [--rps R]";

/// One GET through the load balancer: the body, which is the answering instance's id.
fn answer(url: &str) -> Option<String> {
    let addr = url.strip_prefix("http://")?.trim_end_matches('/');
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    s.write_all(format!("GET / HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes())
        .ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let (head, body) = text.split_once("\r\n\r\n")?;
    // An HTTP/1.0 request gets an HTTP/1.0 status line: only the code matters.
    (head.split_whitespace().nth(1) == Some("200")).then(|| body.trim().to_string())
}

/// What AWS documents for each step of seed-asg's scale-out (target tracking on 70% CPU, ALB
/// target group with its defaults), counted from the moment the CPU goes above the target.
const AWS: Documented = [
    (
        "alarm in ALARM",
        "≥ 180 s: AlarmHigh needs 3 datapoints of 60 s above the target (target tracking's alarm)",
    ),
    (
        "new desired capacity",
        "at the alarm: the policy acts on the ALARM state, no cooldown for a first scale-out",
    ),
    (
        "first new instance InService",
        "EC2 boot and user data, undocumented (minutes); the sandbox's process starts in ms",
    ),
    (
        "traffic served by it",
        "+ 120 to 150 s after InService: 5 healthy checks in a row (HealthyThresholdCount), 30 s apart",
    ),
];

fn main() {
    let mut flags = escala_bench::flags::Flags::from_env(USAGE);
    let (mut speed, mut rps) = (10.0f64, 90u32);
    while let Some(flag) = flags.next_flag() {
        match flag.as_str() {
            "--speed" => speed = flags.value(&flag, "a time factor"),
            "--rps" => rps = flags.value(&flag, "requests per second"),
            other => flags.fail(&format!("unknown flag {other}")),
        }
    }
    let home = Home::start(speed);
    // The schedule is left out: the sandbox's clock could reach 08:00 during the run.
    home.apply_seed("timeline", |l| {
        (!l.contains("scheduled:") && !l.contains("business-hours")).then(|| l.to_string())
    });
    let name = "timeline-web";
    // Half an hour of AWS's clock, and a minute for this machine.
    let patience = Duration::from_secs_f64(1800.0 / speed + 60.0);
    let first = wait("the first instance InService", patience, || {
        in_service(group(&home.world(), name)?).into_iter().next()
    });
    let url = home.balancer_url();
    wait("the first instance's answer", patience, || {
        (answer(&url)? == first).then_some(())
    });
    println!("speed {speed}×, {rps} requests/s of 20 ms CPU each on one t3.micro (2 vCPUs)");
    let mut steps = Steps::start();
    let mut load = home
        .command(&[
            "load",
            "--url",
            &url,
            "--rps",
            &rps.to_string(),
            "--duration",
            "3600s",
        ])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    while steps.waiting(patience) {
        let w = home.world();
        let alarm = alarm_high(&w);
        let g = group(&w, name).cloned().unwrap_or_default();
        let new: Vec<String> = in_service(&g).into_iter().filter(|i| *i != first).collect();
        let reached = [
            alarm,
            g["desired"].as_u64().is_some_and(|d| d > 1),
            !new.is_empty(),
            !new.is_empty() && (0..4).any(|_| answer(&url).is_some_and(|a| new.contains(&a))),
        ];
        steps.see(reached);
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = load.kill();
    let _ = load.wait();
    steps.print(&AWS, speed);
    home.destroy("timeline");
}

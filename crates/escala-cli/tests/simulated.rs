//! The simulator against the live sandbox: seed-asg's scale-out under a step of load, measured in
//! a sandbox of its own at 30×, and simulated with the same policy and the sandbox's delays. The
//! load starts at an unknown second of the sandbox's metric minute, so the simulation is run for
//! every phase of it: the measured time from the load to the new desired capacity must fall within
//! the simulated range, give or take the measurement's error, and the peak capacity must be the
//! same. BENCHMARKS.md records the agreement.

mod support;

use std::time::{Duration, Instant};

use escala_core::spec::Spec;
use escala_sim::shapes::Shape;
use escala_sim::{simulate, Delays};
use escala_testkit::world::{group, world};
use support::sandbox::{balancer_url, first_in_service, seed_asg, Home, SPEED};

/// How often the group is read, in wall time: the measurement's error on the sandbox's clock is
/// this times the speed, plus a runtime round.
const POLL: Duration = Duration::from_millis(100);
/// The load, in wall seconds, and its rate: 90 requests a second of 20 ms on a t3.micro's 2
/// vCPUs is 90 % CPU, above the seed's 70 % target.
const LOAD_SECONDS: u64 = 25;
const RPS: u32 = 90;

#[test]
fn the_sandboxs_scale_out_falls_where_the_simulator_puts_it() {
    let speed: f64 = SPEED.parse().unwrap();
    let home = Home::new();
    let endpoint = home.start();
    let path = seed_asg(&home, "sim-asg");
    let spec = Spec::from_yaml(&std::fs::read_to_string(&path).unwrap()).unwrap();
    home.run(&["apply", "-f", path.to_str().unwrap(), "--yes"]);
    let name = "sim-asg-web";
    first_in_service(&endpoint, name);
    let url = balancer_url(&endpoint);
    let mut load = home
        .command(&[
            "load",
            "--url",
            &url,
            "--rps",
            &RPS.to_string(),
            "--duration",
            &format!("{LOAD_SECONDS}s"),
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut scaled_at = None;
    let mut peak = 1;
    while started.elapsed() < Duration::from_secs(LOAD_SECONDS) {
        if let Some(desired) = group(&world(&endpoint), name).and_then(|g| g["desired"].as_u64()) {
            if desired >= 2 && scaled_at.is_none() {
                scaled_at = Some(started.elapsed());
            }
            peak = peak.max(desired);
        }
        std::thread::sleep(POLL);
    }
    load.wait().unwrap();
    // The load the sandbox recorded, as a trace: its rate is the one sent.
    let out = home.run(&[
        "simulate",
        "--trace",
        "recorded:sim-asg",
        "--routes",
        "asg",
        "-f",
        path.to_str().unwrap(),
        "-o",
        "json",
    ]);
    let recorded: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rate = recorded["trace"]["peak"].as_f64().unwrap();
    assert!(
        (f64::from(RPS) * 0.8..=f64::from(RPS) * 1.2).contains(&rate),
        "recorded {rate} requests a second of {RPS}"
    );
    home.run(&["destroy", "--stack", "sim-asg", "--yes"]);
    let measured = scaled_at
        .expect("the group scaled out under the load")
        .as_secs_f64()
        * speed;

    // The sandbox's instances serve as soon as their process does: no EC2 boot.
    let delays = Delays {
        ec2_boot: 0,
        ..Delays::default()
    };
    let sandbox_seconds = (LOAD_SECONDS as f64 * speed) as u64;
    let mut simulated = Vec::new();
    let mut simulated_peak = 0;
    for phase in (0..60).step_by(5) {
        let trace = Shape::parse(&format!(
            "step:before=0,after={RPS},at={phase},duration={}",
            phase + sandbox_seconds
        ))
        .unwrap()
        .trace()
        .unwrap();
        let out = simulate(
            &[spec.route.as_ref().unwrap()],
            &["asg"],
            &trace,
            &delays,
            1,
        )
        .unwrap();
        let step = out[0]
            .timeline
            .iter()
            .find(|p| p.desired >= 2.0)
            .map(|p| p.t - phase);
        simulated.push(step.expect("the simulated group scales out"));
        simulated_peak = simulated_peak.max(out[0].summary.peak_capacity);
    }
    let (low, high) = (
        *simulated.iter().min().unwrap() as f64,
        *simulated.iter().max().unwrap() as f64,
    );
    // The poll's and a runtime round's error, on the sandbox's clock, and the first load's ramp.
    let tolerance = (POLL.as_secs_f64() + 0.25) * speed + 5.0;
    eprintln!("scale-out after the load: measured {measured:.0} s, simulated {low}–{high} s (± {tolerance:.0} s); peak {peak} and {simulated_peak}");
    assert!(
        measured >= low - tolerance && measured <= high + tolerance,
        "measured {measured:.0} s, simulated {low}–{high} s, tolerance {tolerance:.0} s"
    );
    // The simulated run is longer than the peak needs: its peak is the instances the load needs.
    assert_eq!(peak, u64::from(simulated_peak), "the peak capacity");
}

//! bench-sim: the what-if simulator's speed and memory. Seven days of demand at 1-second
//! resolution (a daily cycle between 10 and 250 requests a second: 604,800 points) run for the
//! three seeds, and a 500-point sweep of the asg seed's target (40 % to 89.9 %) on that trace;
//! each figure printed beside its goal (50 ms for the three routes, 1 s for the sweep) as a ratio,
//! with the peak memory of the process.

use std::time::{Duration, Instant};

use escala_core::spec::Spec;
use escala_sim::shapes::Shape;
use escala_sim::sweep::{sweep, Axis};
use escala_sim::{simulate, Delays};

const ROUTES_GOAL: Duration = Duration::from_millis(50);
const SWEEP_GOAL: Duration = Duration::from_secs(1);

const USAGE: &str = "bench-sim [--runs 5]";

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let runs = escala_bench::flags::Flags::runs_only(USAGE, 5);
    let specs: Vec<Spec> = [
        include_str!("../../../examples/seed-asg.yaml"),
        include_str!("../../../examples/seed-fargate.yaml"),
        include_str!("../../../examples/seed-eks.yaml"),
    ]
    .iter()
    .map(|y| Spec::from_yaml(y).expect("a seed"))
    .collect();
    let routes: Vec<_> = specs.iter().filter_map(|s| s.route.as_ref()).collect();
    let trace = Shape::parse("daily:low=10,high=250,days=7")
        .unwrap()
        .trace()
        .unwrap();
    let delays = Delays::default();

    let mut times = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let out = simulate(
            &routes,
            &["asg", "fargate", "kubernetes"],
            &trace,
            &delays,
            60,
        )
        .unwrap();
        times.push(started.elapsed());
        assert_eq!(out.len(), 3);
    }
    let week = median(times);
    let rss_kb = escala_bench::procfs::status_kb(std::process::id(), "VmHWM:");

    let axes = [Axis::parse("target=40..89.9:0.1").unwrap()];
    let sweeps = runs.min(3);
    let mut times = Vec::new();
    for _ in 0..sweeps {
        let started = Instant::now();
        let points = sweep(routes[0], "asg", &axes, &trace, &delays).unwrap();
        times.push(started.elapsed());
        assert_eq!(points.len(), 500);
    }
    let swept = median(times);

    println!("| figure | median | goal | median / goal |");
    println!("| --- | ---: | ---: | ---: |");
    println!(
        "| 7 days at 1 s, 3 routes ({runs} runs) | {:.1} ms | {} ms | {:.2}× |",
        week.as_secs_f64() * 1e3,
        ROUTES_GOAL.as_millis(),
        week.as_secs_f64() / ROUTES_GOAL.as_secs_f64()
    );
    println!(
        "| 500-point sweep on it, asg ({sweeps} runs) | {:.0} ms | {} ms | {:.2}× |",
        swept.as_secs_f64() * 1e3,
        SWEEP_GOAL.as_millis(),
        swept.as_secs_f64() / SWEEP_GOAL.as_secs_f64()
    );
    println!(
        "| peak memory after the 7-day runs | {:.1} MB | | |",
        rss_kb as f64 / 1024.0
    );
}

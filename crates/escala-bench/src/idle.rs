//! The live sandbox's own cost: CPU and memory of the runtime, the emulator and the instance
//! processes, first with no stack (the baseline), then in the same sandbox with seed-asg held at
//! 20 idle instances (the most a sandbox runs), each over the same window of wall time.
//!
//! usage: bench-idle [--speed N] [--seconds S]

use std::time::{Duration, Instant};

use escala_bench::procfs::{cpu_time, process_tree, pss_kb, status_kb};
use escala_bench::sandbox::Home;
use escala_testkit::world::{group, in_service, wait};

const USAGE: &str = "bench-idle [--speed N] [--seconds S]";
const INSTANCES: usize = 20;

/// One part of the sandbox: its processes' CPU over the window (percent of one core) and their
/// memory at its end.
#[derive(Default, Clone, Copy)]
struct Part {
    processes: usize,
    cpu_percent: f64,
    rss_mb: f64,
    pss_mb: f64,
}

/// The runtime (the `sandbox serve` process), the emulator (its other descendants) and the
/// instances (the processes the runtime recorded), measured over `window`.
fn measure(home: &Home, window: Duration) -> [Part; 3] {
    let instances = home.instance_pids();
    let emulator: Vec<u32> = process_tree(home.pid)
        .into_iter()
        .filter(|p| *p != home.pid && !instances.contains(p))
        .collect();
    let parts = [vec![home.pid], emulator, instances];
    let before: Vec<Duration> = parts
        .iter()
        .map(|ps| ps.iter().map(|p| cpu_time(*p)).sum())
        .collect();
    let started = Instant::now();
    std::thread::sleep(window);
    let wall = started.elapsed().as_secs_f64();
    let mut out = [Part::default(); 3];
    for ((part, pids), before) in out.iter_mut().zip(&parts).zip(before) {
        let used: Duration = pids.iter().map(|p| cpu_time(*p)).sum();
        *part = Part {
            processes: pids.len(),
            cpu_percent: (used - before).as_secs_f64() / wall * 100.0,
            rss_mb: pids.iter().map(|p| status_kb(*p, "VmRSS:")).sum::<u64>() as f64 / 1024.0,
            pss_mb: pids.iter().map(|p| pss_kb(*p)).sum::<u64>() as f64 / 1024.0,
        };
    }
    out
}

fn main() {
    let mut flags = escala_bench::flags::Flags::from_env(USAGE);
    let (mut speed, mut seconds) = (1.0f64, 60u64);
    while let Some(flag) = flags.next_flag() {
        match flag.as_str() {
            "--speed" => speed = flags.value(&flag, "a time factor"),
            "--seconds" => seconds = flags.value(&flag, "seconds"),
            other => flags.fail(&format!("unknown flag {other}")),
        }
    }
    let window = Duration::from_secs(seconds);
    let home = Home::start(speed);
    let baseline = measure(&home, window);
    let capacity =
        format!("capacity: {{min: {INSTANCES}, desired: {INSTANCES}, max: {INSTANCES}}}");
    home.apply_seed("idle", |l| {
        if l.contains("scheduled:") || l.contains("business-hours") {
            None
        } else if l.contains("capacity: {min: 1") {
            Some(format!("    {capacity}"))
        } else {
            Some(l.to_string())
        }
    });
    wait("20 instances InService", Duration::from_secs(120), || {
        (in_service(group(&home.world(), "idle-web")?).len() == INSTANCES).then_some(())
    });
    // Their first health checks and metrics are behind them: what is left is the idle cost.
    std::thread::sleep(Duration::from_secs(5));
    let idle = measure(&home, window);
    println!("speed {speed}×, {seconds} s of wall time each; CPU in % of one core");
    println!(
        "{:<24} | {:>27} | {:>27}",
        "", "no stack", "20 idle instances"
    );
    println!(
        "{:<24} | {:>5} {:>10} {:>10} | {:>5} {:>10} {:>10}",
        "part", "procs", "CPU %", "RSS MB", "procs", "CPU %", "RSS MB"
    );
    let row = |name: &str, b: Part, i: Part| {
        println!(
            "{name:<24} | {:>5} {:>10.2} {:>10.1} | {:>5} {:>10.2} {:>10.1}",
            b.processes, b.cpu_percent, b.rss_mb, i.processes, i.cpu_percent, i.rss_mb
        )
    };
    let names = ["runtime (sandbox serve)", "emulator (moto)", "instances"];
    let mut totals = [Part::default(); 2];
    for ((name, b), i) in names.iter().zip(baseline).zip(idle) {
        row(name, b, i);
        for (t, p) in totals.iter_mut().zip([b, i]) {
            t.processes += p.processes;
            t.cpu_percent += p.cpu_percent;
            t.rss_mb += p.rss_mb;
            t.pss_mb += p.pss_mb;
        }
    }
    let [b, i] = totals;
    row("all", b, i);
    println!(
        "PSS (shared pages counted once): {:.1} MB with no stack, {:.1} MB with 20 idle instances",
        b.pss_mb, i.pss_mb
    );
    println!(
        "ratio 20 idle / no stack: CPU {:.2}×, PSS {:.2}×; per instance: {:.3}% CPU, {:.2} MB PSS",
        i.cpu_percent / b.cpu_percent.max(0.001),
        i.pss_mb / b.pss_mb,
        (i.cpu_percent - b.cpu_percent) / INSTANCES as f64,
        (i.pss_mb - b.pss_mb) / INSTANCES as f64
    );
    home.destroy("idle");
}

//! bench-desktop: how fast the desktop app is usable and how much memory it holds once idle.
//!
//! Each run starts the app binary on the current display (run it under `xvfb-run`), times from the
//! spawn to the moment the web UI has mounted the Connect screen and made its first call (the app
//! logs "ui ready"), waits for it to settle, then sums the memory of the app and every process it
//! started (WebKit's web and network processes). RSS counts shared libraries once per process, so
//! PSS (each shared page split between its users) is printed too.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use escala_bench::procfs::{process_tree, pss_kb, status_kb};

/// The command line, as `--help` prints it.
const USAGE: &str = "bench-desktop [--app PATH] [--runs 5] [--idle-secs 5]";
const COLD_START_TARGET: Duration = Duration::from_secs(1);
const MEMORY_TARGET_MB: f64 = 200.0;

struct Args {
    app: PathBuf,
    runs: usize,
    idle: Duration,
}

fn args() -> Args {
    let exe_dir = std::env::current_exe()
        .expect("own path")
        .parent()
        .expect("a folder")
        .to_path_buf();
    let mut a = Args {
        app: exe_dir.join("escala-desktop"),
        runs: 5,
        idle: Duration::from_secs(5),
    };
    let mut flags = escala_bench::flags::Flags::from_env(USAGE);
    while let Some(flag) = flags.next_flag() {
        match flag.as_str() {
            "--app" => a.app = flags.value::<String>(&flag, "a path").into(),
            "--runs" => a.runs = flags.value(&flag, "a count"),
            "--idle-secs" => a.idle = Duration::from_secs(flags.value(&flag, "seconds")),
            other => flags.fail(&format!("unknown flag {other}")),
        }
    }
    if a.runs == 0 {
        flags.fail("--runs must be at least 1");
    }
    a
}

struct Run {
    ready: Duration,
    rss_mb: f64,
    pss_mb: f64,
    processes: usize,
}

fn main() {
    let args = args();
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "no display: run under xvfb-run"
    );
    println!("app: {}", args.app.display());
    println!(
        "{:>4}  {:>10}  {:>9}  {:>9}  {:>9}",
        "run", "ready (ms)", "RSS (MB)", "PSS (MB)", "processes"
    );
    let mut runs = Vec::new();
    for i in 0..args.runs {
        let r = run_once(&args);
        println!(
            "{:>4}  {:>10.0}  {:>9.1}  {:>9.1}  {:>9}",
            i + 1,
            r.ready.as_secs_f64() * 1000.0,
            r.rss_mb,
            r.pss_mb,
            r.processes
        );
        runs.push(r);
    }
    let first = &runs[0];
    let median = |f: &dyn Fn(&Run) -> f64| {
        let mut v: Vec<f64> = runs.iter().map(f).collect();
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[v.len() / 2]
    };
    let ready = median(&|r| r.ready.as_secs_f64() * 1000.0);
    let rss = median(&|r| r.rss_mb);
    let pss = median(&|r| r.pss_mb);
    let target_ms = COLD_START_TARGET.as_secs_f64() * 1000.0;
    println!();
    println!(
        "start to interactive Connect screen: first run {:.0} ms, median {ready:.0} ms (target < {target_ms:.0} ms: {:.2}× of it)",
        first.ready.as_secs_f64() * 1000.0,
        ready / target_ms
    );
    println!(
        "idle memory of all the app's processes: RSS {rss:.1} MB, PSS {pss:.1} MB (target < {MEMORY_TARGET_MB:.0} MB: RSS is {:.2}× of it)",
        rss / MEMORY_TARGET_MB
    );
}

fn run_once(args: &Args) -> Run {
    let home = std::env::temp_dir().join(format!("escala-bench-desktop-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    let start = Instant::now();
    let mut child = Command::new(&args.app)
        .env("ESCALA_HOME", &home)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the app starts");
    let stderr = child.stderr.take().expect("piped");
    let (tx, rx) = mpsc::channel();
    // Keeps draining the app's log so it never blocks on a full pipe.
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("ui ready") {
                let _ = tx.send(Instant::now());
            }
        }
    });
    let ready_at = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the UI reported ready within 30 s");
    std::thread::sleep(args.idle);
    let tree = process_tree(child.id());
    let rss_kb: u64 = tree.iter().map(|p| status_kb(*p, "VmRSS:")).sum();
    let pss_kb: u64 = tree.iter().map(|p| pss_kb(*p)).sum();
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&home);
    Run {
        ready: ready_at - start,
        rss_mb: rss_kb as f64 / 1024.0,
        pss_mb: pss_kb as f64 / 1024.0,
        processes: tree.len(),
    }
}

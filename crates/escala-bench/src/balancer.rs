//! The sandbox load balancer's added latency: open-loop load at a fixed rate against one demo
//! instance directly and through the runtime's listener, side by side in one run (alternating
//! rounds, so both see the same machine), with p50 and p99 of each and what the listener adds.
//!
//! The instance is the real workload process (`escala sandbox instance`) with no CPU cost per
//! request, so what is measured is the network path, not the model.
//!
//! usage: bench-balancer [--rps N] [--seconds S] [--rounds R]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use escala_load::{LoadPlan, Report};
use escala_runtime::balancer::proxy::{serve, Route};
use escala_runtime::balancer::table::{Backend, Counters, Pool, Table};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

const USAGE: &str = "bench-balancer [--rps N] [--seconds S] [--rounds R]";

async fn once(url: &str, rps: u32, seconds: u64) -> Report {
    let plan = LoadPlan::new(url, rps, Duration::from_secs(seconds)).expect("a valid plan");
    escala_load::run(&plan, |_| {}, CancellationToken::new())
        .await
        .expect("the load ran")
}

fn percentiles(r: &Report) -> (f64, f64) {
    let l = r.latency.as_ref().expect("answers");
    (l.p50_ms, l.p99_ms)
}

#[tokio::main]
async fn main() {
    let mut flags = escala_bench::flags::Flags::from_env(USAGE);
    let (mut rps, mut seconds, mut rounds) = (1000u32, 10u64, 3u32);
    while let Some(flag) = flags.next_flag() {
        match flag.as_str() {
            "--rps" => rps = flags.value(&flag, "requests per second"),
            "--seconds" => seconds = flags.value(&flag, "seconds"),
            "--rounds" => rounds = flags.value(&flag, "a count"),
            other => flags.fail(&format!("unknown flag {other}")),
        }
    }
    let escala = std::env::current_exe().unwrap().with_file_name("escala");
    let mut instance = Command::new(&escala)
        .args([
            "sandbox",
            "instance",
            "--instance-id",
            "i-bench",
            "--vcpus",
            "2",
            "--cpu-ms",
            "0",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e} (build escala first)", escala.display()));
    let mut lines = BufReader::new(instance.stdout.take().unwrap()).lines();
    let port: u16 = lines
        .next()
        .unwrap()
        .unwrap()
        .strip_prefix("listening ")
        .unwrap()
        .parse()
        .unwrap();
    // Keep reading its usage lines, or the instance's writes would block.
    std::thread::spawn(move || for _ in lines {});
    let backend = Backend {
        target: "i-bench".into(),
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
    };
    let table = Table::new(
        HashMap::from([("listener".to_string(), vec![("tg".to_string(), 1)])]),
        HashMap::from([(
            "tg".to_string(),
            Pool::new(vec![backend.clone()], vec![backend], None),
        )]),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let lb_port = listener.local_addr().unwrap().port();
    let stop = CancellationToken::new();
    tokio::spawn(serve(
        listener,
        Route {
            balancer: "lb".into(),
            listener: "listener".into(),
            port: 80,
            table: Arc::new(RwLock::new(Arc::new(table))),
            counters: Arc::new(Counters::default()),
        },
        stop.clone(),
    ));
    let direct_url = format!("http://127.0.0.1:{port}/");
    let lb_url = format!("http://127.0.0.1:{lb_port}/");
    // Warm both paths (connections, allocations) before measuring.
    once(&direct_url, rps, 2).await;
    once(&lb_url, rps, 2).await;
    println!("{rps} requests/s for {seconds} s, {rounds} rounds each, alternating");
    println!(
        "{:<8} {:>12} {:>12} {:>12} {:>12}",
        "round", "direct p50", "direct p99", "via LB p50", "via LB p99"
    );
    let mut adds = Vec::new();
    for round in 1..=rounds {
        let direct = once(&direct_url, rps, seconds).await;
        let via = once(&lb_url, rps, seconds).await;
        let ((d50, d99), (l50, l99)) = (percentiles(&direct), percentiles(&via));
        assert_eq!(
            via.status.success, via.completed,
            "every request through the listener answered 2xx"
        );
        println!("{round:<8} {d50:>10.3}ms {d99:>10.3}ms {l50:>10.3}ms {l99:>10.3}ms");
        adds.push((l50 - d50, l99 - d99, l50 / d50, l99 / d99));
    }
    adds.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (a50, a99, r50, r99) = adds[adds.len() / 2];
    println!(
        "median round: the listener adds {a50:.3} ms at p50 ({r50:.2}× direct) and {a99:.3} ms at p99 ({r99:.2}× direct); goal: under 1 ms at p99"
    );
    stop.cancel();
    let _ = instance.kill();
    let _ = instance.wait();
}

//! The two scenarios: a stepped message-rate run, and a memory measurement with idle connections.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::error::LoadError;
use crate::fleet::{self, Phase, Plan};
use crate::proc_stats;
use crate::stats::{Counters, IdleReport, RunReport, StepReport};

pub struct RunOptions {
    pub label: String,
    pub rates: Vec<f64>,
    pub step: Duration,
    pub drain: Duration,
    pub payload_bytes: usize,
    pub pids: Vec<u32>,
    pub p99_limit_ms: f64,
    pub keep_going: bool,
    pub progress: bool,
}

fn check_connected(plan: &Plan, connected: usize, errors: &[String]) -> Result<(), LoadError> {
    // Measuring a fleet of which a noticeable part failed to connect would report a different scenario.
    if connected == 0 || errors.len() * 100 > plan.clients {
        return Err(LoadError::TooFewConnections {
            connected,
            wanted: plan.clients,
            first_error: errors.first().cloned().unwrap_or_default(),
        });
    }
    Ok(())
}

pub async fn run(plan: Plan, opts: RunOptions) -> Result<RunReport, LoadError> {
    let (members, errors) = fleet::connect_all(&plan).await;
    check_connected(&plan, members.len(), &errors)?;
    eprintln!(
        "{}: {} clients connected ({} errors), {} rooms",
        opts.label,
        members.len(),
        errors.len(),
        plan.rooms
    );

    // Fan-out from the members that actually joined, so that a failed join is not counted as message loss.
    let mut room_sizes: HashMap<String, u64> = HashMap::new();
    for (_, m) in &members {
        *room_sizes.entry(m.room.clone()).or_default() += 1;
    }
    let text: Arc<str> = "x".repeat(opts.payload_bytes).into();
    let (tx, rx) = watch::channel(Phase::quiet());
    let live = members.len();
    let mut tasks = Vec::with_capacity(live);
    for (i, m) in members {
        let fan_out = room_sizes
            .get(&m.room)
            .copied()
            .unwrap_or(1)
            .saturating_sub(1);
        tasks.push(tokio::spawn(fleet::drive(
            m,
            fan_out,
            i,
            text.clone(),
            rx.clone(),
        )));
    }
    drop(rx);

    let mut steps = Vec::new();
    for &rate in &opts.rates {
        let step = run_step(&tx, live, rate, &opts).await?;
        print_step(&opts.label, &step);
        let ok = step.meets_slo(opts.p99_limit_ms);
        steps.push(step);
        if !ok && !opts.keep_going {
            break;
        }
    }
    drop(tx);
    for t in tasks {
        let _ = t.await;
    }
    let best = steps
        .iter()
        .filter(|s| s.meets_slo(opts.p99_limit_ms))
        .max_by(|a, b| a.delivered_per_sec.total_cmp(&b.delivered_per_sec))
        .cloned();
    Ok(RunReport {
        label: opts.label,
        urls: plan.urls,
        clients: plan.clients,
        rooms: plan.rooms,
        connect_errors: errors.len() as u64,
        p99_limit_ms: opts.p99_limit_ms,
        steps,
        best,
    })
}

async fn run_step(
    tx: &watch::Sender<Phase>,
    live: usize,
    rate: f64,
    opts: &RunOptions,
) -> Result<StepReport, LoadError> {
    let counters = Arc::new(Counters::default());
    let flushed = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let every = Duration::from_secs_f64(live as f64 / rate);
    let cpu0 = proc_stats::sample(&opts.pids)?;
    let t0 = Instant::now();
    let _ = tx.send(Phase {
        send_every: Some(every),
        counters: counters.clone(),
        flushed: flushed.clone(),
    });
    let end = t0 + opts.step;
    let mut since = (t0, 0);
    while Instant::now() < end {
        tokio::time::sleep_until((end.min(Instant::now() + Duration::from_secs(1))).into()).await;
        if opts.progress {
            since = print_progress(&counters, t0, since);
        }
    }
    let cpu1 = proc_stats::sample(&opts.pids)?;
    let seconds = t0.elapsed().as_secs_f64();
    let _ = tx.send(Phase {
        send_every: None,
        counters: counters.clone(),
        flushed: flushed.clone(),
    });

    // Wait for outstanding acks and deliveries; whatever has not arrived by the end of the drain is lost.
    let drain_end = Instant::now() + opts.drain;
    while Instant::now() < drain_end {
        let c = &counters;
        let settled = Counters::load(&c.acked) + Counters::load(&c.rejected)
            >= Counters::load(&c.sent)
            && Counters::load(&c.received) >= Counters::load(&c.expected);
        if settled {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = tx.send(Phase::quiet());
    let flush_end = Instant::now() + Duration::from_secs(10);
    while flushed.load(Ordering::SeqCst) < live as u64 && Instant::now() < flush_end {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let hist = counters.take_latencies();
    let delivered = Counters::load(&counters.received);
    let expected = Counters::load(&counters.expected);
    let server_cores = if opts.pids.is_empty() {
        0.0
    } else {
        (cpu1.cpu_secs - cpu0.cpu_secs) / seconds
    };
    let delivered_per_sec = delivered as f64 / seconds;
    let ms = |us: u64| us as f64 / 1000.0;
    Ok(StepReport {
        target_send_rate: rate,
        seconds,
        sent: Counters::load(&counters.sent),
        acked: Counters::load(&counters.acked),
        rejected: Counters::load(&counters.rejected),
        expected_deliveries: expected,
        delivered,
        lost: expected.saturating_sub(delivered),
        delivered_per_sec,
        p50_ms: ms(hist.value_at_quantile(0.50)),
        p99_ms: ms(hist.value_at_quantile(0.99)),
        max_ms: ms(hist.max()),
        late_sends: Counters::load(&counters.late_sends),
        server_cores,
        delivered_per_core_sec: if server_cores > 0.0 {
            delivered_per_sec / server_cores
        } else {
            0.0
        },
        cpu_ms_per_1k_msgs: if delivered_per_sec > 0.0 {
            server_cores * 1000.0 * 1000.0 / delivered_per_sec
        } else {
            0.0
        },
        instances: counters.instances(),
    })
}

/// One progress line: the step's counts so far, the delivery rate since the previous line, and
/// the server instances that acknowledged messages. Returns this line's time and delivered count.
fn print_progress(counters: &Counters, t0: Instant, since: (Instant, u64)) -> (Instant, u64) {
    let now = Instant::now();
    let delivered = Counters::load(&counters.received);
    let seconds = now.duration_since(since.0).as_secs_f64().max(1e-3);
    let line = serde_json::json!({
        "elapsedMs": now.duration_since(t0).as_millis() as u64,
        "sent": Counters::load(&counters.sent),
        "acked": Counters::load(&counters.acked),
        "rejected": Counters::load(&counters.rejected),
        "delivered": delivered,
        "deliveredPerSec": (delivered - since.1) as f64 / seconds,
        "instances": counters.instances(),
    });
    println!("{line}");
    (now, delivered)
}

fn print_step(label: &str, s: &StepReport) {
    println!(
        "{label:>6} send {:>7.0}/s | delivered {:>8.0}/s | p50 {:>7.2} ms p99 {:>7.2} ms max {:>8.2} ms | lost {} rejected {} late {} | server {:.2} cores, {:.0} msgs/s per core, {:.1} cpu-ms/s per 1k msgs/s",
        s.target_send_rate,
        s.delivered_per_sec,
        s.p50_ms,
        s.p99_ms,
        s.max_ms,
        s.lost,
        s.rejected,
        s.late_sends,
        s.server_cores,
        s.delivered_per_core_sec,
        s.cpu_ms_per_1k_msgs
    );
}

pub async fn idle(
    plan: Plan,
    label: String,
    pids: Vec<u32>,
    settle: Duration,
) -> Result<IdleReport, LoadError> {
    let before = proc_stats::sample(&pids)?;
    let (members, errors) = fleet::connect_all(&plan).await;
    check_connected(&plan, members.len(), &errors)?;
    // Let join notices flush and allocator caches settle before reading memory.
    tokio::time::sleep(settle).await;
    let after = proc_stats::sample(&pids)?;
    let n = members.len();
    drop(members);
    let report = IdleReport {
        label,
        connections: n,
        connect_errors: errors.len() as u64,
        rss_before_bytes: before.rss_bytes,
        rss_after_bytes: after.rss_bytes,
        bytes_per_connection: after.rss_bytes.saturating_sub(before.rss_bytes) as f64 / n as f64,
    };
    println!(
        "{:>6} {} idle connections: server RSS {:.1} MiB -> {:.1} MiB, {:.1} KiB per connection",
        report.label,
        n,
        report.rss_before_bytes as f64 / 1048576.0,
        report.rss_after_bytes as f64 / 1048576.0,
        report.bytes_per_connection / 1024.0
    );
    Ok(report)
}

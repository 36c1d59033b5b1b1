//! Counters shared by all simulated clients of one step, and the step's report.

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Latencies in microseconds, up to one minute, 3 significant digits.
pub fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("constant histogram bounds are valid")
}

#[derive(Default)]
pub struct Counters {
    pub sent: AtomicU64,
    pub acked: AtomicU64,
    pub rejected: AtomicU64,
    /// Deliveries promised by acknowledged messages: the room's member count minus the sender.
    pub expected: AtomicU64,
    pub received: AtomicU64,
    pub late_sends: AtomicU64,
    latencies: Mutex<Option<Histogram<u64>>>,
    /// The server instances that acknowledged a message: behind a load balancer, how many served.
    instances: Mutex<BTreeSet<String>>,
}

impl Counters {
    pub fn merge_latencies(&self, h: &Histogram<u64>) {
        let mut guard = self.latencies.lock().unwrap_or_else(|e| e.into_inner());
        let total = guard.get_or_insert_with(new_histogram);
        // Same bounds on both sides, so adding cannot fail.
        let _ = total.add(h);
    }

    pub fn take_latencies(&self) -> Histogram<u64> {
        self.latencies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .unwrap_or_else(new_histogram)
    }

    /// Notes the instance that acknowledged a message, from the message id it gave
    /// (`<instance>-<counter>`).
    pub fn acked_by(&self, message_id: &str) {
        if let Some((instance, _)) = message_id.rsplit_once('-') {
            let mut set = self.instances.lock().unwrap_or_else(|e| e.into_inner());
            if !set.contains(instance) {
                set.insert(instance.to_string());
            }
        }
    }

    /// How many instances acknowledged messages so far.
    pub fn instances(&self) -> usize {
        self.instances
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    pub fn load(c: &AtomicU64) -> u64 {
        c.load(Ordering::Relaxed)
    }

    pub fn add(c: &AtomicU64, n: u64) {
        c.fetch_add(n, Ordering::Relaxed);
    }
}

/// One rate step of a load run, as printed and as written to the JSON result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StepReport {
    pub target_send_rate: f64,
    pub seconds: f64,
    pub sent: u64,
    pub acked: u64,
    pub rejected: u64,
    pub expected_deliveries: u64,
    pub delivered: u64,
    pub lost: u64,
    pub delivered_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Sends that left later than scheduled because the generator itself could not keep up.
    pub late_sends: u64,
    /// CPU cores the server processes used on average during the step.
    pub server_cores: f64,
    pub delivered_per_core_sec: f64,
    /// Core-milliseconds per second of server CPU for each 1,000 delivered msgs/s.
    pub cpu_ms_per_1k_msgs: f64,
    /// The server instances that acknowledged messages during the step.
    #[serde(default)]
    pub instances: usize,
}

impl StepReport {
    pub fn meets_slo(&self, p99_limit_ms: f64) -> bool {
        self.p99_ms < p99_limit_ms && self.lost == 0 && self.rejected == 0 && self.delivered > 0
    }
}

/// A whole run: the scenario, each step, and the best step within the latency objective.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunReport {
    pub label: String,
    pub urls: Vec<String>,
    pub clients: usize,
    pub rooms: usize,
    pub connect_errors: u64,
    pub p99_limit_ms: f64,
    pub steps: Vec<StepReport>,
    pub best: Option<StepReport>,
}

/// Memory per idle connection.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdleReport {
    pub label: String,
    pub connections: usize,
    pub connect_errors: u64,
    pub rss_before_bytes: u64,
    pub rss_after_bytes: u64,
    pub bytes_per_connection: f64,
}

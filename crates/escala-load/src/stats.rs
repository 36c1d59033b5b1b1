//! Counting outcomes as they arrive, and turning the counts into snapshots and the report.

use std::collections::HashMap;
use std::time::Duration;

use hdrhistogram::Histogram;
use hyper::StatusCode;

use crate::report::{ErrorCounts, Latency, Report, Snapshot, StatusCounts};
use crate::LoadPlan;

/// A server that puts a timestamp or request id in its first line would otherwise grow the map by
/// one entry per request for the whole run.
const MAX_DISTINCT_BODIES: usize = 1000;
const OTHER_BODIES: &str = "(other bodies, past the first 1000 distinct ones)";
const TOP_BODIES: usize = 10;

/// How one request ended.
#[derive(Debug)]
pub(crate) enum Outcome {
    Answered {
        status: StatusCode,
        first_line: String,
    },
    Failed(Failure),
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Failure {
    Connect,
    Timeout,
    Other,
}

#[derive(Debug)]
pub(crate) struct Stats {
    sent: u64,
    dropped: u64,
    status: StatusCounts,
    errors: ErrorCounts,
    /// Microseconds, 3 significant digits, up to an hour: a tenth of a percent of error at any size.
    total: Histogram<u64>,
    /// The same since the previous snapshot.
    window: Histogram<u64>,
    bodies: HashMap<String, u64>,
}

impl Stats {
    pub fn new() -> Self {
        let histogram =
            || Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds");
        Self {
            sent: 0,
            dropped: 0,
            status: StatusCounts::default(),
            errors: ErrorCounts::default(),
            total: histogram(),
            window: histogram(),
            bodies: HashMap::new(),
        }
    }

    pub fn sent(&mut self) {
        self.sent += 1;
    }

    pub fn dropped(&mut self) {
        self.dropped += 1;
    }

    pub fn record(&mut self, outcome: Outcome, latency: Duration) {
        let (status, first_line) = match outcome {
            Outcome::Answered { status, first_line } => (status, first_line),
            Outcome::Failed(failure) => return self.fail(failure),
        };
        let counter = match status.as_u16() {
            200..=299 => &mut self.status.success,
            300..=399 => &mut self.status.redirect,
            400..=499 => &mut self.status.client_error,
            500..=599 => &mut self.status.server_error,
            // hyper hands over no 1xx but 101, which nobody asked for, and 6xx+ isn't HTTP.
            _ => return self.fail(Failure::Other),
        };
        *counter += 1;
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.total.saturating_record(micros);
        self.window.saturating_record(micros);
        // Only a 2xx comes from an instance: a load balancer's error page would count as one more.
        if status.is_success() {
            let known =
                self.bodies.len() < MAX_DISTINCT_BODIES || self.bodies.contains_key(&first_line);
            let key = if known {
                first_line
            } else {
                OTHER_BODIES.to_string()
            };
            *self.bodies.entry(key).or_default() += 1;
        }
    }

    fn fail(&mut self, failure: Failure) {
        match failure {
            Failure::Connect => self.errors.connect += 1,
            Failure::Timeout => self.errors.timeout += 1,
            Failure::Other => self.errors.other += 1,
        }
    }

    fn completed(&self) -> u64 {
        let s = self.status;
        s.success + s.redirect + s.client_error + s.server_error
    }

    /// The run so far; starts a new window.
    pub fn snapshot(&mut self, elapsed: Duration, window: Duration) -> Snapshot {
        let answered = self.window.len();
        let quantile = |q| (answered > 0).then(|| ms(self.window.value_at_quantile(q)));
        let snapshot = Snapshot {
            elapsed_ms: millis(elapsed),
            sent: self.sent,
            completed: self.completed(),
            errors: self.errors.total(),
            dropped: self.dropped,
            rps: per_second(answered, window),
            p50_ms: quantile(0.5),
            p99_ms: quantile(0.99),
        };
        self.window.reset();
        snapshot
    }

    pub fn report(&self, plan: &LoadPlan, elapsed: Duration, cancelled: bool) -> Report {
        let latency = (!self.total.is_empty()).then(|| Latency {
            p50_ms: ms(self.total.value_at_quantile(0.5)),
            p90_ms: ms(self.total.value_at_quantile(0.9)),
            p99_ms: ms(self.total.value_at_quantile(0.99)),
            max_ms: ms(self.total.max()),
        });
        let mut bodies: Vec<(String, u64)> = self
            .bodies
            .iter()
            .map(|(body, n)| (body.clone(), *n))
            .collect();
        // Ties by text, so the order doesn't change from one run to the next.
        bodies.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        bodies.truncate(TOP_BODIES);
        Report {
            url: plan.url().to_string(),
            rps: plan.rps(),
            elapsed_ms: millis(elapsed),
            cancelled,
            scheduled: self.sent + self.dropped,
            sent: self.sent,
            dropped: self.dropped,
            completed: self.completed(),
            achieved_rps: per_second(self.completed(), elapsed),
            latency,
            status: self.status,
            errors: self.errors,
            distinct_body_count: self.bodies.len() as u64,
            distinct_bodies: bodies,
        }
    }
}

fn ms(micros: u64) -> f64 {
    micros as f64 / 1000.0
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn per_second(count: u64, over: Duration) -> f64 {
    if over.is_zero() {
        0.0
    } else {
        count as f64 / over.as_secs_f64()
    }
}

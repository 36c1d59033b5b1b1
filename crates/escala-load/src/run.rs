//! Sending requests on a fixed schedule, with a snapshot every second.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hyper::Uri;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{sleep_until, Instant};
use tokio_util::sync::CancellationToken;

use crate::request::{self, HttpClient};
use crate::stats::{Failure, Outcome, Stats};
use crate::{LoadError, LoadPlan, Report, Snapshot};

const TICK: Duration = Duration::from_secs(1);

/// What every request task shares.
struct Shared {
    client: HttpClient,
    url: Uri,
    timeout: Duration,
    cancel: CancellationToken,
    stats: Mutex<Stats>,
}

impl Shared {
    fn stats(&self) -> std::sync::MutexGuard<'_, Stats> {
        self.stats.lock().expect("stats lock")
    }
}

/// Sends `plan`'s load, calls `tick` with a [`Snapshot`] every second and once at the end, and
/// returns the [`Report`]. Cancelling `cancel` stops sending at once, abandons the requests in
/// flight (they count as neither answered nor failed) and still returns the report.
///
/// The only error is a host that doesn't resolve, found before anything is sent.
pub async fn run(
    plan: &LoadPlan,
    tick: impl Fn(&Snapshot) + Send + Sync,
    cancel: CancellationToken,
) -> Result<Report, LoadError> {
    resolve(plan).await?;
    let shared = Arc::new(Shared {
        client: request::client(plan.concurrency_limit()),
        url: plan.url().clone(),
        timeout: plan.timeout(),
        cancel: cancel.clone(),
        stats: Mutex::new(Stats::new()),
    });
    let start = Instant::now();
    let finished = CancellationToken::new();
    let send = async {
        send_on_schedule(plan, &shared, start).await;
        finished.cancel();
    };
    let end = start + plan.duration();
    let ticks = async {
        let mut last = start;
        loop {
            let mut next = last + TICK;
            // The tick that would land at the schedule's end waits for the run's end instead (a
            // moment later unless answers are slow), so the final snapshot never covers a sliver
            // of time with a meaningless rate.
            if last < end && next >= end {
                next = end + TICK;
            }
            tokio::select! {
                () = finished.cancelled() => return last,
                () = sleep_until(next) => {
                    let now = Instant::now();
                    // Taken before calling back, so answers aren't held up by the callback.
                    let snapshot = shared.stats().snapshot(now - start, now - last);
                    tick(&snapshot);
                    last = now;
                }
            }
        }
    };
    let ((), last) = tokio::join!(send, ticks);
    let now = Instant::now();
    let (snapshot, report) = {
        let mut stats = shared.stats();
        let snapshot = stats.snapshot(now - start, now - last);
        (
            snapshot,
            stats.report(plan, now - start, cancel.is_cancelled()),
        )
    };
    tick(&snapshot);
    Ok(report)
}

/// Resolved once before the run, so a mistyped host is one clear error rather than a run of connect
/// errors.
async fn resolve(plan: &LoadPlan) -> Result<(), LoadError> {
    let (host, port) = plan.host_port();
    let mut addresses = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|source| LoadError::Resolve {
            host: host.clone(),
            source,
        })?;
    if addresses.next().is_some() {
        return Ok(());
    }
    Err(LoadError::Resolve {
        host: host.clone(),
        source: std::io::Error::new(std::io::ErrorKind::NotFound, "it has no address"),
    })
}

/// Open loop: request `i` is due at `start + i / rps`, whether or not earlier ones were answered. A
/// closed loop (send the next when the previous returns) would quietly lower the rate when the
/// target slows down, exactly when the load matters; here a slow target shows up as rising latency,
/// timeouts and drops instead.
///
/// A request due while the concurrency limit is reached is dropped and counted, never queued: a
/// queue would send it late, in a burst, and hide how far behind the target is.
async fn send_on_schedule(plan: &LoadPlan, shared: &Arc<Shared>, start: Instant) {
    let rps = u64::from(plan.rps());
    let total = rps * u64::try_from(plan.duration().as_millis()).unwrap_or(u64::MAX) / 1000;
    let permits = Arc::new(Semaphore::new(plan.concurrency_limit()));
    for i in 0..total {
        let due = start
            + Duration::from_secs(i / rps)
            + Duration::from_nanos(i % rps * 1_000_000_000 / rps);
        // Timers fire at millisecond granularity, so at high rates each wake-up sends every request
        // that fell due since the last one. Yielding now and then lets the snapshot ticker run even
        // when a busy machine keeps this loop behind schedule and never sleeping.
        if due > Instant::now() {
            tokio::select! {
                () = shared.cancel.cancelled() => break,
                () = sleep_until(due) => {}
            }
        } else if i % 64 == 0 {
            tokio::task::yield_now().await;
        }
        if shared.cancel.is_cancelled() {
            break;
        }
        match permits.clone().try_acquire_owned() {
            Ok(permit) => {
                shared.stats().sent();
                tokio::spawn(send_one(shared.clone(), due, permit));
            }
            Err(_) => shared.stats().dropped(),
        }
    }
    // The run lasts its whole duration, not until the last request's due time one interval before.
    tokio::select! {
        () = shared.cancel.cancelled() => {}
        () = sleep_until(start + plan.duration()) => {}
    }
    // Every permit back means every request has ended (answered, failed, or abandoned on cancel).
    let limit = u32::try_from(plan.concurrency_limit()).expect("the limit is checked to fit");
    let _ = permits.acquire_many(limit).await;
}

async fn send_one(shared: Arc<Shared>, due: Instant, _permit: OwnedSemaphorePermit) {
    let outcome = tokio::select! {
        () = shared.cancel.cancelled() => return,
        outcome = tokio::time::timeout(shared.timeout, request::exchange(&shared.client, &shared.url)) => {
            outcome.unwrap_or(Outcome::Failed(Failure::Timeout))
        }
    };
    // From the time the request was due, not the time it went out: if the machine sent it late,
    // that delay is part of what a user would have waited. Measuring from the send time is the
    // "coordinated omission" that makes an overloaded target look fast.
    let latency = due.elapsed();
    shared.stats().record(outcome, latency);
}

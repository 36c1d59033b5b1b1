//! Retries with exponential backoff and full jitter, bounded by a per-task deadline and cancellable.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::failure::{ErrorClass, TaskError, TaskFailure};
use crate::progress::{ProgressEvent, ProgressSink};
use crate::CoreError;

/// How hard to try.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// The first backoff; each retry doubles it up to `max_delay`.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// After this long since the task started, a retryable error is final.
    pub deadline: Duration,
    /// How long "not found" may mean "not visible yet" (AWS's eventual consistency is seconds).
    pub consistency_window: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        // NAT gateways take minutes on AWS; everything else seconds. Fifteen minutes covers both
        // while still ending a run that will never succeed.
        Self {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(10),
            deadline: Duration::from_secs(15 * 60),
            consistency_window: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The backoff before retry number `attempt` (1-based): full jitter over an exponential ceiling,
    /// so concurrent tasks throttled together don't retry in lockstep.
    pub fn delay(&self, attempt: u32) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.max_delay);
        let floor = self.base_delay.min(ceiling);
        floor + ceiling.saturating_sub(floor).mul_f64(fastrand::f64())
    }
}

/// Why [`retrying`] gave up.
#[derive(Debug)]
pub enum Outcome {
    Failed(TaskError),
    Cancelled,
}

/// Runs `attempt` until it succeeds, fails with a fatal error, runs past the deadline, or the run is
/// cancelled. Each retry is reported to `sink` under `id`, with the cloud's error code.
pub async fn retrying<T, F, Fut>(
    id: &str,
    policy: &RetryPolicy,
    cancel: &CancellationToken,
    sink: &dyn ProgressSink,
    mut attempt: F,
) -> Result<T, Outcome>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, TaskError>>,
{
    let started = Instant::now();
    let mut tries = 0u32;
    loop {
        let result = tokio::select! {
            biased;
            _ = cancel.cancelled() => return Err(Outcome::Cancelled),
            r = attempt() => r,
        };
        let err = match result {
            Ok(value) => return Ok(value),
            Err(err) => err,
        };
        tries += 1;
        let delay = policy.delay(tries);
        let limit = match err.class {
            ErrorClass::Eventual => policy.deadline.min(policy.consistency_window),
            _ => policy.deadline,
        };
        if err.class == ErrorClass::Fatal || started.elapsed() + delay > limit {
            let err = if err.class != ErrorClass::Fatal {
                TaskError::fatal(
                    err.code,
                    format!(
                        "{} (still failing after {tries} tries in {:.1}s, the task's deadline)",
                        err.message,
                        started.elapsed().as_secs_f64()
                    ),
                )
            } else {
                err
            };
            return Err(Outcome::Failed(err));
        }
        sink.emit(ProgressEvent::Retrying {
            id: id.to_string(),
            attempt: tries,
            code: err.code.clone(),
            message: err.message.clone(),
            delay_ms: delay.as_millis() as u64,
        });
        tokio::select! {
            _ = cancel.cancelled() => return Err(Outcome::Cancelled),
            _ = tokio::time::sleep(delay) => {}
        }
    }
}

/// The engine's error for a retried step that gave up or was cancelled.
pub(crate) fn outcome_error(id: &str, outcome: Outcome) -> CoreError {
    match outcome {
        Outcome::Cancelled => CoreError::Cancelled,
        Outcome::Failed(e) => CoreError::TasksFailed(vec![TaskFailure {
            id: id.to_string(),
            code: e.code,
            message: e.message,
        }]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::RecordedProgress;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn fast() -> RetryPolicy {
        RetryPolicy {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            deadline: Duration::from_millis(300),
            consistency_window: Duration::from_secs(60),
        }
    }

    #[tokio::test]
    async fn retries_retryable_errors_then_succeeds() {
        let calls = AtomicU32::new(0);
        let sink = RecordedProgress::default();
        let out = retrying("vpc", &fast(), &CancellationToken::new(), &sink, || async {
            if calls.fetch_add(1, Ordering::SeqCst) < 2 {
                Err(TaskError::retryable("Throttling", "slow down"))
            } else {
                Ok(7)
            }
        })
        .await;
        assert_eq!(out.unwrap(), 7);
        let retries: Vec<_> = sink
            .events()
            .into_iter()
            .filter(|e| matches!(e, ProgressEvent::Retrying { code, .. } if code == "Throttling"))
            .collect();
        assert_eq!(retries.len(), 2);
    }

    #[tokio::test]
    async fn fatal_errors_are_not_retried() {
        let calls = AtomicU32::new(0);
        let out: Result<(), _> = retrying(
            "vpc",
            &fast(),
            &CancellationToken::new(),
            &RecordedProgress::default(),
            || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(TaskError::fatal("InvalidParameterValue", "bad"))
            },
        )
        .await;
        assert!(matches!(out, Err(Outcome::Failed(e)) if e.code == "InvalidParameterValue"));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_persistent_retryable_error_fails_at_the_deadline_with_a_clear_message() {
        let out: Result<(), _> = retrying(
            "vpc",
            &fast(),
            &CancellationToken::new(),
            &RecordedProgress::default(),
            || async {
                Err(TaskError::retryable(
                    "RequestLimitExceeded",
                    "Request limit exceeded.",
                ))
            },
        )
        .await;
        match out {
            Err(Outcome::Failed(e)) => {
                assert_eq!(e.code, "RequestLimitExceeded");
                assert!(e.message.contains("the task's deadline"), "{}", e.message);
            }
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn not_found_is_retried_only_within_the_consistency_window() {
        let policy = RetryPolicy {
            deadline: Duration::from_secs(600),
            consistency_window: Duration::from_millis(100),
            ..fast()
        };
        let started = std::time::Instant::now();
        let out: Result<(), _> = retrying(
            "subnet",
            &policy,
            &CancellationToken::new(),
            &RecordedProgress::default(),
            || async { Err(TaskError::eventual("InvalidVpcID.NotFound", "missing")) },
        )
        .await;
        assert!(matches!(out, Err(Outcome::Failed(e)) if e.code == "InvalidVpcID.NotFound"));
        assert!(started.elapsed() < Duration::from_secs(600));
    }

    #[tokio::test]
    async fn cancellation_interrupts_the_backoff() {
        let cancel = CancellationToken::new();
        let slow = RetryPolicy {
            base_delay: Duration::from_secs(30),
            max_delay: Duration::from_secs(30),
            deadline: Duration::from_secs(600),
            consistency_window: Duration::from_secs(60),
        };
        let c = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            c.cancel();
        });
        let started = std::time::Instant::now();
        let out: Result<(), _> = retrying(
            "vpc",
            &slow,
            &cancel,
            &RecordedProgress::default(),
            || async { Err(TaskError::retryable("Throttling", "x")) },
        )
        .await;
        assert!(matches!(out, Err(Outcome::Cancelled)));
        assert!(started.elapsed() < Duration::from_secs(30));
    }

    #[test]
    fn delays_grow_and_stay_bounded() {
        let p = RetryPolicy::default();
        for attempt in 1..40 {
            let d = p.delay(attempt);
            assert!(d >= p.base_delay && d <= p.max_delay, "{attempt}: {d:?}");
        }
    }
}

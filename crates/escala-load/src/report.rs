//! What a run tells while it goes ([`Snapshot`]) and when it ends ([`Report`]).
//!
//! Latencies are in milliseconds, measured from the time a request was *scheduled*, not from when it
//! went out (see `run.rs`). Only answered requests have a latency: a refused connection is instant
//! and a timeout is the limit, so mixing them in would say nothing about the target.
//!
//! specta types `f64` as `number | null` (for NaN); these are finite by construction, so they are
//! typed as plain numbers.

use serde::Serialize;

/// Answers by status class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StatusCounts {
    #[serde(rename = "2xx")]
    pub success: u64,
    #[serde(rename = "3xx")]
    pub redirect: u64,
    #[serde(rename = "4xx")]
    pub client_error: u64,
    #[serde(rename = "5xx")]
    pub server_error: u64,
}

/// Requests that got no HTTP answer, by cause.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ErrorCounts {
    /// No connection could be opened (refused, unreachable, or out of local sockets).
    pub connect: u64,
    /// No complete answer within the request timeout.
    pub timeout: u64,
    /// Anything else: a connection reset mid-answer, a malformed answer.
    pub other: u64,
}

impl ErrorCounts {
    pub fn total(&self) -> u64 {
        self.connect + self.timeout + self.other
    }
}

/// Latency percentiles of answered requests, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Latency {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub p50_ms: f64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub p90_ms: f64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub p99_ms: f64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub max_ms: f64,
}

/// The run so far, once a second and once more at the end.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Snapshot {
    pub elapsed_ms: u64,
    /// Requests that went out so far.
    pub sent: u64,
    /// Requests answered so far, whatever the status.
    pub completed: u64,
    /// Requests that got no answer so far.
    pub errors: u64,
    /// Requests that were due while the concurrency limit was reached, so never sent.
    pub dropped: u64,
    /// Answers per second since the previous snapshot.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub rps: f64,
    /// Latency since the previous snapshot; none when nothing was answered in it.
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub p50_ms: Option<f64>,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub p99_ms: Option<f64>,
}

/// The whole run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Report {
    pub url: String,
    /// The rate asked for.
    pub rps: u32,
    pub elapsed_ms: u64,
    /// Stopped by its cancellation token before the duration was over.
    pub cancelled: bool,
    /// Requests due by the schedule: sent + dropped.
    pub scheduled: u64,
    pub sent: u64,
    pub dropped: u64,
    /// Requests answered, whatever the status.
    pub completed: u64,
    /// Answers per second over the whole run.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub achieved_rps: f64,
    /// None when nothing was answered.
    pub latency: Option<Latency>,
    pub status: StatusCounts,
    pub errors: ErrorCounts,
    /// How many different first lines 2xx answers had. The ASG demo instances answer with their
    /// instance ID, so this is how many instances served traffic.
    pub distinct_body_count: u64,
    /// The most frequent first lines of 2xx bodies (at most 80 characters each), with their counts,
    /// at most 10, most frequent first.
    pub distinct_bodies: Vec<(String, u64)>,
}

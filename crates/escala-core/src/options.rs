//! How the engine runs: how many calls at once, and how hard each task tries.

use crate::retry::RetryPolicy;

/// How the executor runs.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// At most this many cloud calls in flight.
    pub parallelism: usize,
    pub retry: RetryPolicy,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            parallelism: 8,
            retry: RetryPolicy::default(),
        }
    }
}

//! The crate's one error type.

use std::time::Duration;

use crate::duration::format;
use crate::plan::{MAX_CONCURRENCY, MAX_DURATION, MAX_RPS, MAX_TIMEOUT};

/// Which input of a [`crate::LoadPlan`] an error is about, so a CLI can name its flag and a form can
/// mark its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Url,
    Rps,
    Duration,
    Concurrency,
    Timeout,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("'{url}' is not a valid URL: {reason}")]
    Url { url: String, reason: String },
    #[error("'{0}' uses https, which the load generator doesn't speak: use http:// (a load balancer's listener on port 80 serves it)")]
    Https(String),
    #[error("'{url}' uses {scheme}://: only http:// URLs can be loaded")]
    Scheme { url: String, scheme: String },
    #[error("'{0}' has no host: write it as http://HOST[:PORT][/PATH]")]
    NoHost(String),
    #[error("cannot resolve '{host}': {source}")]
    Resolve {
        host: String,
        source: std::io::Error,
    },
    #[error("the rate must be 1 to {MAX_RPS} requests per second, not {0}")]
    Rps(u32),
    #[error("'{text}' is not a duration: {reason} (write it like 30s, 5m, 1m30s or 500ms)")]
    DurationFormat { text: String, reason: &'static str },
    #[error("the duration must be more than 0s and at most {}, not {}", format(&MAX_DURATION), format(.0))]
    Duration(Duration),
    #[error("the concurrency limit must be 1 to {MAX_CONCURRENCY}, not {0}")]
    Concurrency(usize),
    #[error("the request timeout must be 1ms to {}, not {}", format(&MAX_TIMEOUT), format(.0))]
    Timeout(Duration),
}

impl LoadError {
    /// The input at fault. A duration that doesn't parse can be any duration input, so the caller,
    /// who knows which text it parsed, names it.
    pub fn input(&self) -> Option<Input> {
        match self {
            LoadError::Url { .. }
            | LoadError::Https(_)
            | LoadError::Scheme { .. }
            | LoadError::NoHost(_)
            | LoadError::Resolve { .. } => Some(Input::Url),
            LoadError::Rps(_) => Some(Input::Rps),
            LoadError::Duration(_) => Some(Input::Duration),
            LoadError::Concurrency(_) => Some(Input::Concurrency),
            LoadError::Timeout(_) => Some(Input::Timeout),
            LoadError::DurationFormat { .. } => None,
        }
    }
}

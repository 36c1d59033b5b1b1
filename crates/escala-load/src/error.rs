//! The crate's one error type.

use std::time::Duration;

use crate::chat::{MAX_CLIENTS, MAX_MESSAGE_RATE, PER_CLIENT_RATE};
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
    Clients,
    MessageRate,
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
    #[error("the chat load needs 1 to {MAX_CLIENTS} clients, not {0}")]
    Clients(u32),
    #[error("the chat load sends 1 to {MAX_MESSAGE_RATE} messages per second, not {0}")]
    MessageRate(u32),
    #[error("each chat client may send at most {PER_CLIENT_RATE} messages a second (the chat's own limit): {rate} a second needs at least {} clients, not {clients}", rate.div_ceil(PER_CLIENT_RATE))]
    PerClientRate { clients: u32, rate: u32 },
    #[error("no chat load generator at {0} (set ESCALA_CHAT_LOAD_BIN, or install escala-chat-load beside Escala)")]
    NoChatLoad(String),
    #[error("the chat load generator could not run: {0}")]
    ChatLoad(std::io::Error),
    #[error("the chat load generator stopped: {0}")]
    ChatLoadFailed(String),
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
            LoadError::Clients(_) => Some(Input::Clients),
            LoadError::MessageRate(_) | LoadError::PerClientRate { .. } => Some(Input::MessageRate),
            LoadError::DurationFormat { .. }
            | LoadError::NoChatLoad(_)
            | LoadError::ChatLoad(_)
            | LoadError::ChatLoadFailed(_) => None,
        }
    }
}

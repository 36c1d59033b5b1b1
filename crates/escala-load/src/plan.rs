//! What to load and how hard, checked before anything is sent.

use std::time::Duration;

use hyper::Uri;

use crate::LoadError;

/// Past this, one machine's client, not the load balancer, becomes what is measured.
pub const MAX_RPS: u32 = 20_000;
/// Long enough to watch an Auto Scaling group scale out and back in; longer is likely a typo.
pub const MAX_DURATION: Duration = Duration::from_secs(3600);
/// Enough for 20 000 requests per second at about 12 ms each; a slower target shows drops instead.
pub const DEFAULT_CONCURRENCY: usize = 256;
/// Connections past the machine's open-file limit (often 1024) fail and count as connect errors.
pub const MAX_CONCURRENCY: usize = 10_000;
/// Well above a healthy target's latency, well below an ALB's 60 s idle timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
pub const MAX_TIMEOUT: Duration = Duration::from_secs(60);

/// A validated load: only [`LoadPlan::new`] and its `with_` methods make one.
#[derive(Debug, Clone)]
pub struct LoadPlan {
    url: Uri,
    rps: u32,
    duration: Duration,
    concurrency_limit: usize,
    timeout: Duration,
}

impl LoadPlan {
    /// `url` is `http://HOST[:PORT][/PATH]`; a bare host (as the AWS console shows a load
    /// balancer's DNS name) means `http://HOST/`.
    pub fn new(url: &str, rps: u32, duration: Duration) -> Result<Self, LoadError> {
        let url = parse_url(url)?;
        if rps == 0 || rps > MAX_RPS {
            return Err(LoadError::Rps(rps));
        }
        if duration.is_zero() || duration > MAX_DURATION {
            return Err(LoadError::Duration(duration));
        }
        Ok(Self {
            url,
            rps,
            duration,
            concurrency_limit: DEFAULT_CONCURRENCY,
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// At most this many requests in flight; one due while all are busy is dropped, not queued.
    pub fn with_concurrency_limit(mut self, limit: usize) -> Result<Self, LoadError> {
        if limit == 0 || limit > MAX_CONCURRENCY {
            return Err(LoadError::Concurrency(limit));
        }
        self.concurrency_limit = limit;
        Ok(self)
    }

    /// A request not answered (body included) this long after it started counts as a timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Result<Self, LoadError> {
        if timeout < Duration::from_millis(1) || timeout > MAX_TIMEOUT {
            return Err(LoadError::Timeout(timeout));
        }
        self.timeout = timeout;
        Ok(self)
    }

    pub fn url(&self) -> &Uri {
        &self.url
    }

    pub fn rps(&self) -> u32 {
        self.rps
    }

    pub fn duration(&self) -> Duration {
        self.duration
    }

    pub fn concurrency_limit(&self) -> usize {
        self.concurrency_limit
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The host to resolve (an IPv6 literal without its brackets) and the port.
    pub(crate) fn host_port(&self) -> (String, u16) {
        let host = self.url.host().expect("checked by parse_url");
        let host = host.trim_start_matches('[').trim_end_matches(']');
        (host.to_string(), self.url.port_u16().unwrap_or(80))
    }
}

pub(crate) fn parse_url(text: &str) -> Result<Uri, LoadError> {
    let invalid = |reason: String| LoadError::Url {
        url: text.to_string(),
        reason,
    };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(invalid("it is empty".into()));
    }
    let full = if trimmed.contains("://") {
        trimmed.to_string()
    } else {
        format!("http://{trimmed}")
    };
    let url: Uri = full.parse().map_err(|e| invalid(format!("{e}")))?;
    match url.scheme_str() {
        Some("http") => {}
        Some("https") => return Err(LoadError::Https(text.to_string())),
        Some(scheme) => {
            return Err(LoadError::Scheme {
                url: text.to_string(),
                scheme: scheme.to_string(),
            })
        }
        None => return Err(invalid("it has no scheme".into())),
    }
    match url.host() {
        Some(host) if !host.is_empty() => {}
        _ => return Err(LoadError::NoHost(text.to_string())),
    }
    // `Uri` keeps a port that isn't a u16 but then reports none, which would mean port 80.
    let authority = url.authority().map_or("", |a| a.as_str());
    if let Some((_, port)) = authority.rsplit_once(':') {
        let all_digits = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
        if all_digits && !matches!(port.parse::<u16>(), Ok(1..)) {
            return Err(invalid(format!("the port must be 1 to 65535, not {port}")));
        }
    }
    Ok(url)
}

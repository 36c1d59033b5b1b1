//! Configuration from environment variables, so that the same image runs locally, in tests and on Fargate.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use crate::error::ServerError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    /// May hold a password: never log it whole, use [`redacted_redis_url`].
    pub redis_url: String,
    /// Identifies this instance in logs, message ids and the health answer.
    pub instance_id: String,
    pub web_dir: PathBuf,
    pub history_len: usize,
    pub max_message_chars: usize,
    pub max_name_chars: usize,
    pub max_rooms_per_socket: usize,
    /// Sustained events per second one socket may send, and the burst above it.
    pub rate_per_sec: f64,
    pub rate_burst: f64,
    /// Largest engine.io packet accepted; bigger frames close the connection before any handler sees them.
    pub max_payload_bytes: u64,
    /// Packets queued per socket before further ones are dropped (socket.io semantics for a slow client).
    /// socketioxide's default of 128 is too small for a busy room or for answering a flood.
    pub socket_buffer: usize,
    /// Initial read buffer per websocket, in bytes. Chat frames are small and the buffer grows for a larger
    /// one, while every idle connection pays for its size (socketioxide's default is 4 KiB).
    pub ws_read_buffer: usize,
    /// Tokio worker threads; defaults to the number of CPUs. One per vCPU of the task is the usual choice.
    pub worker_threads: usize,
    /// Inbound Redis pub/sub messages queued for the adapter.
    pub adapter_buffer: usize,
    /// After SIGTERM: how long the health check reports "draining" before sockets are closed, so that a load
    /// balancer stops routing here first.
    pub drain_grace: Duration,
    /// After SIGTERM: the longest wait for in-flight messages to be stored and published.
    pub drain_timeout: Duration,
    pub log_format: LogFormat,
}

fn var(name: &'static str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ServerError>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(value) => value
            .trim()
            .parse()
            .map_err(|e: T::Err| ServerError::Config {
                name,
                reason: e.to_string(),
                value,
            }),
    }
}

impl Config {
    pub fn from_env() -> Result<Self, ServerError> {
        // PORT is what most container platforms set; ESCALA_CHAT_PORT wins when both are present.
        let port: u16 = match var("ESCALA_CHAT_PORT") {
            Some(_) => parse("ESCALA_CHAT_PORT", 3000)?,
            None => parse("PORT", 3000)?,
        };
        let host: IpAddr = parse("ESCALA_CHAT_HOST", IpAddr::from([0, 0, 0, 0]))?;
        let instance_id = var("ESCALA_CHAT_INSTANCE_ID")
            .or_else(|| var("HOSTNAME"))
            .unwrap_or_else(|| format!("chat-{}", std::process::id()));
        let log_format = match var("ESCALA_CHAT_LOG_FORMAT").as_deref() {
            Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            Some(other) => {
                return Err(ServerError::Config {
                    name: "ESCALA_CHAT_LOG_FORMAT",
                    value: other.into(),
                    reason: "expected json or pretty".into(),
                });
            }
            // A terminal gets readable lines; anything else (a container, a file, a pipe) gets JSON.
            None if std::io::IsTerminal::is_terminal(&std::io::stdout()) => LogFormat::Pretty,
            None => LogFormat::Json,
        };
        let config = Self {
            bind: SocketAddr::new(host, port),
            redis_url: var("REDIS_URL").unwrap_or_else(|| "redis://127.0.0.1:6379".into()),
            instance_id,
            web_dir: PathBuf::from(var("ESCALA_CHAT_WEB_DIR").unwrap_or_else(|| "web/dist".into())),
            history_len: parse("ESCALA_CHAT_HISTORY_LEN", 50)?,
            max_message_chars: parse("ESCALA_CHAT_MAX_MESSAGE_CHARS", 2000)?,
            max_name_chars: parse("ESCALA_CHAT_MAX_NAME_CHARS", 48)?,
            max_rooms_per_socket: parse("ESCALA_CHAT_MAX_ROOMS", 16)?,
            rate_per_sec: parse("ESCALA_CHAT_RATE_PER_SEC", 20.0)?,
            rate_burst: parse("ESCALA_CHAT_RATE_BURST", 40.0)?,
            max_payload_bytes: parse("ESCALA_CHAT_MAX_PAYLOAD_BYTES", 64 * 1024)?,
            socket_buffer: parse("ESCALA_CHAT_SOCKET_BUFFER", 1024)?,
            ws_read_buffer: parse("ESCALA_CHAT_WS_READ_BUFFER", 256)?,
            worker_threads: parse(
                "ESCALA_CHAT_WORKER_THREADS",
                std::thread::available_parallelism()
                    .map(|n| n.get())
                    .unwrap_or(1),
            )?,
            adapter_buffer: parse("ESCALA_CHAT_ADAPTER_BUFFER", 65536)?,
            drain_grace: Duration::from_millis(parse("ESCALA_CHAT_DRAIN_GRACE_MS", 2000)?),
            drain_timeout: Duration::from_millis(parse("ESCALA_CHAT_DRAIN_TIMEOUT_MS", 10_000)?),
            log_format,
        };
        if config.adapter_buffer == 0
            || config.socket_buffer == 0
            || config.ws_read_buffer == 0
            || config.worker_threads == 0
        {
            return Err(ServerError::Config {
                name: "ESCALA_CHAT_ADAPTER_BUFFER",
                value: format!(
                    "adapter {} socket {} ws {} threads {}",
                    config.adapter_buffer,
                    config.socket_buffer,
                    config.ws_read_buffer,
                    config.worker_threads
                ),
                reason: "buffers and worker threads must be at least 1".into(),
            });
        }
        if config.rate_per_sec <= 0.0 || config.rate_burst < 1.0 {
            return Err(ServerError::Config {
                name: "ESCALA_CHAT_RATE_PER_SEC",
                value: format!("{}/{}", config.rate_per_sec, config.rate_burst),
                reason: "rate must be > 0 and burst >= 1".into(),
            });
        }
        if config.history_len == 0 {
            return Err(ServerError::Config {
                name: "ESCALA_CHAT_HISTORY_LEN",
                value: "0".into(),
                reason: "must be at least 1".into(),
            });
        }
        Ok(config)
    }

    /// The Redis URL with any password replaced, safe for logs.
    /// `REDIS_URL=none`: one instance alone, its history in memory, no Redis to share messages through.
    pub fn alone(&self) -> bool {
        self.redis_url == "none"
    }

    pub fn redacted_redis_url(&self) -> String {
        redact_url(&self.redis_url)
    }

    /// The URL the Redis adapter needs: the provided drivers speak RESP3 (Redis 7+), asked for in the URL.
    pub fn redis_url_resp3(&self) -> String {
        if self.redis_url.contains("protocol=") {
            self.redis_url.clone()
        } else if self.redis_url.contains('?') {
            format!("{}&protocol=resp3", self.redis_url)
        } else {
            format!("{}?protocol=resp3", self.redis_url)
        }
    }
}

fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.rsplit_once('@') {
        Some((_, host)) => format!("{scheme}://***@{host}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_hides_credentials_only() {
        assert_eq!(
            redact_url("redis://user:s3cret@cache:6379/0"),
            "redis://***@cache:6379/0"
        );
        assert_eq!(redact_url("rediss://:pw@h:1"), "rediss://***@h:1");
        assert_eq!(
            redact_url("redis://127.0.0.1:6379"),
            "redis://127.0.0.1:6379"
        );
    }
}

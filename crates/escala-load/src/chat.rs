//! Chat load: the fargate route's workload is a socket.io chat, whose work is messages between
//! connected clients, not page requests. This drives the workload's own load generator,
//! `escala-chat-load`, as a child process (the same program its benchmarks and tests use, so
//! there is one socket.io client fleet to trust): its JSON line each second becomes a
//! [`ChatSnapshot`], its result file the [`ChatReport`]. Stopping kills it.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio_util::sync::CancellationToken;

use crate::plan::{parse_url, MAX_DURATION};
use crate::LoadError;

/// More clients than one machine's generator holds without measuring itself.
pub const MAX_CLIENTS: u32 = 5_000;
/// Messages a second over all clients; each is delivered to the rest of its room.
pub const MAX_MESSAGE_RATE: u32 = 20_000;
/// Clients per room: each message reaches the other nine, as in a busy chat room.
const ROOM_SIZE: u32 = 10;
/// Messages a second one client may send: the chat server's own limit per connection
/// (`ESCALA_CHAT_RATE_PER_SEC`'s default). Past it, messages are refused, not served, and the
/// load would measure the limiter.
pub const PER_CLIENT_RATE: u32 = 20;

/// A validated chat load: only [`ChatPlan::new`] makes one.
#[derive(Debug, Clone)]
pub struct ChatPlan {
    url: String,
    clients: u32,
    rate: u32,
    duration: Duration,
}

impl ChatPlan {
    /// `clients` connect at `url` (through the load balancer, each pinned to a task by its
    /// stickiness cookie) and send `rate` messages a second between them for `duration`.
    pub fn new(url: &str, clients: u32, rate: u32, duration: Duration) -> Result<Self, LoadError> {
        let url = parse_url(url)?.to_string();
        if clients == 0 || clients > MAX_CLIENTS {
            return Err(LoadError::Clients(clients));
        }
        if rate == 0 || rate > MAX_MESSAGE_RATE {
            return Err(LoadError::MessageRate(rate));
        }
        if rate > clients * PER_CLIENT_RATE {
            return Err(LoadError::PerClientRate { clients, rate });
        }
        if duration.is_zero() || duration > MAX_DURATION {
            return Err(LoadError::Duration(duration));
        }
        Ok(Self {
            url: url.trim_end_matches('/').to_string(),
            clients,
            rate,
            duration,
        })
    }

    fn rooms(&self) -> u32 {
        self.clients.div_ceil(ROOM_SIZE)
    }
}

/// The run so far, once a second, as `escala-chat-load --progress` prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChatSnapshot {
    pub elapsed_ms: u64,
    /// Messages sent so far.
    pub sent: u64,
    /// Messages the servers acknowledged (stored and published through Redis).
    pub acked: u64,
    /// Messages refused or unanswered.
    pub rejected: u64,
    /// Deliveries to the other clients of each room.
    pub delivered: u64,
    /// Deliveries a second since the previous snapshot.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub delivered_per_sec: f64,
    /// Server instances (tasks) that acknowledged messages.
    pub instances: u32,
}

/// The whole run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChatReport {
    pub url: String,
    pub clients: u32,
    /// The rate asked for, in messages a second.
    pub rate: u32,
    /// Stopped before the duration was over: the figures are the last second's.
    pub cancelled: bool,
    pub last: ChatSnapshot,
    /// Deliveries promised by acknowledged messages that never arrived (unknown when stopped).
    pub lost: Option<u64>,
    /// Delivery latency, sender's clock to receiver's (unknown when stopped).
    pub latency: Option<ChatLatency>,
}

/// Delivery latency percentiles, in milliseconds: what the chat's generator keeps.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChatLatency {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub p50_ms: f64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub p99_ms: f64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub max_ms: f64,
}

/// The part of `escala-chat-load`'s result file read here: its one step.
#[derive(Deserialize)]
struct RunFile {
    steps: Vec<Step>,
}

#[derive(Deserialize)]
struct Step {
    sent: u64,
    acked: u64,
    rejected: u64,
    delivered: u64,
    lost: u64,
    delivered_per_sec: f64,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    seconds: f64,
    #[serde(default)]
    instances: u32,
}

/// `escala-chat-load`, from the workload: named by `ESCALA_CHAT_LOAD_BIN` (as a source checkout's
/// scripts set it), or installed beside the running program.
pub fn chat_load_binary() -> Result<PathBuf, LoadError> {
    let path = std::env::var_os("ESCALA_CHAT_LOAD_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::current_exe()
                .ok()
                .and_then(|e| e.parent().map(|d| d.join("escala-chat-load")))
                .unwrap_or_default()
        });
    if path.is_file() {
        Ok(path)
    } else {
        Err(LoadError::NoChatLoad(path.display().to_string()))
    }
}

/// Runs `plan` with the program at `binary`, calling `tick` every second, until its duration is
/// over or `cancel` fires.
pub async fn run_chat(
    plan: &ChatPlan,
    binary: &Path,
    tick: impl Fn(&ChatSnapshot) + Send + Sync,
    cancel: CancellationToken,
) -> Result<ChatReport, LoadError> {
    let dir = tempfile::tempdir().map_err(LoadError::ChatLoad)?;
    let result = dir.path().join("result.json");
    let mut child = tokio::process::Command::new(binary)
        .args(["run", "--url", &plan.url, "--progress", "--keep-going"])
        .args(["--clients", &plan.clients.to_string()])
        .args(["--rooms", &plan.rooms().to_string()])
        .args(["--rates", &plan.rate.to_string()])
        .args(["--duration", &plan.duration.as_secs_f64().to_string()])
        .arg("--json")
        .arg(&result)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(LoadError::ChatLoad)?;
    let started = Instant::now();
    let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
    let mut stderr = child.stderr.take().expect("piped");
    let mut last = None;
    let mut cancelled = false;
    loop {
        tokio::select! {
            line = lines.next_line() => match line.map_err(LoadError::ChatLoad)? {
                // Its other lines are the human summary at the end.
                Some(line) => if let Ok(s) = serde_json::from_str::<ChatSnapshot>(&line) {
                    tick(&s);
                    last = Some(s);
                },
                None => break,
            },
            _ = cancel.cancelled() => {
                cancelled = true;
                let _ = child.kill().await;
                break;
            }
        }
    }
    let status = child.wait().await.map_err(LoadError::ChatLoad)?;
    if !cancelled && !status.success() {
        let mut text = String::new();
        let _ = tokio::io::AsyncReadExt::read_to_string(&mut stderr, &mut text).await;
        return Err(LoadError::ChatLoadFailed(last_line(&text)));
    }
    let fallback = || ChatSnapshot {
        elapsed_ms: started.elapsed().as_millis() as u64,
        sent: 0,
        acked: 0,
        rejected: 0,
        delivered: 0,
        delivered_per_sec: 0.0,
        instances: 0,
    };
    let step = (!cancelled)
        .then(|| std::fs::read(&result).ok())
        .flatten()
        .and_then(|bytes| serde_json::from_slice::<RunFile>(&bytes).ok())
        .and_then(|r| r.steps.into_iter().next());
    Ok(match step {
        Some(s) => ChatReport {
            url: plan.url.clone(),
            clients: plan.clients,
            rate: plan.rate,
            cancelled,
            last: ChatSnapshot {
                elapsed_ms: (s.seconds * 1e3) as u64,
                sent: s.sent,
                acked: s.acked,
                rejected: s.rejected,
                delivered: s.delivered,
                delivered_per_sec: s.delivered_per_sec,
                instances: s.instances,
            },
            lost: Some(s.lost),
            latency: Some(ChatLatency {
                p50_ms: s.p50_ms,
                p99_ms: s.p99_ms,
                max_ms: s.max_ms,
            }),
        },
        None => ChatReport {
            url: plan.url.clone(),
            clients: plan.clients,
            rate: plan.rate,
            cancelled,
            last: last.unwrap_or_else(fallback),
            lost: None,
            latency: None,
        },
    })
}

/// The line that says what went wrong: the program's last non-empty one.
fn last_line(text: &str) -> String {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("it exited without saying why")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_keeps_within_the_generators_and_the_chats_limits() {
        let minute = Duration::from_secs(60);
        let plan = ChatPlan::new("127.0.0.1:8080", 200, 3000, minute).unwrap();
        assert_eq!(
            (plan.url.as_str(), plan.rooms()),
            ("http://127.0.0.1:8080", 20)
        );
        let err = |clients, rate, d| ChatPlan::new("http://h/", clients, rate, d).unwrap_err();
        assert!(matches!(err(0, 10, minute), LoadError::Clients(0)));
        assert!(matches!(err(10, 0, minute), LoadError::MessageRate(0)));
        let refused = err(40, 3000, minute);
        assert_eq!(refused.input(), Some(crate::Input::MessageRate));
        assert!(
            refused.to_string().contains("at least 150 clients"),
            "{refused}"
        );
        assert!(matches!(
            err(10, 10, Duration::ZERO),
            LoadError::Duration(_)
        ));
    }
}

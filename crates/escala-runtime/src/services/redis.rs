//! Each replication group's primary endpoint served by a real Redis on loopback: the tasks'
//! REDIS_URL names the endpoint's address, which resolves to it here as the VPC's DNS would
//! resolve it to the primary node. Its connections are ElastiCache's `CurrConnections`.

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::instances::Process;
use crate::workload::{Launch, Unit, Workload};
use crate::world::{Cache, World};

/// `redis-server`, which the setup script installs (Debian's package).
#[derive(Debug, Clone)]
pub struct RedisServer {
    pub program: PathBuf,
}

impl Workload for RedisServer {
    fn command(&self, unit: &Unit) -> Launch {
        let args = [
            "--bind",
            "127.0.0.1",
            "--port",
            &unit.port.to_string(),
            // A cache: nothing is written to disk.
            "--save",
            "",
            "--appendonly",
            "no",
        ];
        Launch {
            program: self.program.clone(),
            args: args.iter().map(Into::into).collect(),
            env: Vec::new(),
        }
    }

    fn port_in(&self, unit: &Unit, line: &str) -> Option<u16> {
        line.contains("Ready to accept connections")
            .then_some(unit.port)
    }

    fn reports_usage(&self) -> bool {
        false
    }
}

/// The running caches, by their endpoint (`address:port`).
#[derive(Debug, Default)]
pub struct Caches {
    running: HashMap<String, (Cache, Process)>,
    /// Endpoints that could not start, so it is said once.
    refused: std::collections::HashSet<String>,
}

fn endpoint(c: &Cache) -> String {
    format!("{}:{}", c.address, c.port)
}

impl Caches {
    /// Starts a Redis for each available replication group, and ends those of deleted ones.
    pub async fn keep(&mut self, world: &World, pids: &Path) {
        let live: Vec<&Cache> = world
            .caches
            .iter()
            .filter(|c| c.status == "available")
            .collect();
        self.running
            .retain(|e, _| live.iter().any(|c| endpoint(c) == *e));
        for cache in live {
            let key = endpoint(cache);
            if self.running.contains_key(&key) || self.refused.contains(&key) {
                continue;
            }
            match start(cache, pids).await {
                Ok(p) => {
                    self.running.insert(key, (cache.clone(), p));
                }
                Err(e) => {
                    tracing::warn!(
                        cache = cache.id,
                        error = e,
                        "the replication group has no Redis in the sandbox"
                    );
                    self.refused.insert(key);
                }
            }
        }
    }

    /// `url` with a replication group's endpoint replaced by where its Redis listens here.
    pub fn resolve(&self, url: &str) -> String {
        for (endpoint, (_, p)) in &self.running {
            if let Some(rest) = url.split_once("://").map(|(_, r)| r) {
                if rest == endpoint || rest.starts_with(&format!("{endpoint}/")) {
                    let scheme = url.split_once("://").map(|(s, _)| s).unwrap_or("redis");
                    let tail = &rest[endpoint.len()..];
                    return format!("{scheme}://127.0.0.1:{}{tail}", p.port);
                }
            }
        }
        url.to_string()
    }

    /// Each cache's client connections now, as `INFO clients` counts them (the runtime's own
    /// probe taken out), for ElastiCache's CurrConnections.
    pub async fn connections(&self) -> Vec<(Cache, u64)> {
        let mut out = Vec::new();
        for (cache, p) in self.running.values() {
            if let Some(n) = connected_clients(p.port).await {
                out.push((cache.clone(), n.saturating_sub(1)));
            }
        }
        out
    }
}

async fn start(cache: &Cache, pids: &Path) -> Result<Process, String> {
    let program = which("redis-server").ok_or("redis-server is not installed")?;
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| e.to_string())?;
    let unit = Unit {
        id: format!("cache-{}", cache.id),
        port,
        ..Unit::default()
    };
    Process::start(&RedisServer { program }, &unit, pids)
        .await
        .map_err(|e| e.to_string())
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(program))
            .find(|p| p.is_file())
    })
}

/// `connected_clients` from `INFO clients`, spoken in RESP.
async fn connected_clients(port: u16) -> Option<u64> {
    let talk = async {
        let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .ok()?;
        s.write_all(b"*2\r\n$4\r\nINFO\r\n$7\r\nclients\r\n")
            .await
            .ok()?;
        let mut buf = vec![0u8; 4096];
        let n = s.read(&mut buf).await.ok()?;
        let text = String::from_utf8_lossy(&buf[..n]);
        text.lines()
            .find_map(|l| l.strip_prefix("connected_clients:"))
            .and_then(|v| v.trim().parse().ok())
    };
    tokio::time::timeout(Duration::from_secs(1), talk)
        .await
        .ok()?
}

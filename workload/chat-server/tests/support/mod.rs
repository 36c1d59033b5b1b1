//! Test support: real `escala-chat` processes against the real Redis named by ESCALA_TEST_REDIS_URL
//! (workload/scripts/test.sh starts one), and helpers to read events with a hang guard.
//! Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use escala_chat_proto::{Client, EV_JOIN, Incoming, JoinAck, JoinRequest};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Guards against hangs only; no assertion depends on how fast anything is.
pub const GUARD: Duration = Duration::from_secs(30);

pub fn redis_url() -> String {
    std::env::var("ESCALA_TEST_REDIS_URL")
        .expect("ESCALA_TEST_REDIS_URL must name a running Redis (run workload/scripts/test.sh)")
}

/// A unique prefix, so that tests sharing one Redis never see each other's rooms.
pub fn unique(name: &str) -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros();
    format!("{name}-{:x}-{n}", micros % 0xffff_ffff)
}

pub struct Server {
    child: Child,
    pub url: String,
    pub port: u16,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Server {
    /// Starts an instance on a free port with `extra` environment variables and waits until it listens.
    pub fn start(name: &str, extra: &[(&str, &str)]) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_escala-chat"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("REDIS_URL", redis_url())
            .env("ESCALA_CHAT_HOST", "127.0.0.1")
            .env("ESCALA_CHAT_PORT", "0")
            .env("ESCALA_CHAT_INSTANCE_ID", name)
            .env("ESCALA_CHAT_LOG_FORMAT", "json")
            .env("ESCALA_CHAT_DRAIN_GRACE_MS", "200")
            .env(
                "RUST_LOG",
                std::env::var("ESCALA_TEST_SERVER_LOG").unwrap_or_else(|_| "info".into()),
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in extra {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn escala-chat");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let port = loop {
            let line = rx
                .recv_timeout(GUARD)
                .unwrap_or_else(|_| panic!("{name} did not start listening"));
            let Ok(v) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            if v["message"] == "listening" {
                let addr = v["addr"].as_str().expect("addr field").to_string();
                break addr.rsplit(':').next().unwrap().parse::<u16>().unwrap();
            }
        };
        Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            port,
            lines: rx,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn sigterm(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }

    /// Waits for the process to exit after a signal and returns whether it exited cleanly.
    pub fn wait_exit(&mut self) -> bool {
        let deadline = std::time::Instant::now() + GUARD;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.success();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "server did not exit after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The log lines printed so far.
    pub fn drain_logs(&self) -> Vec<String> {
        self.lines.try_iter().collect()
    }

    /// GET /healthz: (status code, body).
    pub async fn health(&self) -> (u16, Value) {
        let mut s = tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .expect("connect");
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut buf = String::new();
        s.read_to_string(&mut buf).await.unwrap();
        let code = buf.split_whitespace().nth(1).unwrap().parse().unwrap();
        let body = buf.split("\r\n\r\n").nth(1).unwrap_or("");
        (code, serde_json::from_str(body).unwrap_or(Value::Null))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A request with its acknowledgement, guarded against a missing ack.
pub async fn request<T: serde::Serialize + ?Sized, R: serde::de::DeserializeOwned>(
    c: &Client,
    event: &str,
    data: &T,
) -> R {
    tokio::time::timeout(GUARD, c.request(event, data))
        .await
        .unwrap_or_else(|_| panic!("no ack for {event}"))
        .unwrap_or_else(|e| panic!("{event}: {e}"))
}

pub async fn connect(server: &Server) -> Client {
    tokio::time::timeout(GUARD, Client::connect(&server.url))
        .await
        .expect("connect timed out")
        .expect("connect")
}

/// The next event named `name`, skipping others. Panics if the connection closes or nothing comes in time.
pub async fn next_named(client: &mut Client, name: &str) -> Value {
    loop {
        match tokio::time::timeout(GUARD, client.next())
            .await
            .expect("no event in time")
        {
            Some(Incoming::Event {
                name: n, mut args, ..
            }) if n == name => {
                return if args.is_empty() {
                    Value::Null
                } else {
                    args.swap_remove(0)
                };
            }
            Some(Incoming::Event { .. }) => {}
            Some(Incoming::Closed) | None => panic!("connection closed while waiting for {name}"),
        }
    }
}

/// All events up to and including the first `name` event whose `field` equals `value`.
pub async fn events_until(
    client: &mut Client,
    name: &str,
    field: &str,
    value: &str,
) -> Vec<(String, Value)> {
    let mut seen = Vec::new();
    loop {
        match tokio::time::timeout(GUARD, client.next())
            .await
            .expect("no event in time")
        {
            Some(Incoming::Event {
                name: n, mut args, ..
            }) => {
                let v = if args.is_empty() {
                    Value::Null
                } else {
                    args.swap_remove(0)
                };
                let done = n == name && v[field] == value;
                seen.push((n, v));
                if done {
                    return seen;
                }
            }
            Some(Incoming::Closed) | None => panic!("connection closed while waiting for {name}"),
        }
    }
}

/// Joins `room` as `nick`, asserting the server took it.
pub async fn join(c: &Client, room: &str, nick: &str) -> JoinAck {
    let ack: JoinAck = request(
        c,
        EV_JOIN,
        &JoinRequest {
            room: room.into(),
            nick: nick.into(),
        },
    )
    .await;
    assert!(ack.ok, "join {room} refused: {:?}", ack.error);
    ack
}

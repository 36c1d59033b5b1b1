//! A sandbox of a test's own, through the real `escala` binary: started at a time factor, and
//! stopped when the test ends, passed or failed.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;

use escala_testkit::world::wait;
use serde_json::Value;

/// AWS's minute is 2 s: the 3 periods of AlarmHigh take 6 s, AlarmLow's 15 take 30 s.
pub const SPEED: &str = "30";

pub struct Home {
    pub dir: tempfile::TempDir,
}

/// A failed test still stops its sandbox: its emulator and workload processes would outlive it.
impl Drop for Home {
    fn drop(&mut self) {
        let _ = self.command(&["sandbox", "stop"]).output();
    }
}

impl Home {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_escala"));
        escala_testkit::isolated(&mut c, self.dir.path()).args(args);
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        let out = self.command(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", super::text(&out));
        out
    }

    pub fn start(&self) -> String {
        let out = self.run(&["sandbox", "start", "--speed", SPEED, "-o", "json"]);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["speed"], 30.0);
        v["endpoint"].as_str().unwrap().to_string()
    }

    pub fn pids(&self) -> PathBuf {
        self.dir.path().join("sandbox/pids")
    }

    /// The workload processes the runtime recorded: (pid, instance id).
    pub fn workload_processes(&self) -> Vec<(u32, String)> {
        std::fs::read_dir(self.pids())
            .map(|d| {
                d.flatten()
                    .filter_map(|e| {
                        let pid = e.file_name().to_str()?.parse().ok()?;
                        Some((pid, std::fs::read_to_string(e.path()).ok()?))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

pub fn balancer_url(endpoint: &str) -> String {
    wait(
        "the load balancer's loopback URL",
        Duration::from_secs(20),
        || {
            let urls: Value = serde_json::from_str(
                &escala_sandbox::get(endpoint, "/moto-api/escala/balancers").ok()?,
            )
            .ok()?;
            urls.as_object()?
                .values()
                .next()?
                .as_str()
                .map(String::from)
        },
    )
}

/// The SDK configuration for the sandbox's own keys at `endpoint`.
pub async fn sandbox_config(endpoint: &str) -> aws_config::SdkConfig {
    escala_aws::connect::sdk_config(
        &escala_aws::connect::Target::sandbox(endpoint),
        "us-east-1",
        &escala_aws::credentials::KeyringStore::new("escala-test-live"),
    )
    .await
    .unwrap()
}

/// Whether `pid` is still a sandbox workload process (pids get reused): the runtime marks each in
/// its environment.
pub fn alive(pid: u32) -> bool {
    std::fs::read(format!("/proc/{pid}/environ"))
        .map(|e| {
            e.split(|b| *b == 0)
                .any(|v| v.starts_with(b"ESCALA_SANDBOX_UNIT="))
        })
        .unwrap_or(false)
}

/// seed-asg as stack `stack`, in the sandbox's home.
pub fn seed_asg(home: &Home, stack: &str) -> PathBuf {
    // seed-asg without its business-hours schedule (the sandbox's clock runs 30× and could
    // reach 08:00 during the test) and with a 60 s grace period (2 s here).
    let seed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/seed-asg.yaml"
    ))
    .unwrap();
    let body: String = seed
        .lines()
        .filter(|l| !l.contains("scheduled:") && !l.contains("business-hours"))
        .map(|l| l.replace("name: seed-asg", &format!("name: {stack}")))
        .map(|l| {
            l.replace(
                "healthCheckGraceSeconds: 300",
                "healthCheckGraceSeconds: 60",
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let path = home.dir.path().join(format!("{stack}.yaml"));
    std::fs::write(&path, body).unwrap();
    path
}

/// Waits for a group's first instance to be InService after an apply.
pub fn first_in_service(endpoint: &str, group: &str) {
    wait(
        "the first instance InService",
        Duration::from_secs(30),
        || {
            escala_testkit::world::group(&escala_testkit::world::world(endpoint), group)
                .filter(|g| escala_testkit::world::in_service(g).len() == 1)
                .map(|_| ())
        },
    );
}

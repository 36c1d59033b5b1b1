//! What runs for a target: the runtime starts one process per instance, per ECS task and per
//! cache through a [`Workload`], and reads its usage the same way for all.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

/// How the runtime's own binary runs a workload process: the program and the arguments that put
/// it in workload mode (`escala sandbox instance`, the desktop app's flag).
#[derive(Debug, Clone)]
pub struct SelfCommand {
    pub program: PathBuf,
    pub args: Vec<OsString>,
}

/// One thing to run, with what the workload needs to know of it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Unit {
    pub id: String,
    /// The vCPUs its CPU is measured against (an instance's).
    pub vcpus: u32,
    /// Its environment, on top of the runtime's (a task definition's container environment).
    pub env: Vec<(String, String)>,
    /// The port the runtime chose for it, for a workload that can't choose its own (0: it does).
    pub port: u16,
}

/// A process's command line and environment.
#[derive(Debug, Clone)]
pub struct Launch {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub env: Vec<(String, String)>,
}

/// A kind of workload process: the demo web server (the asg route's), the chat server (the
/// fargate route's tasks), Redis (its replication group).
pub trait Workload: Send + Sync + std::fmt::Debug {
    /// The process that serves `unit`.
    fn command(&self, unit: &Unit) -> Launch;
    /// The port it serves on, once a line of its output says so: `listening <port>`.
    fn port_in(&self, _unit: &Unit, line: &str) -> Option<u16> {
        line.strip_prefix("listening ")
            .and_then(|p| p.trim().parse().ok())
    }
    /// Whether its output reports its CPU (`usage <busy µs> <requests>` lines, the demo's
    /// model); otherwise the runtime measures what the process really used.
    fn reports_usage(&self) -> bool {
        true
    }
    /// How long it may take to serve.
    fn start_timeout(&self) -> Duration {
        Duration::from_secs(10)
    }
}

/// The demo web server ([`crate::instances::demo`]), run by the runtime's own binary.
#[derive(Debug, Clone)]
pub struct DemoWeb {
    pub command: SelfCommand,
    pub cpu_per_request: Duration,
}

impl Workload for DemoWeb {
    fn command(&self, unit: &Unit) -> Launch {
        let mut args = self.command.args.clone();
        args.extend(
            [
                "--instance-id".to_string(),
                unit.id.clone(),
                "--vcpus".into(),
                unit.vcpus.to_string(),
                "--cpu-ms".into(),
                self.cpu_per_request.as_millis().to_string(),
            ]
            .map(OsString::from),
        );
        Launch {
            program: self.command.program.clone(),
            args,
            env: Vec::new(),
        }
    }
}

//! What runs for a target: the runtime starts one process per instance (and, for the routes to
//! come, per ECS task or pod) through a [`Workload`], and reads its usage the same way for all.

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

/// One thing to run: an instance of a group, with what the workload needs to know of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: String,
    /// The vCPUs its CPU is measured against.
    pub vcpus: u32,
}

/// A kind of workload process. The demo web server is the asg route's; the Fargate route's chat
/// server will be another, behind the same load balancer and measured the same way.
pub trait Workload: Send + Sync + std::fmt::Debug {
    /// The command line of the process that serves `unit`. It prints `listening <port>` first,
    /// then `usage <busy µs> <requests>` lines.
    fn command(&self, unit: &Unit) -> (PathBuf, Vec<OsString>);
    /// How long it may take to print its port.
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
    fn command(&self, unit: &Unit) -> (PathBuf, Vec<OsString>) {
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
        (self.command.program.clone(), args)
    }
}

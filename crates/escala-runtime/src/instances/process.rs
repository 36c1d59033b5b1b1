//! A workload process: started with its stdout piped to the runtime, which reads its port and
//! then its usage; ended on drop. Each one is recorded in a pid folder, so a runtime killed with
//! `kill -9` leaves nothing running after the next start ([`end_orphans`]).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::workload::{Unit, Workload};
use crate::RuntimeError;

/// What a process has done so far, as it last reported.
#[derive(Debug, Default)]
pub struct Usage {
    pub busy_micros: AtomicU64,
    pub requests: AtomicU64,
}

#[derive(Debug)]
pub struct Process {
    child: Child,
    pub port: u16,
    pub usage: Arc<Usage>,
    pid_file: PathBuf,
}

impl Process {
    pub async fn start(
        workload: &dyn Workload,
        unit: &Unit,
        pids: &Path,
    ) -> Result<Self, RuntimeError> {
        let (program, args) = workload.command(unit);
        let mut cmd = Command::new(&program);
        cmd.args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        let mut child = cmd.spawn().map_err(|source| RuntimeError::Spawn {
            what: unit.id.clone(),
            source,
        })?;
        let pid = child.id().unwrap_or_default();
        let pid_file = pids.join(pid.to_string());
        let _ = std::fs::write(&pid_file, &unit.id);
        let stdout = child.stdout.take().expect("piped");
        let mut lines = BufReader::new(stdout).lines();
        let first = tokio::time::timeout(workload.start_timeout(), lines.next_line()).await;
        let port = match first {
            Ok(Ok(Some(line))) => line
                .strip_prefix("listening ")
                .and_then(|p| p.trim().parse().ok()),
            _ => None,
        };
        let Some(port) = port else {
            let _ = child.start_kill();
            let _ = std::fs::remove_file(&pid_file);
            return Err(RuntimeError::NotServing(unit.id.clone()));
        };
        let usage = Arc::new(Usage::default());
        let reported = usage.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                let mut words = line.split_whitespace().skip(1);
                let mut next = || words.next().and_then(|w| w.parse::<u64>().ok());
                if let (Some(busy), Some(requests)) = (next(), next()) {
                    reported.busy_micros.store(busy, Ordering::Relaxed);
                    reported.requests.store(requests, Ordering::Relaxed);
                }
            }
        });
        Ok(Self {
            child,
            port,
            usage,
            pid_file,
        })
    }

    /// Whether it still runs (a process killed by hand does not).
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        let _ = std::fs::remove_file(&self.pid_file);
    }
}

/// Ends the workload processes an earlier runtime left behind (it was killed before it could end
/// them), and empties the pid folder. A pid is signalled only while it is still a sandbox
/// workload process: pids get reused.
pub fn end_orphans(pids: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(pids) else {
        return 0;
    };
    let mut ended = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if let Some(pid) = name.to_str().and_then(|n| n.parse::<u32>().ok()) {
            if is_workload(pid) {
                kill(pid);
                ended += 1;
            }
        }
        let _ = std::fs::remove_file(entry.path());
    }
    ended
}

#[cfg(unix)]
fn is_workload(pid: u32) -> bool {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|c| String::from_utf8_lossy(&c).contains("--instance-id"))
        .unwrap_or(false)
}

#[cfg(unix)]
fn kill(pid: u32) {
    use nix::sys::signal::{kill, Signal};
    use nix::unistd::Pid;
    let _ = kill(Pid::from_raw(pid as i32), Signal::SIGKILL);
}

#[cfg(not(unix))]
fn is_workload(_pid: u32) -> bool {
    false
}

#[cfg(not(unix))]
fn kill(_pid: u32) {}

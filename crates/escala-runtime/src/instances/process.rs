//! A workload process: started with its stdout piped to the runtime, which reads its port and
//! then its usage; ended on drop. Each one is recorded in a pid folder, so a runtime killed with
//! `kill -9` leaves nothing running after the next start ([`end_orphans`]). Its memory (and, for
//! a workload that doesn't report it, its CPU) is read from `/proc` while it runs.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::workload::{Unit, Workload};
use crate::RuntimeError;

/// What a process has done so far, as it last reported or was measured.
#[derive(Debug, Default)]
pub struct Usage {
    pub busy_micros: AtomicU64,
    pub requests: AtomicU64,
    /// Its resident memory.
    pub rss_bytes: AtomicU64,
}

/// Marks a process as the sandbox's in its environment, which `/proc` shows for as long as it
/// runs, whatever it names itself.
const MARK: &str = "ESCALA_SANDBOX_UNIT";

/// How often `/proc` is read for a process's usage.
const SAMPLE_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

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
        let launch = workload.command(unit);
        let mut cmd = Command::new(&launch.program);
        cmd.args(&launch.args)
            .envs(launch.env.iter().map(|(k, v)| (k, v)))
            .env(MARK, &unit.id)
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
        let found = tokio::time::timeout(workload.start_timeout(), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(port) = workload.port_in(unit, &line) {
                    return Some(port);
                }
            }
            None
        })
        .await;
        let Ok(Some(port)) = found else {
            let _ = child.start_kill();
            let _ = std::fs::remove_file(&pid_file);
            return Err(RuntimeError::NotServing(unit.id.clone()));
        };
        let usage = Arc::new(Usage::default());
        let reported = usage.clone();
        let reports = workload.reports_usage();
        // Read to the end whatever it reports: a full pipe would block the process.
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                if !reports {
                    continue;
                }
                let mut words = line.split_whitespace().skip(1);
                let mut next = || words.next().and_then(|w| w.parse::<u64>().ok());
                if let (Some(busy), Some(requests)) = (next(), next()) {
                    reported.busy_micros.store(busy, Ordering::Relaxed);
                    reported.requests.store(requests, Ordering::Relaxed);
                }
            }
        });
        tokio::spawn(sample(pid, usage.clone(), !reports));
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
    let mark = format!("{MARK}=");
    std::fs::read(format!("/proc/{pid}/environ"))
        .map(|e| {
            e.split(|b| *b == 0)
                .any(|var| var.starts_with(mark.as_bytes()))
        })
        .unwrap_or(false)
}

/// Reads the process's memory (and its CPU when `cpu`) from `/proc` until it ends or its
/// [`Process`] is dropped.
async fn sample(pid: u32, usage: Arc<Usage>, cpu: bool) {
    let mut tick = tokio::time::interval(SAMPLE_EVERY);
    while Arc::strong_count(&usage) > 1 {
        tick.tick().await;
        let Some((busy, rss)) = proc_usage(pid) else {
            return;
        };
        usage.rss_bytes.store(rss, Ordering::Relaxed);
        if cpu {
            usage.busy_micros.store(busy, Ordering::Relaxed);
        }
    }
}

/// (CPU time in µs, resident bytes) of a running process.
#[cfg(target_os = "linux")]
fn proc_usage(pid: u32) -> Option<(u64, u64)> {
    use nix::unistd::{sysconf, SysconfVar};
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command's name, which may itself hold spaces and parentheses.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // utime and stime are the 14th and 15th fields, the 12th and 13th after the name.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    let per_second = sysconf(SysconfVar::CLK_TCK).ok()??.max(1) as u64;
    let statm = std::fs::read_to_string(format!("/proc/{pid}/statm")).ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    let page = sysconf(SysconfVar::PAGE_SIZE).ok()??.max(1) as u64;
    Some((ticks * 1_000_000 / per_second, pages * page))
}

#[cfg(not(target_os = "linux"))]
fn proc_usage(_pid: u32) -> Option<(u64, u64)> {
    None
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

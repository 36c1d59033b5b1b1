//! The detached sandbox the CLI and the desktop app share, recorded in `<root>/sandbox.json`.
//!
//! It is one process (the caller's own binary, run with the arguments of a [`Launch`]) that owns the
//! emulator and runs the sandbox runtime beside it, so that one signal stops both, and a `kill -9`
//! of it takes the emulator down through the emulator's watchdog.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::control::{is_up, post};
use crate::error::io;
use crate::error::SandboxError;
use crate::speed::Speed;

/// How long the sandbox may take to answer after starting: moto imports a lot of Python on a
/// cold cache.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// What `sandbox.json` holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SandboxInfo {
    pub endpoint: String,
    /// The sandbox process (emulator and runtime).
    pub pid: u32,
    #[serde(default)]
    pub speed: Speed,
}

/// How to run the sandbox process: the caller's binary and the arguments that make it serve
/// (`escala sandbox serve`, the desktop app's own flag). [`Sandbox::start`] adds `--home` and
/// `--speed`.
#[derive(Debug, Clone)]
pub struct Launch {
    pub program: PathBuf,
    pub args: Vec<OsString>,
}

#[derive(Debug, Clone)]
pub struct Sandbox {
    root: PathBuf,
}

impl Sandbox {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &std::path::Path {
        &self.root
    }

    fn file(&self) -> PathBuf {
        self.root.join("sandbox.json")
    }

    /// Where the sandbox process writes its log.
    pub fn log(&self) -> PathBuf {
        self.root.join("sandbox.log")
    }

    /// The running sandbox, if there is one that answers.
    pub fn running(&self) -> Result<Option<SandboxInfo>, SandboxError> {
        let path = self.file();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(format!("reading {}", path.display()), e)),
        };
        let info: SandboxInfo = serde_json::from_str(&text)
            .map_err(|_| SandboxError::State(path.display().to_string()))?;
        Ok(is_up(&info.endpoint).then_some(info))
    }

    /// Starts the sandbox unless it is already running; returns it either way (a running one
    /// keeps its own speed).
    pub fn start(&self, launch: &Launch, speed: Speed) -> Result<SandboxInfo, SandboxError> {
        if let Some(info) = self.running()? {
            return Ok(info);
        }
        std::fs::create_dir_all(&self.root)
            .map_err(|e| io(format!("creating {}", self.root.display()), e))?;
        let _ = std::fs::remove_file(self.file());
        let log = self.log();
        let out = std::fs::File::create(&log)
            .map_err(|e| io(format!("creating {}", log.display()), e))?;
        let err = out
            .try_clone()
            .map_err(|e| io("opening the sandbox log", e))?;
        let mut cmd = Command::new(&launch.program);
        cmd.args(&launch.args)
            .arg("--home")
            .arg(&self.root)
            .arg("--speed")
            .arg(speed.factor().to_string())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err);
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            // Its own process group: Ctrl-C in the terminal that started it must not stop it.
            cmd.process_group(0);
        }
        let mut child = cmd.spawn().map_err(|source| SandboxError::Spawn {
            path: launch.program.clone(),
            source,
        })?;
        let started = Instant::now();
        while started.elapsed() < READY_TIMEOUT {
            if let Some(info) = self.running()? {
                return Ok(info);
            }
            if let Ok(Some(_)) = child.try_wait() {
                return Err(SandboxError::Exited {
                    log: log.display().to_string(),
                });
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        Err(SandboxError::NotReady {
            endpoint: "the sandbox".into(),
            seconds: READY_TIMEOUT.as_secs(),
            log: log.display().to_string(),
        })
    }

    /// The sandbox process says it is up: written last, once the emulator answers and the runtime
    /// runs, so a reader that finds the file finds a working sandbox.
    pub fn record(&self, info: &SandboxInfo) -> Result<(), SandboxError> {
        let text = serde_json::to_string_pretty(info).expect("serializable");
        let part = self.root.join("sandbox.json.part");
        std::fs::write(&part, text).map_err(|e| io(format!("writing {}", part.display()), e))?;
        std::fs::rename(&part, self.file())
            .map_err(|e| io(format!("writing {}", self.file().display()), e))
    }

    /// The sandbox process is going: it removes its record.
    pub fn unrecord(&self) {
        let _ = std::fs::remove_file(self.file());
    }

    /// Stops the sandbox; all its resources are gone with it. Returns false when none was running.
    pub fn stop(&self) -> Result<bool, SandboxError> {
        let Some(info) = self.running()? else {
            let _ = std::fs::remove_file(self.file());
            return Ok(false);
        };
        terminate(info.pid);
        let started = Instant::now();
        // Gone when the process is: it ends its instances and the emulator before exiting.
        while (alive(info.pid) || is_up(&info.endpoint))
            && started.elapsed() < Duration::from_secs(15)
        {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = std::fs::remove_file(self.file());
        Ok(true)
    }

    /// Wipes every resource in the running sandbox.
    pub fn reset(&self) -> Result<bool, SandboxError> {
        match self.running()? {
            Some(info) => post(&info.endpoint, "/moto-api/reset", "").map(|_| true),
            None => Ok(false),
        }
    }
}

/// Whether `pid` still runs as a sandbox process: pids get reused.
#[cfg(unix)]
fn alive(pid: u32) -> bool {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|c| {
            let c = String::from_utf8_lossy(&c);
            c.contains("sandbox") && !is_zombie(pid)
        })
        .unwrap_or(false)
}

#[cfg(unix)]
fn is_zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| s.rsplit_once(") ").map(|(_, rest)| rest.starts_with('Z')))
        .unwrap_or(false)
}

#[cfg(unix)]
fn terminate(pid: u32) {
    use nix::sys::signal::{kill, Signal};
    use nix::unistd::Pid;
    if alive(pid) {
        let _ = kill(Pid::from_raw(pid as i32), Signal::SIGTERM);
    }
}

#[cfg(not(unix))]
fn alive(_pid: u32) -> bool {
    false
}

#[cfg(not(unix))]
fn terminate(pid: u32) {
    let _ = Command::new("taskkill")
        .args(["/PID", &pid.to_string(), "/F"])
        .status();
}

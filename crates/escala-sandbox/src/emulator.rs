//! Starting and stopping the moto server process.

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::control::{is_up, post};
use crate::SandboxError;

/// How long moto may take to answer after starting (it imports a lot of Python on a cold cache).
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs moto's server with a fix it needs (see the file); passed to moto's own interpreter.
const LAUNCHER: &str = include_str!("../emulator/launch.py");

/// The interpreter moto_server was installed for, from its `#!` line: a venv's, a user install's.
fn interpreter(moto_server: &Path) -> Result<PathBuf, SandboxError> {
    let script = std::fs::read_to_string(moto_server)
        .map_err(|e| io(format!("reading {}", moto_server.display()), e))?;
    script
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("#!"))
        .map(|l| PathBuf::from(l.trim()))
        .filter(|p| p.is_absolute())
        .ok_or_else(|| SandboxError::Spawn {
            path: moto_server.to_path_buf(),
            source: std::io::Error::other("it doesn't start with the #! line of a Python script"),
        })
}

/// The emulator's command line: moto's interpreter running the launcher on a loopback port.
fn emulator_args(port: u16) -> [String; 6] {
    [
        "-c".into(),
        LAUNCHER.into(),
        "-H".into(),
        "127.0.0.1".into(),
        "-p".into(),
        port.to_string(),
    ]
}

/// Where moto_server is: `$ESCALA_MOTO_SERVER`, the setup script's venv, then `PATH`.
pub fn find_moto_server() -> Result<PathBuf, SandboxError> {
    if let Some(p) = std::env::var_os("ESCALA_MOTO_SERVER") {
        return Ok(PathBuf::from(p));
    }
    let cache = std::env::var_os("ESCALA_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/escala")));
    if let Some(venv) = cache
        .map(|c| c.join("venv/bin/moto_server"))
        .filter(|p| p.exists())
    {
        return Ok(venv);
    }
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join("moto_server"))
                .find(|p| p.is_file())
        })
        .ok_or(SandboxError::NotInstalled)
}

fn free_port() -> Result<u16, SandboxError> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| io("finding a free loopback port", e))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| io("finding a free loopback port", e))
}

fn spawn(log: &Path, detached: bool) -> Result<(Child, String), SandboxError> {
    let path = interpreter(&find_moto_server()?)?;
    let port = free_port()?;
    let out = File::create(log).map_err(|e| io(format!("creating {}", log.display()), e))?;
    let err = out
        .try_clone()
        .map_err(|e| io("opening the emulator log", e))?;
    let mut cmd = if detached {
        let mut c = Command::new(&path);
        c.args(emulator_args(port));
        c
    } else {
        owned_command(&path, port)
    };
    // Without it every AWS managed policy ARN is NoSuchEntity in the emulator.
    cmd.env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own process group: Ctrl-C in the terminal must not stop a detached sandbox, and an
        // owned emulator is stopped as a group (the watchdog shell and moto together).
        cmd.process_group(0);
    }
    let child = cmd
        .spawn()
        .map_err(|source| SandboxError::Spawn { path, source })?;
    Ok((child, format!("http://127.0.0.1:{port}")))
}

/// An owned emulator runs under a watchdog shell that stops it when this process dies, even by
/// SIGKILL or a test harness abort, so no emulator outlives the process that started it.
#[cfg(unix)]
fn owned_command(path: &Path, port: u16) -> Command {
    let mut c = Command::new("sh");
    c.args([
        "-c",
        r#"owner=$1; shift; "$@" & moto=$!
trap 'kill $moto 2>/dev/null; exit 0' TERM INT
while kill -0 "$owner" 2>/dev/null && kill -0 $moto 2>/dev/null; do sleep 1; done
kill $moto 2>/dev/null"#,
        "watchdog",
    ])
    .arg(std::process::id().to_string())
    .arg(path)
    .args(emulator_args(port));
    c
}

#[cfg(not(unix))]
fn owned_command(path: &Path, port: u16) -> Command {
    let mut c = Command::new(path);
    c.args(emulator_args(port));
    c
}

fn wait_ready(endpoint: &str, log: &Path, child: &mut Child) -> Result<(), SandboxError> {
    let started = Instant::now();
    while started.elapsed() < READY_TIMEOUT {
        if is_up(endpoint) {
            return Ok(());
        }
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    Err(SandboxError::NotReady {
        endpoint: endpoint.into(),
        seconds: READY_TIMEOUT.as_secs(),
        log: log.display().to_string(),
    })
}

/// An emulator owned by this process, stopped on drop. One per test process, reset between tests.
#[derive(Debug)]
pub struct Emulator {
    child: Child,
    endpoint: String,
    _dir: TempDir,
}

impl Emulator {
    pub fn start() -> Result<Self, SandboxError> {
        let dir = TempDir::new()?;
        let log = dir.0.join("moto.log");
        let (mut child, endpoint) = spawn(&log, false)?;
        wait_ready(&endpoint, &log, &mut child)?;
        Ok(Self {
            child,
            endpoint,
            _dir: dir,
        })
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Wipes every resource in the emulator.
    pub fn reset(&self) -> Result<(), SandboxError> {
        post(&self.endpoint, "/moto-api/reset", "").map(|_| ())
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            use nix::sys::signal::{killpg, Signal};
            use nix::unistd::Pid;
            let _ = killpg(Pid::from_raw(self.child.id() as i32), Signal::SIGTERM);
        }
        #[cfg(not(unix))]
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<Self, SandboxError> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "escala-emulator-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).map_err(|e| io(format!("creating {}", dir.display()), e))?;
        Ok(Self(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What `sandbox.json` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxInfo {
    pub endpoint: String,
    pub pid: u32,
}

/// The detached sandbox the CLI and the desktop app share, recorded in `<root>/sandbox.json`.
#[derive(Debug, Clone)]
pub struct Sandbox {
    root: PathBuf,
}

impl Sandbox {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn file(&self) -> PathBuf {
        self.root.join("sandbox.json")
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

    /// Starts the sandbox unless it is already running; returns its endpoint either way.
    pub fn start(&self) -> Result<SandboxInfo, SandboxError> {
        if let Some(info) = self.running()? {
            return Ok(info);
        }
        std::fs::create_dir_all(&self.root)
            .map_err(|e| io(format!("creating {}", self.root.display()), e))?;
        let log = self.root.join("sandbox.log");
        let (mut child, endpoint) = spawn(&log, true)?;
        wait_ready(&endpoint, &log, &mut child)?;
        let info = SandboxInfo {
            endpoint,
            pid: child.id(),
        };
        let text = serde_json::to_string_pretty(&info).expect("serializable");
        std::fs::write(self.file(), text)
            .map_err(|e| io(format!("writing {}", self.file().display()), e))?;
        Ok(info)
    }

    /// Stops the sandbox; all its resources are gone with it. Returns false when none was running.
    pub fn stop(&self) -> Result<bool, SandboxError> {
        let Some(info) = self.running()? else {
            let _ = std::fs::remove_file(self.file());
            return Ok(false);
        };
        terminate(info.pid);
        let started = Instant::now();
        while is_up(&info.endpoint) && started.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(100));
        }
        std::fs::remove_file(self.file())
            .map_err(|e| io(format!("removing {}", self.file().display()), e))?;
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

#[cfg(unix)]
fn terminate(pid: u32) {
    use nix::sys::signal::{kill, Signal};
    use nix::unistd::Pid;
    // Only signal the process if it is still the emulator: pids get reused.
    let is_moto = std::fs::read_to_string(format!("/proc/{pid}/cmdline"))
        .map(|c| c.contains("moto"))
        .unwrap_or(true);
    if is_moto {
        let _ = kill(Pid::from_raw(pid as i32), Signal::SIGTERM);
    }
}

#[cfg(not(unix))]
fn terminate(pid: u32) {
    let _ = Command::new("taskkill")
        .args(["/PID", &pid.to_string(), "/F"])
        .status();
}

fn io(context: impl Into<String>, source: std::io::Error) -> SandboxError {
    SandboxError::Io {
        context: context.into(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_owned_emulator_answers_and_is_gone_after_drop() {
        let emulator = Emulator::start().unwrap();
        let endpoint = emulator.endpoint().to_string();
        assert!(is_up(&endpoint));
        emulator.reset().unwrap();
        drop(emulator);
        let started = Instant::now();
        while is_up(&endpoint) && started.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(!is_up(&endpoint));
    }

    #[test]
    fn detached_sandbox_starts_once_resets_and_stops() {
        let root = std::env::temp_dir().join(format!("escala-sandbox-test-{}", std::process::id()));
        let sandbox = Sandbox::new(&root);
        assert!(sandbox.running().unwrap().is_none());
        let info = sandbox.start().unwrap();
        assert!(info.endpoint.starts_with("http://127.0.0.1:"));
        assert_eq!(
            sandbox.start().unwrap(),
            info,
            "a second start reuses the running sandbox"
        );
        assert!(sandbox.reset().unwrap());
        assert!(sandbox.stop().unwrap());
        assert!(!is_up(&info.endpoint));
        assert!(!sandbox.stop().unwrap());
        std::fs::remove_dir_all(root).unwrap();
    }
}

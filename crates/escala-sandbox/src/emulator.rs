//! The moto server process: started on a free loopback port under a watchdog, stopped on drop.

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::control::{is_up, post};
use crate::error::io;
use crate::error::SandboxError;
use crate::interpreter::{find_moto_server, interpreter, Interpreter};

/// How long moto may take to answer after starting (it imports a lot of Python on a cold cache).
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs moto's server with the fixes Escala's flow needs (see each file), as one program passed
/// to moto's own interpreter: the fixes in order, then the server.
const LAUNCHER: &str = concat!(
    include_str!("../emulator/launch.py"),
    include_str!("../emulator/ecr.py"),
    include_str!("../emulator/elasticache.py"),
    include_str!("../emulator/ecs.py"),
    include_str!("../emulator/aas.py"),
    include_str!("../emulator/cloudwatch.py"),
    include_str!("../emulator/eks.py"),
    include_str!("../emulator/kube.py"),
    include_str!("../emulator/serve.py"),
);

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

fn free_port() -> Result<u16, SandboxError> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| io("finding a free loopback port", e))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| io("finding a free loopback port", e))
}

fn spawn(log: &Path) -> Result<(Child, String), SandboxError> {
    let python = interpreter(&find_moto_server()?)?;
    let port = free_port()?;
    let out = File::create(log).map_err(|e| io(format!("creating {}", log.display()), e))?;
    let err = out
        .try_clone()
        .map_err(|e| io("opening the emulator log", e))?;
    let mut cmd = owned_command(&python, port);
    // Without it every AWS managed policy ARN is NoSuchEntity in the emulator.
    cmd.env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own process group, stopped as a group (the watchdog shell and moto together).
        cmd.process_group(0);
    }
    let child = cmd.spawn().map_err(|source| SandboxError::Spawn {
        path: python.program.clone(),
        source,
    })?;
    Ok((child, format!("http://127.0.0.1:{port}")))
}

/// The emulator runs under a watchdog shell that stops it when its owner dies, even by SIGKILL or
/// a test harness abort, so no emulator outlives the process that started it.
#[cfg(unix)]
fn owned_command(python: &Interpreter, port: u16) -> Command {
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
    .arg(&python.program)
    .args(&python.args)
    .args(emulator_args(port));
    c
}

#[cfg(not(unix))]
fn owned_command(python: &Interpreter, port: u16) -> Command {
    let mut c = Command::new(&python.program);
    c.args(&python.args).args(emulator_args(port));
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
        let (mut child, endpoint) = spawn(&log)?;
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

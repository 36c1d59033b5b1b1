//! Real services for the tests, each on a free loopback port in its own temp dir and killed on
//! drop: Debian's docker-registry (distribution) and redis-server. A missing program fails the
//! test with the package that brings it, never skips it.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub mod elf;

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Finds `program` on PATH (or at an absolute path), or fails naming the Debian package.
pub fn require(program: &str, package: &str) -> PathBuf {
    let candidates: Vec<PathBuf> = if program.starts_with('/') {
        vec![PathBuf::from(program)]
    } else {
        std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).map(|d| d.join(program)).collect())
            .unwrap_or_default()
    };
    candidates
        .into_iter()
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("{program} is not installed: `apt-get install {package}` (scripts/setup.sh installs it)")
        })
}

/// Until something accepts connections on `port`, or panics after `timeout` with `what`.
pub fn wait_for_port(port: u16, timeout: Duration, what: &str, mut alive: impl FnMut() -> bool) {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let start = Instant::now();
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        assert!(alive(), "{what} exited before listening on {port}");
        assert!(
            start.elapsed() < timeout,
            "{what} did not listen on {port} within {timeout:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A child process killed (and reaped) when the guard goes.
pub struct Guard {
    pub child: Child,
    pub log: PathBuf,
}

impl Guard {
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_logged(command: &mut Command, log: &Path) -> Guard {
    let out = std::fs::File::create(log).unwrap();
    let err = out.try_clone().unwrap();
    let child = command
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .unwrap_or_else(|e| panic!("starting {command:?}: {e}"));
    Guard {
        child,
        log: log.to_owned(),
    }
}

/// docker-registry (distribution 2.8) serving a fresh storage dir.
pub struct Registry {
    pub host: String,
    guard: Guard,
    _dir: tempfile::TempDir,
}

impl Registry {
    /// Open to anyone.
    pub fn start() -> Self {
        Self::start_with(None)
    }

    /// Accepting only `user` with `password`, checked against a bcrypt htpasswd file.
    pub fn with_password(user: &str, password: &str) -> Self {
        Self::start_with(Some((user, password)))
    }

    fn start_with(credentials: Option<(&str, &str)>) -> Self {
        let program = require("docker-registry", "docker-registry");
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut config = format!(
            "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n",
            dir.path().join("data").display()
        );
        if let Some((user, password)) = credentials {
            // Cost 4, the lowest: the test is about the refusal, not the hash's strength.
            let hash = bcrypt::hash_with_result(password, 4)
                .unwrap()
                .format_for_version(bcrypt::Version::TwoA);
            let htpasswd = dir.path().join("htpasswd");
            std::fs::write(&htpasswd, format!("{user}:{hash}\n")).unwrap();
            config.push_str(&format!(
                "auth:\n  htpasswd:\n    realm: escala-test\n    path: {}\n",
                htpasswd.display()
            ));
        }
        let config_path = dir.path().join("config.yml");
        std::fs::write(&config_path, config).unwrap();
        let mut guard = spawn_logged(
            Command::new(program).arg("serve").arg(&config_path),
            &dir.path().join("registry.log"),
        );
        wait_for_port(port, Duration::from_secs(20), "docker-registry", || {
            guard.alive()
        });
        Registry {
            host: format!("127.0.0.1:{port}"),
            guard,
            _dir: dir,
        }
    }

    pub fn log_text(&self) -> String {
        self.guard.log_text()
    }
}

/// redis-server without persistence.
pub struct Redis {
    pub url: String,
    _guard: Guard,
    _dir: tempfile::TempDir,
}

impl Redis {
    pub fn start() -> Self {
        let program = require("redis-server", "redis-server");
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut guard = spawn_logged(
            Command::new(program)
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
                .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
                .arg("--dir")
                .arg(dir.path()),
            &dir.path().join("redis.log"),
        );
        wait_for_port(port, Duration::from_secs(20), "redis-server", || {
            guard.alive()
        });
        Redis {
            url: format!("redis://127.0.0.1:{port}"),
            _guard: guard,
            _dir: dir,
        }
    }
}

pub fn workload_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../workload")
}

/// The chat server's release binary: `ESCALA_CHAT_BIN` when set, else built (or found up to
/// date) the way workload/scripts/lib.sh builds it, in its own target dir.
pub fn chat_server_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("ESCALA_CHAT_BIN") {
        return PathBuf::from(bin);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR_WORKLOAD")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME is set"))
                .join(".cache/escala/target-workload")
        });
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--locked", "--release", "--bin", "escala-chat"])
        .current_dir(workload_dir())
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .expect("running cargo for the workload");
    assert!(status.success(), "building escala-chat failed");
    target.join("release/escala-chat")
}

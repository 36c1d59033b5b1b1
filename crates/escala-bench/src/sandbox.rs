//! A live sandbox of the benchmark's own, through the real `escala` binary beside the benchmark
//! program: its home in a temporary folder, a Spec applied, and the emulator's view of the world.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use escala_testkit::world::wait;
use serde_json::Value;

#[derive(Debug)]
pub struct Home {
    dir: tempfile::TempDir,
    escala: PathBuf,
    pub endpoint: String,
    /// The `sandbox serve` process: the runtime, with the emulator as its child.
    pub pid: u32,
}

impl Home {
    /// Starts a sandbox at `speed`.
    pub fn start(speed: f64) -> Self {
        let escala = std::env::current_exe().unwrap().with_file_name("escala");
        let mut home = Self {
            dir: tempfile::tempdir().unwrap(),
            escala,
            endpoint: String::new(),
            pid: 0,
        };
        let out = home.run(&[
            "sandbox",
            "start",
            "--speed",
            &speed.to_string(),
            "-o",
            "json",
        ]);
        let info: Value = serde_json::from_slice(&out.stdout).unwrap();
        home.endpoint = info["endpoint"].as_str().unwrap().to_string();
        // The serve process's pid is in the sandbox's record, not in what `start` prints.
        let record = std::fs::read_to_string(home.dir.path().join("sandbox.json")).unwrap();
        let record: Value = serde_json::from_str(&record).unwrap();
        home.pid = record["pid"].as_u64().unwrap() as u32;
        home
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.escala);
        escala_testkit::isolated(&mut c, self.dir.path()).args(args);
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        let out = self.command(args).output().unwrap_or_else(|e| {
            panic!(
                "running {}: {e} (build escala first)",
                self.escala.display()
            )
        });
        assert!(
            out.status.success(),
            "escala {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Writes seed-asg with `edit` applied to each line, named `stack`, and applies it.
    pub fn apply_seed(&self, stack: &str, edit: impl Fn(&str) -> Option<String>) {
        self.apply_example("seed-asg", stack, edit);
    }

    /// Writes `examples/<example>.yaml` with `edit` applied to each line, named `stack`, and
    /// applies it.
    pub fn apply_example(&self, example: &str, stack: &str, edit: impl Fn(&str) -> Option<String>) {
        let path = format!(
            "{}/../../examples/{example}.yaml",
            env!("CARGO_MANIFEST_DIR")
        );
        let seed = std::fs::read_to_string(path).unwrap();
        let body: Vec<String> = seed
            .lines()
            .filter_map(&edit)
            .map(|l| l.replace(&format!("name: {example}"), &format!("name: {stack}")))
            .collect();
        let path = self.dir.path().join(format!("{stack}.yaml"));
        std::fs::write(&path, body.join("\n")).unwrap();
        self.run(&["apply", "-f", path.to_str().unwrap(), "--yes"]);
    }

    pub fn destroy(&self, stack: &str) {
        self.run(&["destroy", "--stack", stack, "--yes"]);
    }

    /// The workload processes the runtime recorded.
    pub fn instance_pids(&self) -> Vec<u32> {
        let pids: &Path = &self.dir.path().join("sandbox/pids");
        std::fs::read_dir(pids)
            .map(|d| {
                d.flatten()
                    .filter_map(|e| e.file_name().to_str()?.parse().ok())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn world(&self) -> Value {
        escala_testkit::world::world(&self.endpoint)
    }

    /// The loopback URL of the sandbox's one load balancer.
    pub fn balancer_url(&self) -> String {
        wait("the load balancer's URL", Duration::from_secs(30), || {
            let urls: Value = serde_json::from_str(
                &escala_sandbox::get(&self.endpoint, "/moto-api/escala/balancers").ok()?,
            )
            .ok()?;
            urls.as_object()?
                .values()
                .next()?
                .as_str()
                .map(String::from)
        })
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = self.command(&["sandbox", "stop"]).output();
    }
}

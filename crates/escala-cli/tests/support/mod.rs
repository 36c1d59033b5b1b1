//! Running the real `escala` binary in tests, each with its own home folder.

#![allow(dead_code)]

pub mod fargate;
pub mod sandbox;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Cli {
    pub home: tempfile::TempDir,
    pub endpoint: String,
}

impl Cli {
    pub fn new(endpoint: &str) -> Self {
        Self {
            home: tempfile::tempdir().unwrap(),
            endpoint: endpoint.into(),
        }
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_escala"));
        escala_testkit::isolated(&mut c, self.home.path())
            .args(args)
            .env("ESCALA_ENDPOINT_URL", &self.endpoint);
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    pub fn spec(&self, name: &str, body: &str) -> PathBuf {
        let path = self.home.path().join(format!("{name}.yaml"));
        std::fs::write(&path, body).unwrap();
        path
    }
}

pub fn seed_yaml(stack: &str) -> String {
    format!(
        "apiVersion: escala/v1\nkind: Stack\nname: {stack}\nregion: us-east-1\nnetwork:\n  vpcCidr: 10.0.0.0/16\n  zones: 2\n  publicSubnets: [10.0.1.0/24, 10.0.2.0/24]\n  privateSubnets: [10.0.3.0/24, 10.0.4.0/24]\n  nat: single\n"
    )
}

pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

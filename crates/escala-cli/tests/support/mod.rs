//! Running the real `escala` binary in tests, each with its own home folder.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use aws_sdk_ec2::types::Filter;

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
        c.args(args)
            .env("ESCALA_HOME", self.home.path())
            .env("ESCALA_ENDPOINT_URL", &self.endpoint)
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_PROFILE")
            .stdin(Stdio::null());
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

pub fn ec2(endpoint: &str) -> aws_sdk_ec2::Client {
    let config = aws_sdk_ec2::Config::builder()
        .behavior_version(aws_sdk_ec2::config::BehaviorVersion::latest())
        .region(aws_sdk_ec2::config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(aws_sdk_ec2::config::Credentials::new(
            "test", "test", None, None, "test",
        ))
        .build();
    aws_sdk_ec2::Client::from_conf(config)
}

/// Counts of what is tagged for `stack`, by kind (live NAT gateways only).
pub async fn counts(ec2: &aws_sdk_ec2::Client, stack: &str) -> [usize; 6] {
    let f = || {
        Some(vec![Filter::builder()
            .name("tag:escala:stack")
            .values(stack)
            .build()])
    };
    let nats = ec2
        .describe_nat_gateways()
        .set_filter(f())
        .send()
        .await
        .unwrap();
    let live_nats = nats
        .nat_gateways()
        .iter()
        .filter(|n| {
            n.tags()
                .iter()
                .any(|t| t.key() == Some("escala:stack") && t.value() == Some(stack))
        })
        .filter(|n| {
            matches!(
                n.state().map(|s| s.as_str()),
                Some("pending" | "available" | "deleting")
            )
        })
        .count();
    [
        ec2.describe_vpcs()
            .set_filters(f())
            .send()
            .await
            .unwrap()
            .vpcs()
            .len(),
        ec2.describe_subnets()
            .set_filters(f())
            .send()
            .await
            .unwrap()
            .subnets()
            .len(),
        ec2.describe_internet_gateways()
            .set_filters(f())
            .send()
            .await
            .unwrap()
            .internet_gateways()
            .len(),
        ec2.describe_route_tables()
            .set_filters(f())
            .send()
            .await
            .unwrap()
            .route_tables()
            .len(),
        ec2.describe_addresses()
            .set_filters(f())
            .send()
            .await
            .unwrap()
            .addresses()
            .len(),
        live_nats,
    ]
}

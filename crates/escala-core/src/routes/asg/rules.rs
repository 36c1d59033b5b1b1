//! The `asg` route's rules. Shape and range checks run offline; whether the instance type and AMI
//! exist in the region is checked against AWS before planning (escala-aws).

use std::path::Path;

use serde::Serialize;

use super::spec::{AsgSpec, Capacity, KeyPairSpec, TrackedMetric, LATEST_AMI};
use crate::routes::bounds::{range_problem, valid_action_name, valid_instance_type};
use crate::validate::ValidationError;

/// The route's rules. Stable: user interfaces key their help and highlighting on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum AsgRule {
    AmiId,
    InstanceType,
    Capacity,
    LoadBalancerZones,
    HealthCheckGrace,
    UserData,
    KeyPair,
    KeyFile,
    ScalingTarget,
    StepScaling,
    Schedule,
    WarmPool,
    Rollout,
}

const FIELD: &str = "route.asg";

/// AWS refuses user data above 16 KB once base64-encoded (4 bytes per 3).
const USER_DATA_MAX: usize = 16 * 1024 / 4 * 3;

/// Every broken rule of the route, given how many zones have a public subnet.
pub(super) fn check(asg: &AsgSpec, public_zones: usize) -> Vec<ValidationError> {
    let mut errors = Vec::new();
    let mut fail = |rule: AsgRule, field: &str, message: String| {
        errors.push(ValidationError {
            rule: rule.into(),
            field: format!("{FIELD}.{field}"),
            message,
        })
    };
    if asg.ami != LATEST_AMI && !valid_ami(&asg.ami) {
        fail(
            AsgRule::AmiId,
            "ami",
            format!("'{}' is not an AMI id like ami-0abcd1234ef567890: use one, or 'latest' for Amazon Linux 2023", asg.ami),
        );
    }
    if !valid_instance_type(&asg.instance_type) {
        fail(
            AsgRule::InstanceType,
            "instanceType",
            format!(
                "'{}' is not an instance type like t3.micro",
                asg.instance_type
            ),
        );
    }
    if let Some(message) = capacity_problem(&asg.capacity) {
        fail(AsgRule::Capacity, "capacity", message);
    }
    if public_zones < 2 {
        fail(
            AsgRule::LoadBalancerZones,
            "subnets",
            format!("the load balancer needs public subnets in at least 2 zones; the network has {public_zones}: use 2 or more zones with public subnets"),
        );
    }
    if asg.health_check_grace_seconds > 7200 {
        fail(
            AsgRule::HealthCheckGrace,
            "healthCheckGraceSeconds",
            format!(
                "{} s: use 0 to 7200 seconds",
                asg.health_check_grace_seconds
            ),
        );
    }
    if let Some(user_data) = &asg.user_data {
        if user_data.len() > USER_DATA_MAX {
            fail(
                AsgRule::UserData,
                "userData",
                format!(
                    "{} bytes: AWS takes at most {USER_DATA_MAX} bytes of user data",
                    user_data.len()
                ),
            );
        }
    }
    if let Some(key) = &asg.key_pair {
        for (rule, field, message) in key_problems(key) {
            fail(rule, field, message);
        }
    }
    let scaling = &asg.scaling;
    if let Some(tt) = &scaling.target_tracking {
        let ok = match tt.metric {
            TrackedMetric::Cpu => tt.target > 0.0 && tt.target <= 100.0,
            TrackedMetric::RequestsPerTarget => tt.target >= 1.0,
        };
        if !ok {
            let range = match tt.metric {
                TrackedMetric::Cpu => "a CPU percentage above 0 and at most 100",
                TrackedMetric::RequestsPerTarget => "at least 1 request per instance",
            };
            fail(
                AsgRule::ScalingTarget,
                "scaling.targetTracking.target",
                format!("{}: use {range}", tt.target),
            );
        }
    }
    if let Some(step) = &scaling.step {
        if !(step.cpu_above > 0.0 && step.cpu_above <= 100.0)
            || step.add == 0
            || !(1..=60).contains(&step.minutes)
        {
            fail(
                AsgRule::StepScaling,
                "scaling.step",
                format!(
                    "cpuAbove {}, add {}, minutes {}: use a CPU threshold above 0 and at most 100, add at least 1 instance, over 1 to 60 minutes",
                    step.cpu_above, step.add, step.minutes
                ),
            );
        }
    }
    for (i, action) in scaling.scheduled.iter().enumerate() {
        let field = format!("scaling.scheduled[{i}]");
        if !valid_action_name(&action.name)
            || scaling.scheduled[..i].iter().any(|a| a.name == action.name)
        {
            fail(
                AsgRule::Schedule,
                &format!("{field}.name"),
                format!("'{}': give each scheduled action its own name of 1 to 64 letters, digits, '-' or '_'", action.name),
            );
        }
        if let Some(message) = cron_problem(&action.cron) {
            fail(AsgRule::Schedule, &format!("{field}.cron"), message);
        }
        if let Some(message) = capacity_problem(&action.capacity) {
            fail(AsgRule::Capacity, &format!("{field}.capacity"), message);
        }
    }
    if let Some(pool) = &scaling.warm_pool {
        if pool.min_size > asg.capacity.max {
            fail(
                AsgRule::WarmPool,
                "scaling.warmPool.minSize",
                format!(
                    "{} warm instances for a group of at most {}: keep the pool at or below max",
                    pool.min_size, asg.capacity.max
                ),
            );
        }
    }
    let rollout = &asg.rollout;
    if rollout.min_healthy_percentage > 100 || rollout.warmup_seconds > 3600 {
        fail(
            AsgRule::Rollout,
            "rollout",
            format!(
                "minHealthyPercentage {} and warmupSeconds {}: use 0 to 100 percent and at most 3600 seconds",
                rollout.min_healthy_percentage, rollout.warmup_seconds
            ),
        );
    }
    errors
}

fn capacity_problem(c: &Capacity) -> Option<String> {
    range_problem((c.min, c.desired, c.max), "instance", "a group")
}

fn key_problems(key: &KeyPairSpec) -> Vec<(AsgRule, &'static str, String)> {
    let mut out = Vec::new();
    if key.name.is_empty()
        || key.name.len() > 255
        || !key.name.chars().all(|c| c.is_ascii_graphic())
    {
        out.push((
            AsgRule::KeyPair,
            "keyPair.name",
            format!(
                "'{}': a key pair name is 1 to 255 printable ASCII characters without spaces",
                key.name
            ),
        ));
    }
    match (&key.save_private_key_to, &key.public_key_file) {
        (Some(_), Some(_)) | (None, None) => out.push((
            AsgRule::KeyPair,
            "keyPair",
            "give exactly one of savePrivateKeyTo (AWS makes the pair) or publicKeyFile (import your key)".into(),
        )),
        (Some(path), None) => {
            if let Some(message) = save_problem(path) {
                out.push((AsgRule::KeyFile, "keyPair.savePrivateKeyTo", message));
            }
        }
        (None, Some(path)) => {
            if let Some(message) = public_key_problem(path) {
                out.push((AsgRule::KeyFile, "keyPair.publicKeyFile", message));
            }
        }
    }
    out
}

/// The private key is written once, so the folder must exist and no file may be overwritten.
fn save_problem(path: &Path) -> Option<String> {
    if path.exists() {
        return Some(format!(
            "{} already exists: Escala never overwrites a key; pick a new file name",
            path.display()
        ));
    }
    match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(dir) if !dir.is_dir() => Some(format!("the folder {} does not exist", dir.display())),
        _ => None,
    }
}

fn public_key_problem(path: &Path) -> Option<String> {
    match std::fs::read_to_string(path) {
        Err(e) => Some(format!("cannot read {}: {e}", path.display())),
        Ok(text) => {
            let kind = text.split_whitespace().next().unwrap_or_default();
            let known = [
                "ssh-rsa",
                "ssh-ed25519",
                "ecdsa-sha2-nistp256",
                "ecdsa-sha2-nistp384",
                "ecdsa-sha2-nistp521",
            ];
            (!known.contains(&kind)).then(|| {
                format!(
                    "{} is not an OpenSSH public key (it should start with ssh-ed25519 or ssh-rsa)",
                    path.display()
                )
            })
        }
    }
}

/// `ami-` and 8 or 17 lower-case hex digits.
fn valid_ami(id: &str) -> bool {
    id.strip_prefix("ami-").is_some_and(|hex| {
        matches!(hex.len(), 8 | 17)
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// What is wrong with a scheduled action's cron, by the same parser the sandbox fires it with.
fn cron_problem(cron: &str) -> Option<String> {
    crate::scaling::cron::Cron::problem(cron)
}

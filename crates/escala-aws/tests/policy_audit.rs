//! Every route's generated deploy policy, audited offline against AWS's own definitions of its
//! actions, resource types and condition keys (parliament, community auditors included, plus
//! `audit_policy.py`'s check of each tag condition against the actions it scopes): no finding at
//! MEDIUM or above, but the two a Fargate deploy user needs, in their narrowest form (the script's
//! ACCEPTED says why). The emulator evaluates no condition, so this is where they are proven.

use std::path::{Path, PathBuf};
use std::process::Command;

use escala_aws::{policy, routes};

/// The setup script's Python, where parliament is installed.
fn python() -> PathBuf {
    let cache = std::env::var_os("ESCALA_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(&std::env::var_os("HOME").expect("HOME")).join(".cache/escala")
        });
    let python = cache.join("venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run ./scripts/setup.sh, which installs parliament",
        python.display()
    );
    python
}

/// Runs the audit on these documents: (passed, what it printed).
fn audit(documents: &[serde_json::Value]) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = documents
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let path = dir.path().join(format!("policy-{i}.json"));
            std::fs::write(&path, d.to_string()).unwrap();
            path
        })
        .collect();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/audit_policy.py");
    let out = Command::new(python())
        .arg(script)
        .args(&paths)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn every_routes_policy_passes_the_audit() {
    for route in routes::all() {
        let documents = policy::documents(&[route]);
        let (passed, findings) = audit(&documents);
        assert!(passed, "{}: {findings}", route.name());
        assert!(findings.trim().is_empty(), "{}: {findings}", route.name());
    }
}

/// The policies of their own that the account's shared roles hold (cluster-autoscaler's, which AWS
/// has no managed policy for) pass the same audit.
#[test]
fn every_account_roles_own_policy_passes_the_audit() {
    let mut audited = 0;
    for route in routes::all() {
        for role in route.account_roles() {
            let Some(inline) = role.inline else { continue };
            let document: serde_json::Value = serde_json::from_str(inline).unwrap();
            let (passed, findings) = audit(&[document]);
            assert!(passed, "{}: {findings}", role.name);
            assert!(findings.trim().is_empty(), "{}: {findings}", role.name);
            audited += 1;
        }
    }
    assert!(audited > 0, "no role of its own policy was audited");
}

#[test]
fn the_audit_catches_a_misplaced_condition_and_a_credential_leak() {
    let bad = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DeleteOnlyTagged",
                "Effect": "Allow",
                "Action": ["ec2:DeleteVpc"],
                "Resource": "arn:aws:ec2:*:*:vpc/*",
                // Not a key DeleteVpc knows: the statement could never allow it.
                "Condition": {"Null": {"aws:RequestTag/escala:stack": "false"}}
            },
            {"Sid": "Keys", "Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "*"},
            // The Fargate user's PassRole is accepted only on named roles, passed to ECS tasks.
            {"Sid": "AnyRole", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
        ]
    });
    let (passed, findings) = audit(&[bad]);
    assert!(!passed);
    assert!(
        findings.contains(
            "AWS documents no condition key aws:RequestTag/escala:stack for ec2:DeleteVpc"
        ),
        "{findings}"
    );
    assert!(findings.contains("CREDENTIALS_EXPOSURE"), "{findings}");
    assert!(
        findings.contains("PERMISSIONS_MANAGEMENT_ACTIONS"),
        "{findings}"
    );
}

//! The OS keyring for real (Secret Service through gnome-keyring under D-Bus), the least-privilege
//! deploy user on the emulator, and a whole session grepped for the secret.
//!
//! These need a running, unlocked Secret Service, so they are ignored by a plain `cargo test`;
//! `scripts/test.sh` runs them with `--ignored` inside `dbus-run-session` with gnome-keyring.

mod support;

use std::process::Stdio;

use escala_aws::credentials::{AccessKey, KeyringStore};
use escala_core::sensitive::Sensitive;
use escala_sandbox::Emulator;
use escala_testkit::{emulator, unique_stack};
use support::*;

/// 40 characters, like a real secret access key, and unlike anything else a session prints.
const SECRET: &str = "Esc4laTestSecret/Never+Printed0123456789";
const KEY_ID: &str = "AKIDESCALATEST0000001";

fn service() -> String {
    unique_stack("escala-test")
}

fn with_service(cli: &Cli, service: &str, args: &[&str]) -> std::process::Command {
    let mut c = cli.command(args);
    c.env("ESCALA_KEYRING_SERVICE", service);
    c
}

#[test]
#[ignore = "needs a Secret Service: run by scripts/test.sh under dbus-run-session"]
fn keys_round_trip_through_the_os_keyring() {
    let store = KeyringStore::new(service());
    assert!(store.load("p").unwrap().is_none());
    let key = AccessKey {
        access_key_id: KEY_ID.into(),
        secret_access_key: Sensitive::new(SECRET.into()),
    };
    store.save("p", &key).unwrap();
    let back = store.load("p").unwrap().unwrap();
    assert_eq!(back.access_key_id, KEY_ID);
    assert_eq!(back.secret_access_key.expose(), SECRET);
    assert_eq!(
        format!("{back:?}").matches(SECRET).count(),
        0,
        "Debug must redact"
    );
    assert!(store.contains("p"));
    assert!(store.delete("p").unwrap());
    assert!(!store.delete("p").unwrap());
}

#[test]
#[ignore = "needs a Secret Service: run by scripts/test.sh under dbus-run-session"]
fn a_whole_session_never_writes_the_secret_anywhere() {
    let cli = Cli::new(emulator());
    let service = service();
    let stack = unique_stack("secret");
    let spec = cli.spec(&stack, &seed_yaml(&stack));
    let mut written = String::new();
    let mut run = |args: &[&str], stdin: Option<&str>| {
        let mut c = with_service(&cli, &service, args);
        // The most verbose logging there is: the SDK's own trace included.
        c.env("RUST_LOG", "trace")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if stdin.is_some() {
            c.stdin(Stdio::piped());
        }
        let mut child = c.spawn().unwrap();
        if let Some(s) = stdin {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
        }
        let out = child.wait_with_output().unwrap();
        let t = text(&out);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            t.lines().rev().take(20).collect::<Vec<_>>().join("\n")
        );
        written.push_str(&t);
    };
    run(
        &[
            "auth",
            "login",
            "--profile",
            "leak",
            "--access-key-id",
            KEY_ID,
            "--secret-stdin",
        ],
        Some(SECRET),
    );
    run(&["auth", "status", "--profile", "leak"], None);
    run(&["auth", "status", "--profile", "leak", "-o", "json"], None);
    run(
        &["apply", "-f", path_str(&spec), "--yes", "--profile", "leak"],
        None,
    );
    run(&["status", "--stack", &stack, "--profile", "leak"], None);
    run(
        &[
            "destroy",
            "--stack",
            &stack,
            "--yes",
            "--profile",
            "leak",
            "-o",
            "json",
        ],
        None,
    );
    // A failing call's error message, too.
    let bad = with_service(
        &cli,
        &service,
        &[
            "auth",
            "status",
            "--profile",
            "leak",
            "--endpoint-url",
            "http://127.0.0.1:9",
        ],
    )
    .output()
    .unwrap();
    assert!(!bad.status.success());
    run(&["auth", "logout", "--profile", "leak"], None);
    written.push_str(&text(&bad));

    assert!(
        written.contains(KEY_ID) || written.contains("123456789012"),
        "the session really ran"
    );
    assert_eq!(
        written.matches(SECRET).count(),
        0,
        "the secret appeared in output or logs"
    );
    for entry in walk(cli.home.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(SECRET),
            "the secret was written to {}",
            entry.display()
        );
    }
    assert!(
        KeyringStore::new(&service).load("leak").unwrap().is_none(),
        "logout removed the keys"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
#[ignore = "needs a Secret Service: run by scripts/test.sh under dbus-run-session"]
fn the_deploy_user_gets_the_generated_policy_and_its_keys_land_in_the_keyring() {
    // A private emulator: IAM enforcement is switched on half-way, which would disturb other tests.
    let own = Emulator::start().unwrap();
    let cli = Cli::new(own.endpoint());
    let service = service();
    let out = with_service(
        &cli,
        &service,
        &[
            "auth",
            "create-deploy-user",
            "--route",
            "network",
            "--user",
            "deployer",
            "--save-as",
            "deploy",
            "-o",
            "json",
        ],
    )
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let created: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        created["deployUser"]["groupName"],
        "escala-deployers-network"
    );
    assert!(created["deployUser"]["policyArn"]
        .as_str()
        .unwrap()
        .ends_with(":policy/escala/escala-network-deploy"));
    assert!(
        !text(&out).contains("ecretAccessKey\":\""),
        "the secret stays out of the output"
    );
    let saved = KeyringStore::new(&service)
        .load("deploy")
        .unwrap()
        .expect("keys saved in the keyring");
    assert_eq!(
        created["deployUser"]["accessKeyId"],
        saved.access_key_id.as_str()
    );

    // A second user of the same route reuses the group and policy; a taken name is refused cleanly.
    let again = with_service(
        &cli,
        &service,
        &[
            "auth",
            "create-deploy-user",
            "--user",
            "deployer",
            "--save-as",
            "other",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(again.status.code(), Some(3), "{}", text(&again));
    assert!(text(&again).contains("already exists"), "{}", text(&again));

    // With IAM enforcement on, the deploy user can build the network and nothing else.
    escala_sandbox::post(own.endpoint(), "/moto-api/reset-auth", "0").unwrap();
    let status = with_service(&cli, &service, &["auth", "status", "--profile", "deploy"])
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", text(&status));
    assert!(
        text(&status).contains("user/escala/deployer"),
        "{}",
        text(&status)
    );
    let stack = unique_stack("deployed");
    let spec = cli.spec(&stack, &seed_yaml(&stack));
    let apply = with_service(
        &cli,
        &service,
        &[
            "apply",
            "-f",
            path_str(&spec),
            "--yes",
            "--profile",
            "deploy",
        ],
    )
    .output()
    .unwrap();
    assert!(apply.status.success(), "{}", text(&apply));
    let denied = with_service(
        &cli,
        &service,
        &[
            "auth",
            "create-deploy-user",
            "--user",
            "sneaky",
            "--save-as",
            "x",
            "--profile",
            "deploy",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(denied.status.code(), Some(4), "{}", text(&denied));
    assert!(text(&denied).contains("AccessDenied"), "{}", text(&denied));
    let destroy = with_service(
        &cli,
        &service,
        &["destroy", "--stack", &stack, "--yes", "--profile", "deploy"],
    )
    .output()
    .unwrap();
    assert!(destroy.status.success(), "{}", text(&destroy));
    KeyringStore::new(&service).delete("deploy").unwrap();
}

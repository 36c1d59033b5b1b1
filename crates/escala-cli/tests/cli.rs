//! The command line's contract: exit codes, JSON output, and invalid input refused before anything
//! is created.

mod support;

use support::*;

use escala_testkit::cloud::{counts, ec2};
use escala_testkit::{emulator, unique_stack};

const INVALID: i32 = 3;

#[tokio::test]
async fn invalid_specs_exit_3_with_the_field_and_create_nothing() {
    let cli = Cli::new(emulator());
    let stack = unique_stack("badspec");
    let cases = [
        (
            "vpcCidr: 10.0.0.0/16",
            "vpcCidr: 10.0.0.0/33",
            "network.vpcCidr",
        ),
        (
            "[10.0.3.0/24, 10.0.4.0/24]",
            "[10.0.3.0/24, 10.9.4.0/24]",
            "outside the VPC block",
        ),
        ("zones: 2", "zones: 9", "1 to 6"),
        (
            "nat: single",
            "nat: sometimes",
            "unknown variant `sometimes`",
        ),
        (
            "kind: Stack",
            "kind: Stack\nbanana: 1",
            "unknown field `banana`",
        ),
    ];
    for (from, to, expected) in cases {
        let yaml = seed_yaml(&stack).replace(from, to);
        let spec = cli.spec(&stack, &yaml);
        for command in [&["plan"][..], &["apply", "--yes"]] {
            let out = cli.run(&[command, &["-f", path_str(&spec)]].concat());
            assert_eq!(
                out.status.code(),
                Some(INVALID),
                "{command:?} {to}: {}",
                text(&out)
            );
            assert!(
                text(&out).contains(expected),
                "{command:?} {to}: {}",
                text(&out)
            );
        }
    }
    assert_eq!(counts(&ec2(emulator()), &stack).await, [0; 6]);
}

#[test]
fn unreadable_files_and_unknown_stacks_are_usage_errors() {
    let cli = Cli::new(emulator());
    let out = cli.run(&["plan", "-f", "/nonexistent/stack.yaml"]);
    assert_eq!(out.status.code(), Some(INVALID));
    assert!(
        text(&out).contains("cannot read /nonexistent/stack.yaml"),
        "{}",
        text(&out)
    );
    let out = cli.run(&["destroy", "--stack", "never-made", "--yes"]);
    assert_eq!(out.status.code(), Some(INVALID));
    assert!(
        text(&out).contains("knows no stack named 'never-made'"),
        "{}",
        text(&out)
    );
}

/// The packages install what these print; each is the real thing for its shell, and it names
/// the subcommands (so a new one reaches the completions without anyone editing them).
#[test]
fn completions_and_the_manual_page_come_from_the_arguments() {
    let cli = Cli::new(emulator());
    for (shell, marker) in [
        ("bash", "complete -F _escala"),
        ("zsh", "#compdef escala"),
        ("fish", "complete -c escala"),
    ] {
        let out = cli.run(&["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", text(&out));
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(
            script.contains("sandbox") && script.contains("kube"),
            "{shell}"
        );
    }
    let out = cli.run(&["man"]);
    assert!(out.status.success(), "{}", text(&out));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains("\n.TH escala 1"), "{page}");
    assert!(page.contains("sandbox"), "{page}");

    let out = cli.run(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("possible values: bash"),
        "{}",
        text(&out)
    );
}

#[test]
fn plan_apply_status_destroy_in_json() {
    let cli = Cli::new(emulator());
    let stack = unique_stack("json");
    let spec = cli.spec(&stack, &seed_yaml(&stack));
    let json = |args: &[&str]| -> serde_json::Value {
        let out = cli.run(args);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", text(&out)))
    };
    let plan = json(&["plan", "-f", path_str(&spec), "-o", "json"]);
    assert_eq!(plan["plan"]["summary"]["create"], 21);
    assert_eq!(plan["cost"]["monthlyUsd"], 36.5);
    let refused = cli.run(&["apply", "-f", path_str(&spec)]);
    assert_eq!(
        refused.status.code(),
        Some(INVALID),
        "no terminal, no --yes: {}",
        text(&refused)
    );
    assert!(text(&refused).contains("add --yes"), "{}", text(&refused));
    let applied = json(&["apply", "-f", path_str(&spec), "--yes", "-o", "json"]);
    assert_eq!(applied["report"]["done"].as_array().unwrap().len(), 21);
    let moved = cli.spec(
        &format!("{stack}-moved"),
        &seed_yaml(&stack).replace("us-east-1", "eu-west-1"),
    );
    let refused = cli.run(&["plan", "-f", path_str(&moved)]);
    assert_eq!(refused.status.code(), Some(INVALID), "{}", text(&refused));
    assert!(
        text(&refused).contains("already lives in us-east-1"),
        "{}",
        text(&refused)
    );
    let listed = json(&["status", "-o", "json"]);
    assert_eq!(listed["stacks"][0]["name"], stack.as_str());
    let status = json(&["status", "--stack", &stack, "-o", "json"]);
    assert_eq!(status["inSync"], true);
    let destroyed = json(&["destroy", "--stack", &stack, "--yes", "-o", "json"]);
    assert_eq!(destroyed["report"]["left"].as_array().unwrap().len(), 0);
    assert_eq!(
        json(&["status", "-o", "json"])["stacks"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

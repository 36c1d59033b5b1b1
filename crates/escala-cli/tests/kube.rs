//! `escala kube config` and `escala kube token` on an EKS stack in the emulator: the kubeconfig
//! written to the home's own folder (readable by its owner only, no key in it, Escala its
//! credential plugin with the target it was made with), merged into a user's kubeconfig when
//! asked, and the token that plugin prints; a stack of another route is refused by name. Then
//! what only a cluster API shows and the demo's load (refused plainly in the sandbox, bad flags
//! first), an upgrade that skips a minor or
//! goes back (refused before planning), and a grant and a revoke of access.

mod support;

/// An IAM user in the emulator (EKS takes access entries only for principals that exist); its ARN.
fn iam_user(endpoint: &str, name: &str) -> String {
    let config = aws_sdk_iam::Config::builder()
        .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
        .region(aws_sdk_iam::config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(aws_sdk_iam::config::Credentials::new(
            "test", "test", None, None, "test",
        ))
        .build();
    let iam = aws_sdk_iam::Client::from_conf(config);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let out = iam.create_user().user_name(name).send().await.unwrap();
        out.user().unwrap().arn().to_string()
    })
}

use escala_testkit::{emulator, unique_stack};
use support::*;

#[test]
fn an_eks_stacks_kubeconfig_runs_escala_for_its_tokens() {
    let cli = Cli::new(emulator());
    let stack = unique_stack("kube");
    let yaml = include_str!("../../../examples/seed-eks.yaml")
        .replace("name: seed-eks", &format!("name: {stack}"));
    let spec = cli.spec(&stack, &yaml);
    let out = cli.run(&["apply", "-f", path_str(&spec), "--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    // With ESCALA_KUBE_ASSETS the sandbox has an API server, and live_kube.rs covers what runs
    // inside; without it the plan says what it leaves out here, rather than pretending to make it.
    let no_api = std::env::var_os("ESCALA_KUBE_ASSETS").is_none();
    assert!(
        !no_api || text(&out).contains("Note: The sandbox runs no Kubernetes API server"),
        "{}",
        text(&out)
    );

    let user = cli.home.path().join("user-kubeconfig");
    std::fs::write(&user, "apiVersion: v1\nkind: Config\nclusters:\n- name: kind\n  cluster: {server: 'https://127.0.0.1:6443'}\ncurrent-context: kind\n").unwrap();
    let out = cli
        .command(&["kube", "config", "--stack", &stack, "--merge"])
        .env("KUBECONFIG", &user)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(
        std::path::PathBuf::from(&path),
        cli.home.path().join(format!("kube/{stack}.yaml"))
    );
    let config = std::fs::read_to_string(&path).unwrap();
    for part in [
        &format!("cluster/{stack}"),
        "certificate-authority-data",
        "client.authentication.k8s.io/v1beta1",
        "- kube\n      - token",
        // The emulator was reached with --endpoint-url (the environment's), so that is kept.
        "--endpoint-url",
    ] {
        assert!(config.contains(part), "{part} in {config}");
    }
    assert!(
        !config.contains("secret") && !config.contains("aws_secret"),
        "{config}"
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let merged = std::fs::read_to_string(&user).unwrap();
    assert!(
        merged.contains("name: kind")
            && merged.contains(&format!("current-context: escala-{stack}")),
        "{merged}"
    );

    let out = cli.run(&["kube", "token", "--stack", &stack]);
    assert!(out.status.success(), "{}", text(&out));
    let credential: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(credential["kind"], "ExecCredential");
    assert!(credential["status"]["token"]
        .as_str()
        .unwrap()
        .starts_with("k8s-aws-v1."));

    if no_api {
        // What runs inside the cluster: the sandbox has no API server, and says so.
        let out = cli.run(&["kube", "status", "--stack", &stack]);
        assert_eq!(out.status.code(), Some(3), "{}", text(&out));
        assert!(
            text(&out).contains("the sandbox runs no Kubernetes API server"),
            "{}",
            text(&out)
        );

        // So is loading its demo: bad flags are refused first, at their flag, then the sandbox says
        // why there is no Service to load.
        for (flags, says) in [
            (&["--duration", "0s"][..], "--duration"),
            (
                &["--rps", "5000", "--clients", "10"][..],
                "20 messages a second",
            ),
            (
                &["--duration", "10s"][..],
                "the sandbox runs no Kubernetes API server",
            ),
        ] {
            let mut args = vec!["kube", "load", "--stack", &stack];
            args.extend(flags);
            let out = cli.run(&args);
            assert_eq!(out.status.code(), Some(3), "{flags:?}: {}", text(&out));
            assert!(text(&out).contains(says), "{flags:?}: {}", text(&out));
        }
    }

    // An upgrade that skips a minor, or goes back, is refused before anything is planned.
    for (to, says) in [
        ("1.37", "skips 1.36: EKS upgrades one minor at a time"),
        ("1.34", "EKS never downgrades"),
    ] {
        let out = cli.run(&["kube", "upgrade", "--stack", &stack, "--to", to, "--yes"]);
        assert_eq!(out.status.code(), Some(3), "{}", text(&out));
        assert!(text(&out).contains(says), "{}", text(&out));
    }

    // A grant is an access entry the plan shows, then makes; a revoke takes it away.
    let principal = iam_user(&cli.endpoint, &format!("{stack}-ana"));
    let principal = principal.as_str();
    let out = cli.run(&[
        "kube",
        "grant",
        "--stack",
        &stack,
        "--principal",
        principal,
        "--policy",
        "view",
        "--namespace",
        "demo",
        "--yes",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("access-user-{stack}-ana")),
        "{}",
        text(&out)
    );
    let out = cli.run(&[
        "kube",
        "revoke",
        "--stack",
        &stack,
        "--principal",
        principal,
        "--yes",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let out = cli.run(&[
        "kube",
        "revoke",
        "--stack",
        &stack,
        "--principal",
        principal,
        "--yes",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("has no access"), "{}", text(&out));

    let network = cli.spec("net", &seed_yaml(&format!("{stack}-net")));
    let out = cli.run(&["apply", "-f", path_str(&network), "--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = cli.run(&["kube", "token", "--stack", &format!("{stack}-net")]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(
        text(&out).contains("has no Kubernetes cluster: its route is none"),
        "{}",
        text(&out)
    );

    for name in [stack.clone(), format!("{stack}-net")] {
        let out = cli.run(&["destroy", "--stack", &name, "--yes"]);
        assert!(text(&out).contains("0 resources left."), "{}", text(&out));
    }
}

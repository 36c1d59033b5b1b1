//! `escala kube config` and `escala kube token` on an EKS stack in the emulator: the kubeconfig
//! written to the home's own folder (readable by its owner only, no key in it, Escala its
//! credential plugin with the target it was made with), merged into a user's kubeconfig when
//! asked, and the token that plugin prints; a stack of another route is refused by name.

mod support;

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

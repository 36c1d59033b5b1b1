//! Every route's deploy user, proven with the emulator's IAM enforcement on: it applies and
//! destroys its route's example Spec; a user missing one action is refused by name before anything
//! is made; and the emulator checks the signatures of forms with spaces as AWS does.
//!
//! The deploy users' keys live in the OS keyring, so these are ignored by a plain `cargo test`;
//! `scripts/test.sh` runs them with `--ignored` inside `dbus-run-session` with gnome-keyring. Each
//! test has an emulator of its own: enforcement, once on, stays on.

mod support;

use std::path::PathBuf;

use escala_aws::credentials::KeyringStore;
use escala_sandbox::Emulator;
use escala_testkit::unique_stack;
use support::*;

/// The route's examples, `examples/seed-*.yaml` whose Spec takes it (the network's has no route):
/// every route has at least one, as the seed's case for it (one per provider for kubernetes).
fn examples(route: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("seed-") && name.ends_with(".yaml")
        })
        .filter(|p| {
            let spec =
                escala_core::spec::Spec::from_yaml(&std::fs::read_to_string(p).unwrap()).unwrap();
            spec.route.as_ref().map_or("network", |r| r.name()) == route
        })
        .collect();
    found.sort();
    assert!(
        !found.is_empty(),
        "route {route} has no example in {}",
        dir.display()
    );
    found
}

/// The `escala` command with a keyring service of the test's own.
struct Keyed {
    cli: Cli,
    service: String,
}

impl Keyed {
    fn new(endpoint: &str) -> Self {
        Self {
            cli: Cli::new(endpoint),
            service: unique_stack("escala-iam"),
        }
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        let mut c = self.cli.command(args);
        c.env("ESCALA_KEYRING_SERVICE", &self.service);
        c.output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        text(&out)
    }

    fn keyring(&self) -> KeyringStore {
        KeyringStore::new(&self.service)
    }
}

impl Drop for Keyed {
    fn drop(&mut self) {
        for route in escala_aws::routes::all() {
            let _ = self.keyring().delete(&format!("deploy-{}", route.name()));
        }
        let _ = self.keyring().delete("lacking");
    }
}

fn enforce(emulator: &Emulator) {
    escala_sandbox::post(emulator.endpoint(), "/moto-api/reset-auth", "0").unwrap();
}

#[test]
#[ignore = "needs a Secret Service: run by scripts/test.sh under dbus-run-session"]
fn each_routes_deploy_user_applies_and_destroys_its_example_under_iam_enforcement() {
    let emulator = Emulator::start().unwrap();
    let cli = Keyed::new(emulator.endpoint());
    let routes: Vec<&str> = escala_aws::routes::all().map(|r| r.name()).collect();
    // The admin (the emulator's own keys) makes every user before enforcement starts.
    for route in &routes {
        let user = format!("deploy-{route}");
        cli.ok(&[
            "auth",
            "create-deploy-user",
            "--route",
            route,
            "--user",
            &user,
            "--save-as",
            &user,
        ]);
    }
    enforce(&emulator);
    for route in &routes {
        let profile = format!("deploy-{route}");
        for file in examples(route) {
            let applied = cli.ok(&[
                "apply",
                "-f",
                file.to_str().unwrap(),
                "--yes",
                "--profile",
                &profile,
            ]);
            assert!(applied.contains("up to date"), "{route}: {applied}");
            let spec = escala_core::spec::Spec::from_yaml(&std::fs::read_to_string(&file).unwrap())
                .unwrap();
            let status = cli.ok(&["status", "--stack", &spec.name, "--profile", &profile]);
            assert!(
                status.contains("In sync with its Spec."),
                "{route}: {status}"
            );
            let destroyed = cli.ok(&[
                "destroy",
                "--stack",
                &spec.name,
                "--yes",
                "--profile",
                &profile,
            ]);
            assert!(
                destroyed.contains("0 resources left."),
                "{route}: {destroyed}"
            );
        }
    }
}

#[test]
#[ignore = "needs a Secret Service: run by scripts/test.sh under dbus-run-session"]
fn a_user_missing_an_action_is_refused_by_name_before_anything_is_made() {
    let emulator = Emulator::start().unwrap();
    let cli = Keyed::new(emulator.endpoint());
    let made = cli.ok(&[
        "auth",
        "create-deploy-user",
        "--route",
        "asg",
        "--user",
        "lacking",
        "--save-as",
        "lacking",
        "-o",
        "json",
    ]);
    let made: serde_json::Value = serde_json::from_str(made.lines().next().unwrap()).unwrap();
    // The admin takes one action out of the user's policy.
    let arns: Vec<String> = made["deployUser"]["policyArns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(remove_action(
            emulator.endpoint(),
            &arns,
            "ec2:CreateSecurityGroup",
        ));
    enforce(&emulator);

    let file = examples("asg").remove(0);
    let refused = cli.run(&[
        "apply",
        "-f",
        file.to_str().unwrap(),
        "--yes",
        "--profile",
        "lacking",
    ]);
    let said = text(&refused);
    assert_eq!(refused.status.code(), Some(4), "{said}");
    assert!(said.contains("AccessDenied:"), "{said}");
    assert!(said.contains("ec2:CreateSecurityGroup"), "{said}");
    assert!(said.contains("nothing was changed"), "{said}");
    // Nothing was made, and the stack isn't even listed.
    let listed = cli.ok(&["status", "--profile", "lacking", "-o", "json"]);
    assert!(listed.contains("\"stacks\":[]"), "{listed}");
    let found = cli.ok(&[
        "destroy",
        "-f",
        file.to_str().unwrap(),
        "--yes",
        "--profile",
        "lacking",
    ]);
    assert!(found.contains("Deleted 0 resource(s)"), "{found}");
    assert!(found.contains("0 resources left."), "{found}");
}

/// A new default version of each policy without `action`.
async fn remove_action(endpoint: &str, arns: &[String], action: &str) {
    let target = escala_aws::connect::Target::sandbox(endpoint);
    let config =
        escala_aws::connect::sdk_config(&target, "us-east-1", &KeyringStore::new("unused"))
            .await
            .unwrap();
    let iam = aws_sdk_iam::Client::new(&config);
    for arn in arns {
        let policy = iam.get_policy().policy_arn(arn).send().await.unwrap();
        let version = policy
            .policy()
            .unwrap()
            .default_version_id()
            .unwrap()
            .to_string();
        let got = iam
            .get_policy_version()
            .policy_arn(arn)
            .version_id(version)
            .send()
            .await
            .unwrap();
        let raw = got.policy_version().unwrap().document().unwrap();
        let mut doc = escala_aws::deploy_user::decode_document(raw).unwrap();
        for s in doc["Statement"].as_array_mut().unwrap() {
            if let Some(actions) = s["Action"].as_array_mut() {
                actions.retain(|a| a != action);
            }
        }
        doc["Statement"]
            .as_array_mut()
            .unwrap()
            .retain(|s| !s["Action"].as_array().unwrap().is_empty());
        iam.create_policy_version()
            .policy_arn(arn)
            .policy_document(doc.to_string())
            .set_as_default(true)
            .send()
            .await
            .unwrap();
    }
}

#[test]
#[ignore = "needs a Secret Service: run by scripts/test.sh under dbus-run-session"]
fn the_emulator_checks_the_signature_of_a_form_with_spaces_and_refuses_a_wrong_secret() {
    let emulator = Emulator::start().unwrap();
    let cli = Keyed::new(emulator.endpoint());
    cli.ok(&[
        "auth",
        "create-deploy-user",
        "--route",
        "asg",
        "--user",
        "deploy-asg",
        "--save-as",
        "deploy-asg",
    ]);
    enforce(&emulator);
    let key = cli.keyring().load("deploy-asg").unwrap().unwrap();
    let ec2 = |secret: &str| {
        let creds =
            aws_credential_types::Credentials::new(&key.access_key_id, secret, None, None, "test");
        let config = aws_sdk_ec2::Config::builder()
            .behavior_version(aws_sdk_ec2::config::BehaviorVersion::latest())
            .region(aws_sdk_ec2::config::Region::new("us-east-1"))
            .endpoint_url(emulator.endpoint())
            .credentials_provider(creds)
            .build();
        aws_sdk_ec2::Client::from_conf(config)
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let good = ec2(key.secret_access_key.expose());
        let vpc = good
            .create_vpc()
            .cidr_block("10.9.0.0/16")
            .send()
            .await
            .unwrap();
        let vpc = vpc.vpc().unwrap().vpc_id().unwrap().to_string();
        // The Rust SDK signs a space as %20; the emulator re-encodes the form it parsed.
        let made = good
            .create_security_group()
            .group_name("spaces")
            .description("HTTP from the load balancer only")
            .vpc_id(&vpc)
            .send()
            .await;
        assert!(made.is_ok(), "{made:?}");
        let wrong = ec2("not-the-secret-of-this-key-at-all-000000")
            .create_security_group()
            .group_name("spaces-2")
            .description("HTTP from the load balancer only")
            .vpc_id(&vpc)
            .send()
            .await
            .unwrap_err();
        let code = aws_smithy_types::error::metadata::ProvideErrorMetadata::code(&wrong);
        assert_eq!(code, Some("AuthFailure"), "{wrong:?}");
    });
}

//! The `fargate` route on the emulator, as far as it is built: the image's repository, the tasks'
//! log group and their two roles applied as the Spec says, found again by discovery, and gone
//! (with the network) after a destroy.

mod common;

use common::*;
use escala_core::plan::Action;
use escala_core::progress::NoProgress;
use escala_core::spec::{RouteSpec, Spec};
use escala_testkit::{emulator, unique_stack};
use tokio_util::sync::CancellationToken;

fn with_fargate(stack: &str) -> Spec {
    let yaml = format!(
        "{}route:\n  fargate:\n    tasks: {{min: 1, desired: 2, max: 4}}\n    logRetentionDays: 30\n    repository: {{immutableTags: true, scanOnPush: false}}\n",
        Spec::seed_network(stack, REGION).to_yaml()
    );
    let spec = Spec::from_yaml(&yaml).unwrap();
    assert!(matches!(spec.route, Some(RouteSpec::Fargate(_))));
    spec
}

#[tokio::test]
async fn the_repository_log_group_and_roles_are_made_as_the_spec_says_and_go_with_the_stack() {
    let stack = unique_stack("fg");
    let spec = with_fargate(&stack);
    let session = session_at(emulator(), &stack).await;
    let ec2 = ec2_at(emulator()).await;
    let prepared = session.prepare(&checked(&spec)).await.unwrap();
    let plan = session.plan(&prepared).await.unwrap();
    for id in ["repository", "log-group", "execution-role", "task-role"] {
        assert_eq!(
            plan.change(id).map(|c| c.action),
            Some(Action::Create),
            "{id}"
        );
    }
    session
        .apply(&prepared, &plan, &NoProgress, CancellationToken::new())
        .await
        .unwrap();

    let ctx = session.context();
    let repo = ctx
        .ecr
        .describe_repositories()
        .repository_names(format!("{stack}-chat"))
        .send()
        .await
        .unwrap();
    let repo = &repo.repositories()[0];
    assert_eq!(
        repo.image_tag_mutability().map(|m| m.as_str()),
        Some("IMMUTABLE")
    );
    assert_eq!(
        repo.image_scanning_configuration()
            .map(|c| c.scan_on_push()),
        Some(false)
    );
    let groups = ctx
        .logs
        .describe_log_groups()
        .log_group_name_prefix(format!("/ecs/{stack}-chat"))
        .send()
        .await
        .unwrap();
    assert_eq!(groups.log_groups()[0].retention_in_days(), Some(30));
    let role = ctx
        .iam
        .get_role()
        .role_name(format!("{stack}-execution-role"))
        .send()
        .await
        .unwrap();
    assert_eq!(role.role().map(|r| r.path()), Some("/escala/"));
    let attached = ctx
        .iam
        .list_attached_role_policies()
        .role_name(format!("{stack}-execution-role"))
        .send()
        .await
        .unwrap();
    assert!(attached
        .attached_policies()
        .iter()
        .any(|p| p.policy_name() == Some("AmazonECSTaskExecutionRolePolicy")));

    // A second plan finds everything as it should be.
    let again = session
        .plan(&session.prepare(&checked(&spec)).await.unwrap())
        .await
        .unwrap();
    for id in ["repository", "log-group", "execution-role", "task-role"] {
        assert_eq!(
            again.change(id).map(|c| c.action),
            Some(Action::NoOp),
            "{id}"
        );
    }
    let found: Vec<String> = session
        .discover()
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.kind)
        .collect();
    for kind in ["EcrRepository", "LogGroup", "IamRole"] {
        assert!(found.iter().any(|k| k == kind), "{kind} in {found:?}");
    }
    destroy_to_zero(&session, &ec2, &stack).await;
    let left: Vec<String> = session
        .discover()
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.kind)
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

//! The `fargate` route on the emulator: the seed's Spec applied whole (the image built and pushed
//! to the repository's registry, Redis, the sticky ip target group, the cluster, the task
//! definition, the service and its scaling), read back as the Spec says, planned again as
//! nothing to do, found by discovery, and gone to zero after a destroy.

mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use common::*;
use escala_core::plan::Action;
use escala_core::progress::NoProgress;
use escala_core::spec::{RouteSpec, Spec};
use escala_testkit::{emulator, unique_stack};
use tokio_util::sync::CancellationToken;

/// The image's parts: a stand-in binary (the chat itself is run by the image's and the
/// sandbox's tests) and a web client, named as an installed Escala's environment names them.
fn image_parts() {
    static PARTS: OnceLock<PathBuf> = OnceLock::new();
    PARTS.get_or_init(|| {
        let web = std::env::temp_dir().join(format!("escala-fargate-web-{}", std::process::id()));
        std::fs::create_dir_all(&web).unwrap();
        std::fs::write(web.join("index.html"), "<html>chat</html>").unwrap();
        // Set once, before any session reads them.
        std::env::set_var("ESCALA_CHAT_BIN", "/usr/bin/true");
        std::env::set_var("ESCALA_CHAT_WEB", &web);
        web
    });
}

fn seed_fargate(stack: &str) -> Spec {
    let yaml = include_str!("../../../examples/seed-fargate.yaml")
        .replace("name: seed-fargate", &format!("name: {stack}"))
        .replace(
            "      targetTracking:",
            "      scheduled: [{name: mornings, cron: '0 8 * * 1-5', tasks: {min: 2, desired: 2, max: 6}}]\n      targetTracking:",
        );
    let spec = Spec::from_yaml(&yaml).unwrap();
    assert!(matches!(spec.route, Some(RouteSpec::Fargate(_))));
    spec
}

const TASKS: [&str; 17] = [
    "repository",
    "image",
    "log-group",
    "sg-alb",
    "sg-tasks",
    "sg-redis",
    "cache-subnet-group",
    "redis",
    "target-group",
    "alb",
    "listener",
    "cluster",
    "task-definition",
    "service",
    "scalable-target",
    "scaling-target",
    "schedule-mornings",
];

#[tokio::test]
async fn the_seeds_fargate_stack_is_made_as_the_spec_says_and_goes_to_zero() {
    image_parts();
    let stack = unique_stack("fg");
    let spec = seed_fargate(&stack);
    let session = session_at(emulator(), &stack).await;
    let ec2 = ec2_at(emulator()).await;
    let prepared = session.prepare(&checked(&spec)).await.unwrap();
    let plan = session.plan(&prepared).await.unwrap();
    for id in TASKS {
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
    let images = ctx
        .ecr
        .describe_images()
        .repository_name(format!("{stack}-chat"))
        .send()
        .await
        .unwrap();
    // The tasks run with the account's shared roles, made on first need in the sandbox.
    let role = ctx
        .iam
        .get_role()
        .role_name("escala-ecs-task-execution")
        .send()
        .await
        .unwrap();
    let execution_arn = role.role().unwrap().arn().to_string();
    let pushed = &images.image_details()[0];
    assert!(pushed.image_tags()[0].starts_with("sha256-"), "{pushed:?}");
    assert!(
        pushed.image_size_in_bytes().unwrap_or_default() > 1000,
        "{pushed:?}"
    );

    let tg = ctx
        .elb
        .describe_target_groups()
        .names(format!("{stack}-web"))
        .send()
        .await
        .unwrap();
    let tg = &tg.target_groups()[0];
    assert_eq!(tg.target_type().map(|t| t.as_str()), Some("ip"));
    assert_eq!(tg.port(), Some(3000));
    assert_eq!(tg.health_check_path(), Some("/healthz"));
    let attributes = ctx
        .elb
        .describe_target_group_attributes()
        .target_group_arn(tg.target_group_arn().unwrap())
        .send()
        .await
        .unwrap();
    let attribute = |k: &str| {
        attributes
            .attributes()
            .iter()
            .find(|a| a.key() == Some(k))
            .and_then(|a| a.value())
            .map(str::to_string)
    };
    assert_eq!(attribute("stickiness.type").as_deref(), Some("lb_cookie"));
    assert_eq!(
        attribute("deregistration_delay.timeout_seconds").as_deref(),
        Some("30")
    );

    let services = ctx
        .ecs
        .describe_services()
        .cluster(&stack)
        .services("chat")
        .send()
        .await
        .unwrap();
    let service = &services.services()[0];
    assert_eq!(service.desired_count(), 2);
    let vpc = service
        .network_configuration()
        .and_then(|n| n.awsvpc_configuration())
        .unwrap();
    assert_eq!(vpc.subnets().len(), 2, "the private subnets");
    let definition = ctx
        .ecs
        .describe_task_definition()
        .task_definition(service.task_definition().unwrap())
        .send()
        .await
        .unwrap();
    let definition = definition.task_definition().unwrap();
    assert_eq!(definition.cpu(), Some("256"));
    assert_eq!(definition.memory(), Some("512"));
    assert_eq!(
        definition.execution_role_arn(),
        Some(execution_arn.as_str())
    );
    let container = &definition.container_definitions()[0];
    assert!(container
        .image()
        .unwrap()
        .contains(&format!("{stack}-chat:sha256-")));
    assert!(container
        .environment()
        .iter()
        .any(|e| e.name() == Some("REDIS_URL")
            && e.value().unwrap_or_default().starts_with("redis://")));

    let targets = ctx
        .aas
        .describe_scalable_targets()
        .service_namespace(aws_sdk_applicationautoscaling::types::ServiceNamespace::Ecs)
        .resource_ids(format!("service/{stack}/chat"))
        .send()
        .await
        .unwrap();
    let target = &targets.scalable_targets()[0];
    assert_eq!((target.min_capacity(), target.max_capacity()), (1, 6));

    // A second plan finds everything as it should be.
    let again = session
        .plan(&session.prepare(&checked(&spec)).await.unwrap())
        .await
        .unwrap();
    for id in TASKS {
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
    for kind in [
        "EcrRepository",
        "ReplicationGroup",
        "EcsCluster",
        "EcsService",
        "TaskDefinition",
        "ScalableTarget",
        "ServiceScalingPolicy",
        "ServiceScheduledAction",
    ] {
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

#[tokio::test]
async fn a_redis_node_type_the_region_doesnt_offer_is_refused_at_its_field() {
    image_parts();
    let stack = unique_stack("fgn");
    let yaml = seed_fargate(&stack)
        .to_yaml()
        .replace("cache.t4g.micro", "cache.t4g.colossal");
    let session = session_at(emulator(), &stack).await;
    let err = session
        .prepare(&checked(&Spec::from_yaml(&yaml).unwrap()))
        .await
        .expect_err("no such node type");
    let text = err.to_string();
    assert!(
        text.contains("route.fargate.redis.nodeType") && text.contains("cache.t4g.colossal"),
        "{text}"
    );
}

/// `redis: none` for one task: no cache, and the task told to run alone (REDIS_URL=none), which
/// the chat server takes as one instance with its history in memory.
#[tokio::test]
async fn without_redis_the_one_task_is_told_to_run_alone() {
    image_parts();
    let stack = unique_stack("fg-alone");
    let yaml = include_str!("../../../examples/seed-fargate.yaml")
        .replace("name: seed-fargate", &format!("name: {stack}"))
        .replace(
            "tasks: {min: 1, desired: 2, max: 6}",
            "tasks: {min: 1, desired: 1, max: 1}",
        )
        .replace(
            "redis: {nodeType: cache.t4g.micro, replicas: 0, engine: valkey}",
            "redis: none",
        );
    let spec = Spec::from_yaml(&yaml).unwrap();
    let session = session_at(emulator(), &stack).await;
    let ec2 = ec2_at(emulator()).await;
    let prepared = session.prepare(&checked(&spec)).await.unwrap();
    let plan = session.plan(&prepared).await.unwrap();
    for id in ["redis", "cache-subnet-group", "sg-redis"] {
        assert!(plan.change(id).is_none(), "{id} is not planned");
    }
    session
        .apply(&prepared, &plan, &NoProgress, CancellationToken::new())
        .await
        .unwrap();
    let ctx = session.context();
    let service = ctx
        .ecs
        .describe_services()
        .cluster(&stack)
        .services("chat")
        .send()
        .await
        .unwrap();
    let definition = ctx
        .ecs
        .describe_task_definition()
        .task_definition(service.services()[0].task_definition().unwrap())
        .send()
        .await
        .unwrap();
    let env: Vec<(String, String)> = definition
        .task_definition()
        .unwrap()
        .container_definitions()[0]
        .environment()
        .iter()
        .map(|e| {
            (
                e.name().unwrap_or_default().to_string(),
                e.value().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(
        env.contains(&("REDIS_URL".into(), "none".into())),
        "{env:?}"
    );
    destroy_to_zero(&session, &ec2, &stack).await;
}

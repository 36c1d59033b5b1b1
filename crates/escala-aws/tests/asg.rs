//! The `asg` route on the emulator, as far as it is built: its security groups applied, read back
//! as planned, changed in place, and destroyed with the network.

mod common;

use aws_sdk_ec2::types::Filter;
use common::*;
use escala_core::plan::Action;
use escala_core::progress::{NoProgress, ProgressEvent, RecordedProgress};
use escala_core::spec::{RouteSpec, Spec};
use escala_testkit::{emulator, unique_stack};
use tokio_util::sync::CancellationToken;

/// The seed network with an `asg` route of the seed's capacity (1 / 1 / 2).
fn with_asg(stack: &str) -> Spec {
    let yaml = format!(
        "{}route:\n  asg:\n    capacity: {{min: 1, desired: 1, max: 2}}\n",
        Spec::seed_network(stack, REGION).to_yaml()
    );
    let spec = Spec::from_yaml(&yaml).unwrap();
    assert!(matches!(spec.route, Some(RouteSpec::Asg(_))));
    spec
}

#[tokio::test]
async fn the_route_security_groups_let_http_reach_instances_only_through_the_load_balancer() {
    let stack = unique_stack("asg-sg");
    let spec = with_asg(&stack);
    let session = session_at(emulator(), &stack).await;
    let ec2 = ec2_at(emulator()).await;

    let prepared = session.prepare(&checked(&spec)).await.unwrap();
    let plan = session.plan(&prepared).await.unwrap();
    for id in ["sg-alb", "sg-instances"] {
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

    let groups = ec2
        .describe_security_groups()
        .filters(tagged(&stack))
        .send()
        .await
        .unwrap();
    let by_id = |id: &str| {
        groups
            .security_groups()
            .iter()
            .find(|g| g.tags().iter().any(|t| t.value() == Some(id)))
            .unwrap_or_else(|| panic!("no {id}"))
            .clone()
    };
    let (alb, instances) = (by_id("sg-alb"), by_id("sg-instances"));
    let alb_rule = &alb.ip_permissions()[0];
    assert_eq!(alb_rule.from_port(), Some(80));
    assert_eq!(alb_rule.ip_ranges()[0].cidr_ip(), Some("0.0.0.0/0"));
    let instance_rule = &instances.ip_permissions()[0];
    assert_eq!(instance_rule.from_port(), Some(80));
    assert!(
        instance_rule.ip_ranges().is_empty(),
        "no rule from the internet"
    );
    assert_eq!(
        instance_rule.user_id_group_pairs()[0].group_id(),
        alb.group_id(),
        "only the load balancer's group may reach the instances"
    );

    // The load balancer: internet-facing, in both public subnets, behind the load balancer's group,
    // with an HTTP listener forwarding to the target group.
    let elb = elb_at(emulator()).await;
    let lbs = elb
        .describe_load_balancers()
        .names(format!("{stack}-alb"))
        .send()
        .await
        .unwrap();
    let lb = &lbs.load_balancers()[0];
    assert_eq!(lb.availability_zones().len(), 2);
    assert_eq!(lb.security_groups(), [alb.group_id().unwrap().to_string()]);
    let listeners = elb
        .describe_listeners()
        .load_balancer_arn(lb.load_balancer_arn().unwrap())
        .send()
        .await
        .unwrap();
    let tgs = elb
        .describe_target_groups()
        .names(format!("{stack}-web"))
        .send()
        .await
        .unwrap();
    let forward = &listeners.listeners()[0].default_actions()[0];
    assert_eq!(
        forward.target_group_arn(),
        tgs.target_groups()[0].target_group_arn()
    );

    let again = session.plan(&prepared).await.unwrap();
    assert!(again.is_empty(), "{:#?}", again.changes);

    // Someone opens the instances to the world behind Escala's back: the plan puts it back.
    ec2.authorize_security_group_ingress()
        .group_id(instances.group_id().unwrap())
        .ip_protocol("tcp")
        .from_port(22)
        .to_port(22)
        .cidr_ip("0.0.0.0/0")
        .send()
        .await
        .unwrap();
    let drift = session.plan(&prepared).await.unwrap();
    assert_eq!(
        drift.change("sg-instances").map(|c| c.action),
        Some(Action::Update)
    );
    session
        .apply(&prepared, &drift, &NoProgress, CancellationToken::new())
        .await
        .unwrap();
    assert!(session.plan(&prepared).await.unwrap().is_empty());

    destroy_to_zero(&session, &ec2, &stack).await;
    let gone = elb
        .describe_load_balancers()
        .names(format!("{stack}-alb"))
        .send()
        .await;
    assert!(gone.is_err(), "the load balancer is deleted");
    let left = ec2
        .describe_security_groups()
        .filters(
            Filter::builder()
                .name("tag:escala:stack")
                .values(&stack)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert!(left.security_groups().is_empty());
}

/// The stack's running instances and their types.
async fn running_instances(
    ec2: &aws_sdk_ec2::Client,
    stack: &str,
) -> std::collections::BTreeMap<String, String> {
    let out = ec2
        .describe_instances()
        .filters(tagged(stack))
        .filters(
            Filter::builder()
                .name("instance-state-name")
                .values("running")
                .build(),
        )
        .send()
        .await
        .unwrap();
    out.reservations()
        .iter()
        .flat_map(|r| r.instances())
        .map(|i| {
            (
                i.instance_id().unwrap().to_string(),
                i.instance_type().unwrap().as_str().to_string(),
            )
        })
        .collect()
}

fn with_route(stack: &str, route_yaml: &str) -> Spec {
    let yaml = format!(
        "{}route:\n  asg:\n{route_yaml}",
        Spec::seed_network(stack, REGION).to_yaml()
    );
    Spec::from_yaml(&yaml).unwrap()
}

#[tokio::test]
async fn the_launch_template_boots_the_latest_amazon_linux_and_a_new_type_is_a_new_version() {
    let stack = unique_stack("asg-lt");
    let spec = with_asg(&stack);
    let session = session_at(emulator(), &stack).await;
    let ec2 = ec2_at(emulator()).await;

    let prepared = session.prepare(&checked(&spec)).await.unwrap();
    let plan = session.plan(&prepared).await.unwrap();
    session
        .apply(&prepared, &plan, &NoProgress, CancellationToken::new())
        .await
        .unwrap();
    let templates = ec2
        .describe_launch_templates()
        .filters(tagged(&stack))
        .send()
        .await
        .unwrap();
    let lt = &templates.launch_templates()[0];
    let id = lt.launch_template_id().unwrap().to_string();
    let version = |v: &str| {
        let ec2 = ec2.clone();
        let (id, v) = (id.clone(), v.to_string());
        async move {
            ec2.describe_launch_template_versions()
                .launch_template_id(id)
                .versions(v)
                .send()
                .await
                .unwrap()
                .launch_template_versions()[0]
                .clone()
        }
    };
    let first = version("$Default").await;
    let data = first.launch_template_data().unwrap();
    assert!(
        data.image_id().unwrap().starts_with("ami-"),
        "resolved through SSM"
    );
    assert_eq!(data.instance_type().unwrap().as_str(), "t3.micro");
    assert_eq!(
        data.monitoring().unwrap().enabled(),
        Some(true),
        "1-minute metrics"
    );
    let groups = ec2
        .describe_security_groups()
        .group_ids(data.security_group_ids()[0].clone())
        .send()
        .await
        .unwrap();
    let tag = |k: &str| {
        groups.security_groups()[0]
            .tags()
            .iter()
            .find(|t| t.key() == Some(k))
            .and_then(|t| t.value())
            .map(str::to_string)
    };
    assert_eq!(tag("escala:id").as_deref(), Some("sg-instances"));
    assert!(session.plan(&prepared).await.unwrap().is_empty());

    let bigger = with_route(
        &stack,
        "    instanceType: t3.small\n    capacity: {min: 1, desired: 1, max: 2}\n",
    );
    let prepared = session.prepare(&checked(&bigger)).await.unwrap();
    let plan = session.plan(&prepared).await.unwrap();
    let change = plan.change("launch-template").unwrap();
    assert_eq!(
        change.action,
        Action::Update,
        "a new version, not a new template"
    );
    assert_eq!(change.fields[0].field, "instanceType");
    // The running instance came from the old version: the group rolls it over.
    let rollout = plan.change("asg").unwrap();
    assert_eq!(rollout.action, Action::Update);
    assert_eq!(rollout.fields[0].field, "instances");
    assert_eq!(
        rollout.fields[0].from.as_deref(),
        Some("1 of 1 from an older template")
    );
    assert_eq!(plan.summary.update, 2, "{:#?}", plan.changes);
    let before = running_instances(&ec2, &stack).await;
    let progress = RecordedProgress::default();
    session
        .apply(&prepared, &plan, &progress, CancellationToken::new())
        .await
        .unwrap();
    let after = running_instances(&ec2, &stack).await;
    assert_eq!(after.len(), 1, "the group keeps its size: {after:?}");
    assert!(
        after
            .iter()
            .all(|(id, t)| t == "t3.small" && !before.contains_key(id)),
        "replaced from the new version: {before:?} → {after:?}"
    );
    let reported: Vec<u8> = progress
        .events()
        .into_iter()
        .filter_map(|e| match e {
            ProgressEvent::Progress { id, percent, .. } if id == "asg" => Some(percent),
            _ => None,
        })
        .collect();
    assert_eq!(reported.first(), Some(&0), "{reported:?}");
    assert_eq!(reported.last(), Some(&100), "{reported:?}");
    let second = version("$Default").await;
    assert_eq!(second.version_number(), Some(2));
    assert_eq!(
        second
            .launch_template_data()
            .unwrap()
            .instance_type()
            .unwrap()
            .as_str(),
        "t3.small"
    );
    assert!(session.plan(&prepared).await.unwrap().is_empty());
    destroy_to_zero(&session, &ec2, &stack).await;
    let left = ec2
        .describe_launch_templates()
        .filters(tagged(&stack))
        .send()
        .await
        .unwrap();
    assert!(left.launch_templates().is_empty());
}

#[tokio::test]
async fn an_unknown_instance_type_or_a_foreign_ami_is_refused_before_anything_is_made() {
    let stack = unique_stack("asg-bad");
    let session = session_at(emulator(), &stack).await;
    let ec2 = ec2_at(emulator()).await;
    for (route, field, fragment) in [
        (
            "    instanceType: t3.gigantic\n    capacity: {min: 1, desired: 1, max: 2}\n",
            "route.asg.instanceType",
            "not an instance type offered in us-east-1",
        ),
        (
            "    ami: ami-0123456789abcdef0\n    capacity: {min: 1, desired: 1, max: 2}\n",
            "route.asg.ami",
            "does not exist in us-east-1",
        ),
    ] {
        let err = session
            .plan_spec(&checked(&with_route(&stack, route)))
            .await
            .expect_err(field);
        let escala_aws::AwsError::Core(escala_core::CoreError::Validation(v)) = &err else {
            panic!("{field}: {err}")
        };
        assert_eq!(v.0[0].field, field);
        assert!(v.0[0].message.contains(fragment), "{}", v.0[0].message);
    }
    assert_eq!(tagged_resources(&ec2, &stack).await, Vec::<String>::new());
}

#[tokio::test]
async fn a_created_key_pair_is_saved_once_readable_by_the_user_only_and_deleted_with_the_stack() {
    let stack = unique_stack("asg-key");
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("web.pem");
    let spec = with_route(
        &stack,
        &format!(
            "    keyPair: {{name: {stack}-web, savePrivateKeyTo: {}}}\n    capacity: {{min: 1, desired: 1, max: 2}}\n",
            pem.display()
        ),
    );
    let session = session_at(emulator(), &stack).await;
    let ec2 = ec2_at(emulator()).await;
    let (prepared, plan) = session.plan_spec(&checked(&spec)).await.unwrap();
    session
        .apply(&prepared, &plan, &NoProgress, CancellationToken::new())
        .await
        .unwrap();
    let key = std::fs::read_to_string(&pem).unwrap();
    assert!(key.contains("PRIVATE KEY"), "{key}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&pem).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let pairs = ec2
        .describe_key_pairs()
        .filters(tagged(&stack))
        .send()
        .await
        .unwrap();
    assert_eq!(
        pairs.key_pairs()[0].key_name(),
        Some(format!("{stack}-web").as_str())
    );
    assert!(session.plan(&prepared).await.unwrap().is_empty());
    destroy_to_zero(&session, &ec2, &stack).await;
    let left = ec2
        .describe_key_pairs()
        .filters(tagged(&stack))
        .send()
        .await
        .unwrap();
    assert!(left.key_pairs().is_empty());
}

#[tokio::test]
async fn the_group_runs_behind_the_load_balancer_keeps_a_scaled_size_and_goes_with_its_instances() {
    let stack = unique_stack("asg-group");
    let session = session_at(emulator(), &stack).await;
    let ec2 = ec2_at(emulator()).await;
    let autoscaling = autoscaling_at(emulator()).await;
    let (prepared, plan) = session
        .plan_spec(&checked(&with_asg(&stack)))
        .await
        .unwrap();
    session
        .apply(&prepared, &plan, &NoProgress, CancellationToken::new())
        .await
        .unwrap();
    let describe = || async {
        autoscaling
            .describe_auto_scaling_groups()
            .auto_scaling_group_names(format!("{stack}-web"))
            .send()
            .await
            .unwrap()
            .auto_scaling_groups()
            .first()
            .cloned()
    };
    let group = describe().await.expect("the group exists");
    assert_eq!(
        (group.min_size(), group.desired_capacity(), group.max_size()),
        (Some(1), Some(1), Some(2))
    );
    assert_eq!(group.health_check_type(), Some("ELB"));
    assert_eq!(group.target_group_arns().len(), 1);
    assert_eq!(
        group.launch_template().and_then(|t| t.version()),
        Some("$Default")
    );
    assert_eq!(
        group.instances().len(),
        1,
        "the emulator starts the desired instance"
    );

    // Scaling (here: by hand) moves desired; the plan leaves it alone.
    autoscaling
        .set_desired_capacity()
        .auto_scaling_group_name(format!("{stack}-web"))
        .desired_capacity(2)
        .send()
        .await
        .unwrap();
    assert!(session.plan(&prepared).await.unwrap().is_empty());

    // A smaller max moves the size inside the new range.
    let smaller = with_route(&stack, "    capacity: {min: 1, desired: 1, max: 1}\n");
    let (prepared, plan) = session.plan_spec(&checked(&smaller)).await.unwrap();
    assert_eq!(plan.change("asg").map(|c| c.action), Some(Action::Update));
    session
        .apply(&prepared, &plan, &NoProgress, CancellationToken::new())
        .await
        .unwrap();
    let group = describe().await.unwrap();
    assert_eq!(
        (group.max_size(), group.desired_capacity()),
        (Some(1), Some(1))
    );

    destroy_to_zero(&session, &ec2, &stack).await;
    assert!(describe().await.is_none(), "the group is deleted");
    let running = ec2
        .describe_instances()
        .filters(tagged(&stack))
        .filters(
            Filter::builder()
                .name("instance-state-name")
                .values("pending")
                .values("running")
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert!(
        running
            .reservations()
            .iter()
            .all(|r| r.instances().is_empty()),
        "no instance of the stack is left running"
    );
}

#[tokio::test]
async fn the_group_tracks_cpu_by_default_switches_to_requests_and_keeps_its_schedule_and_warm_pool()
{
    let stack = unique_stack("asg-scale");
    let session = session_at(emulator(), &stack).await;
    let ec2 = ec2_at(emulator()).await;
    let autoscaling = autoscaling_at(emulator()).await;
    let schedule = "    scaling:\n      warmPool: {minSize: 1}\n      step: {cpuAbove: 85, add: 2, minutes: 3}\n      scheduled:\n        - {name: mornings, cron: '0 8 * * 1-5', capacity: {min: 2, desired: 2, max: 4}}\n";
    let spec = with_route(
        &stack,
        &format!("    capacity: {{min: 1, desired: 1, max: 4}}\n{schedule}"),
    );
    let (prepared, plan) = session.plan_spec(&checked(&spec)).await.unwrap();
    session
        .apply(&prepared, &plan, &NoProgress, CancellationToken::new())
        .await
        .unwrap();
    // The target tracking policy; the step policy beside it is made concurrently, in any order.
    let policy = || async {
        autoscaling
            .describe_policies()
            .auto_scaling_group_name(format!("{stack}-web"))
            .send()
            .await
            .unwrap()
            .scaling_policies()
            .iter()
            .find(|p| p.target_tracking_configuration().is_some())
            .expect("a target tracking policy")
            .clone()
    };
    let p = policy().await;
    let config = p.target_tracking_configuration().unwrap();
    assert_eq!(config.target_value(), Some(70.0), "the seed's 70% CPU");
    assert_eq!(
        config
            .predefined_metric_specification()
            .and_then(|m| m.predefined_metric_type())
            .map(|t| t.as_str()),
        Some("ASGAverageCPUUtilization")
    );
    let actions = autoscaling
        .describe_scheduled_actions()
        .auto_scaling_group_name(format!("{stack}-web"))
        .send()
        .await
        .unwrap();
    let morning = &actions.scheduled_update_group_actions()[0];
    assert_eq!(morning.recurrence(), Some("0 8 * * 1-5"));
    assert_eq!((morning.min_size(), morning.max_size()), (Some(2), Some(4)));
    let pool = autoscaling
        .describe_warm_pool()
        .auto_scaling_group_name(format!("{stack}-web"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        pool.warm_pool_configuration().and_then(|w| w.min_size()),
        Some(1)
    );
    assert!(session.plan(&prepared).await.unwrap().is_empty());

    let requests = with_route(
        &stack,
        &format!("    capacity: {{min: 1, desired: 1, max: 4}}\n{}      targetTracking: {{metric: requestsPerTarget, target: 500}}\n", schedule),
    );
    let (prepared, plan) = session.plan_spec(&checked(&requests)).await.unwrap();
    assert_eq!(
        plan.change("scaling-target").map(|c| c.action),
        Some(Action::Update)
    );
    session
        .apply(&prepared, &plan, &NoProgress, CancellationToken::new())
        .await
        .unwrap();
    let p = policy().await;
    let spec = p
        .target_tracking_configuration()
        .and_then(|c| c.predefined_metric_specification())
        .unwrap();
    assert_eq!(
        spec.predefined_metric_type().map(|t| t.as_str()),
        Some("ALBRequestCountPerTarget")
    );
    let label = spec.resource_label().unwrap();
    assert!(
        label.starts_with("app/") && label.contains("/targetgroup/"),
        "{label}"
    );
    assert!(session.plan(&prepared).await.unwrap().is_empty());
    destroy_to_zero(&session, &ec2, &stack).await;
    let alarms = cloudwatch_at(emulator())
        .await
        .describe_alarms()
        .alarm_names(format!("{stack}-cpu-high"))
        .send()
        .await
        .unwrap();
    assert!(alarms.metric_alarms().is_empty(), "the alarm is deleted");
}

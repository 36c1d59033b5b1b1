//! The `asg` route on the emulator, as far as it is built: its security groups applied, read back
//! as planned, changed in place, and destroyed with the network.

mod common;

use aws_sdk_ec2::types::Filter;
use common::*;
use escala_core::plan::Action;
use escala_core::progress::NoProgress;
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

    let prepared = session.prepare(&spec).await.unwrap();
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

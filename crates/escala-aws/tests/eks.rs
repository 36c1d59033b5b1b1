//! The `kubernetes` route on EKS, on the emulator: the seed's Spec applied (the cluster with access
//! entries on the private subnets, its node group with its labels and bounds), read back as the
//! Spec says, planned again as nothing to do; upgraded one minor (the control plane, then the node
//! group) with the endpoint's access changed; a skipped minor, a downgrade and a version EKS doesn't
//! offer refused before anything is made; and gone to zero after a destroy.

mod common;

use common::*;
use escala_core::plan::Action;
use escala_core::progress::NoProgress;
use escala_core::spec::Spec;
use escala_testkit::{emulator, unique_stack};
use tokio_util::sync::CancellationToken;

fn seed_eks(stack: &str, version: &str, access: &str) -> Spec {
    let yaml = include_str!("../../../examples/seed-eks.yaml")
        .replace("name: seed-eks", &format!("name: {stack}"))
        .replace("version: \"1.35\"", &format!("version: \"{version}\""))
        .replace("access: both", &format!("access: {access}"));
    Spec::from_yaml(&yaml).unwrap()
}

async fn apply(session: &escala_aws::session::Session, spec: &Spec) -> escala_core::plan::Plan {
    let prepared = session.prepare(&checked(spec)).await.unwrap();
    let plan = session.plan(&prepared).await.unwrap();
    session
        .apply(&prepared, &plan, &NoProgress, CancellationToken::new())
        .await
        .unwrap();
    plan
}

async fn refused(session: &escala_aws::session::Session, spec: &Spec) -> String {
    session
        .prepare(&checked(spec))
        .await
        .expect_err("refused before planning")
        .to_string()
}

#[tokio::test]
async fn the_seeds_eks_stack_is_made_upgraded_one_minor_and_goes_to_zero() {
    let stack = unique_stack("eks");
    let session = session_at(emulator(), &stack).await;
    let ec2 = ec2_at(emulator()).await;

    let plan = apply(&session, &seed_eks(&stack, "1.34", "both")).await;
    for id in ["eks-cluster", "node-group-nodes"] {
        assert_eq!(
            plan.change(id).map(|c| c.action),
            Some(Action::Create),
            "{id}"
        );
    }
    let ctx = session.context();
    let cluster = ctx
        .eks
        .describe_cluster()
        .name(&stack)
        .send()
        .await
        .unwrap();
    let cluster = cluster.cluster().unwrap();
    assert_eq!(cluster.version(), Some("1.34"));
    let vpc = cluster.resources_vpc_config().unwrap();
    assert_eq!(vpc.subnet_ids().len(), 2, "the private subnets");
    assert!(vpc.endpoint_public_access() && vpc.endpoint_private_access());
    assert!(cluster
        .role_arn()
        .unwrap()
        .ends_with(":role/escala/escala-eks-cluster"));
    let group = ctx
        .eks
        .describe_nodegroup()
        .cluster_name(&stack)
        .nodegroup_name("nodes")
        .send()
        .await
        .unwrap();
    let group = group.nodegroup().unwrap();
    let scaling = group.scaling_config().unwrap();
    assert_eq!(
        (
            scaling.min_size(),
            scaling.desired_size(),
            scaling.max_size()
        ),
        (Some(2), Some(2), Some(4))
    );
    assert_eq!(group.version(), Some("1.34"));
    assert_eq!(group.instance_types(), ["t3.medium"]);
    assert_eq!(
        group.ami_type().map(|a| a.as_str()),
        Some("AL2023_x86_64_STANDARD")
    );
    assert_eq!(group.labels().unwrap()["role"], "web");
    assert!(group
        .node_role()
        .unwrap()
        .ends_with(":role/escala/escala-eks-node"));

    // A second plan finds everything as it should be.
    let again = session
        .plan(
            &session
                .prepare(&checked(&seed_eks(&stack, "1.34", "both")))
                .await
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(again.is_empty(), "{:?}", again.changes);

    // EKS's rules for versions, before anything is made.
    let skip = refused(&session, &seed_eks(&stack, "1.36", "both")).await;
    assert!(skip.contains("EKS doesn't offer Kubernetes 1.36"), "{skip}");
    let down = refused(&session, &seed_eks(&stack, "1.33", "both")).await;
    assert!(down.contains("can't downgrade it to 1.33"), "{down}");

    // One minor up, with the endpoint made public only: updates in place, in AWS's order.
    let upgrade = apply(&session, &seed_eks(&stack, "1.35", "public")).await;
    for id in ["eks-cluster", "node-group-nodes"] {
        assert_eq!(
            upgrade.change(id).map(|c| c.action),
            Some(Action::Update),
            "{id}"
        );
    }
    let cluster = ctx
        .eks
        .describe_cluster()
        .name(&stack)
        .send()
        .await
        .unwrap();
    let cluster = cluster.cluster().unwrap();
    assert_eq!(cluster.version(), Some("1.35"));
    let vpc = cluster.resources_vpc_config().unwrap();
    assert!(vpc.endpoint_public_access() && !vpc.endpoint_private_access());
    assert_eq!(
        vpc.subnet_ids().len(),
        2,
        "an endpoint change keeps the subnets"
    );
    let group = ctx
        .eks
        .describe_nodegroup()
        .cluster_name(&stack)
        .nodegroup_name("nodes")
        .send()
        .await
        .unwrap();
    assert_eq!(group.nodegroup().unwrap().version(), Some("1.35"));
    let after = session
        .plan(
            &session
                .prepare(&checked(&seed_eks(&stack, "1.35", "public")))
                .await
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(after.is_empty(), "{:?}", after.changes);

    let found: Vec<String> = session
        .discover()
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.kind)
        .collect();
    for kind in ["EksCluster", "EksNodeGroup"] {
        assert!(found.iter().any(|k| k == kind), "{kind} in {found:?}");
    }
    destroy_to_zero(&session, &ec2, &stack).await;
    let left = session.discover().await.unwrap();
    assert!(left.is_empty(), "{left:?}");
    let clusters = ctx.eks.list_clusters().send().await.unwrap();
    assert!(!clusters.clusters().contains(&stack), "{clusters:?}");
}

#[tokio::test]
async fn an_instance_type_the_region_doesnt_offer_is_refused_at_its_field() {
    let stack = unique_stack("eksn");
    let session = session_at(emulator(), &stack).await;
    let yaml = seed_eks(&stack, "1.35", "both")
        .to_yaml()
        .replace("t3.medium", "t3.colossal");
    let text = refused(&session, &Spec::from_yaml(&yaml).unwrap()).await;
    assert!(
        text.contains("route.kubernetes.nodeGroups[0].instanceTypes[0]")
            && text.contains("EC2 offers no t3.colossal instances"),
        "{text}"
    );
}

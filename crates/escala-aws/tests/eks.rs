//! The `kubernetes` route on EKS, on the emulator: the seed's Spec applied (the cluster with access
//! entries on the private subnets, its node group with its labels and bounds, its seven addons at
//! EKS's defaults, the EBS driver's pod identity, an IAM user let in with a namespaced policy),
//! read back as the Spec says, planned again as nothing to do; upgraded one minor (the control
//! plane, the addons that follow it, the node group) with the endpoint's access and the grant
//! changed; a skipped minor, a downgrade, a version EKS doesn't offer and an addon version it
//! doesn't have refused before anything is made; and gone to zero after a destroy.
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

/// The seed with `grant` as its access list.
fn granting(spec: &Spec, grant: &str) -> Spec {
    let yaml = spec.to_yaml();
    assert!(yaml.contains("nodeGroups:"), "{yaml}");
    let yaml = yaml.replacen(
        "    nodeGroups:",
        &format!("    access: [{grant}]\n    nodeGroups:"),
        1,
    );
    Spec::from_yaml(&yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"))
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

    let ctx = session.context();
    let user = ctx
        .iam
        .create_user()
        .user_name(format!("{stack}-ana"))
        .send()
        .await
        .unwrap();
    let ana = user.user().unwrap().arn().to_string();
    let view = format!("{{principal: '{ana}', policy: view, namespaces: [demo]}}");
    let edit = format!("{{principal: '{ana}', policy: edit}}");
    let plan = apply(
        &session,
        &granting(&seed_eks(&stack, "1.34", "both"), &view),
    )
    .await;
    for id in [
        "eks-cluster",
        "node-group-nodes",
        "addon-vpc-cni",
        "addon-coredns",
        "addon-metrics-server",
        &format!("access-user-{stack}-ana"),
    ] {
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
                .prepare(&checked(&granting(
                    &seed_eks(&stack, "1.34", "both"),
                    &view,
                )))
                .await
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(again.is_empty(), "{:?}", again.changes);
    let pinned = seed_eks(&stack, "1.34", "both").to_yaml().replace(
        "- name: coredns",
        "- {name: coredns, version: v1.0.0-eksbuild.1}",
    );
    let pinned = refused(&session, &Spec::from_yaml(&pinned).unwrap()).await;
    assert!(
        pinned.contains("route.kubernetes.addons[2].version")
            && pinned.contains("EKS has no v1.0.0-eksbuild.1 of coredns for Kubernetes 1.34"),
        "{pinned}"
    );

    // EKS's rules for versions, before anything is made.
    let skip = refused(&session, &seed_eks(&stack, "1.36", "both")).await;
    assert!(skip.contains("EKS doesn't offer Kubernetes 1.36"), "{skip}");
    let down = refused(&session, &seed_eks(&stack, "1.33", "both")).await;
    assert!(down.contains("can't downgrade it to 1.33"), "{down}");

    // One minor up, with the endpoint made public only and the grant widened: updates in place,
    // in AWS's order.
    let upgraded = granting(&seed_eks(&stack, "1.35", "public"), &edit);
    let upgrade = apply(&session, &upgraded).await;
    for id in [
        "eks-cluster",
        "node-group-nodes",
        "addon-kube-proxy",
        &format!("access-user-{stack}-ana"),
    ] {
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
    let identities = ctx
        .eks
        .list_pod_identity_associations()
        .cluster_name(&stack)
        .send()
        .await
        .unwrap();
    // The EBS driver's controller, Container Insights' agent and cluster-autoscaler, each with the
    // account's role for it.
    let mut accounts = Vec::new();
    for identity in identities.associations() {
        let account = identity.service_account().unwrap().to_string();
        let namespace = if account == "cloudwatch-agent" {
            "amazon-cloudwatch"
        } else {
            "kube-system"
        };
        assert_eq!(identity.namespace(), Some(namespace));
        let described = ctx
            .eks
            .describe_pod_identity_association()
            .cluster_name(&stack)
            .association_id(identity.association_id().unwrap())
            .send()
            .await
            .unwrap();
        let role = described
            .association()
            .unwrap()
            .role_arn()
            .unwrap()
            .to_string();
        accounts.push((account, role.rsplit('/').next().unwrap().to_string()));
    }
    accounts.sort();
    assert_eq!(
        accounts,
        [
            (
                "cloudwatch-agent".to_string(),
                "escala-eks-cloudwatch".to_string()
            ),
            (
                "cluster-autoscaler".to_string(),
                "escala-eks-cluster-autoscaler".to_string()
            ),
            (
                "ebs-csi-controller-sa".to_string(),
                "escala-eks-ebs-csi".to_string()
            ),
        ]
    );
    let policies = ctx
        .eks
        .list_associated_access_policies()
        .cluster_name(&stack)
        .principal_arn(&ana)
        .send()
        .await
        .unwrap();
    let policies = policies.associated_access_policies();
    assert_eq!(policies.len(), 1, "{policies:?}");
    assert!(policies[0]
        .policy_arn()
        .unwrap()
        .ends_with("/AmazonEKSEditPolicy"));
    let after = session
        .plan(&session.prepare(&checked(&upgraded)).await.unwrap())
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
    for kind in [
        "EksCluster",
        "EksNodeGroup",
        "EksAddon",
        "EksAccessEntry",
        "EksPodIdentity",
    ] {
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

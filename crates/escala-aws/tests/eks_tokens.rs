//! The sandbox checks EKS tokens and access policies as EKS does (the launcher's fix 20), with
//! the tokens Escala itself makes: kube-apiserver sends them to these two webhooks when the
//! sandbox backs a cluster with a control plane, so they are tested here without one. A token
//! must be signed by a key of the account, for this cluster, by an identity with an access entry;
//! an access policy scoped to a namespace allows nothing outside it, and View writes nothing.
mod common;

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sdk_eks::types::{AccessScope, AccessScopeType};
use common::*;
use escala_aws::routes::kubernetes::token::token;
use escala_testkit::{emulator, unique_stack};
use serde_json::{json, Value};

fn post(path: &str, body: Value) -> Value {
    let text = escala_sandbox::post(emulator(), path, &body.to_string()).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn review(cluster: &str, token: &str) -> Value {
    post(
        &format!("/moto-api/escala/kube/{cluster}/authenticate"),
        json!({"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": {"token": token}}),
    )["status"]
        .clone()
}

fn allowed(cluster: &str, user: &Value, verb: &str, resource: &str, namespace: &str) -> bool {
    let answer = post(
        &format!("/moto-api/escala/kube/{cluster}/authorize"),
        json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "spec": {
            "user": user["username"], "groups": user["groups"], "extra": user["extra"],
            "resourceAttributes": {"verb": verb, "resource": resource, "namespace": namespace},
        }}),
    );
    answer["status"]["allowed"].as_bool().unwrap()
}

#[tokio::test]
async fn escalas_tokens_and_access_policies_are_checked_as_eks_checks_them() {
    let stack = unique_stack("tokens");
    let session = session_at(emulator(), &stack).await;
    let ctx = session.context();
    let (one, other) = (format!("{stack}-one"), format!("{stack}-two"));
    for name in [&one, &other] {
        ctx.eks
            .create_cluster()
            .name(name)
            .role_arn("arn:aws:iam::123456789012:role/eks-cluster")
            .resources_vpc_config(aws_sdk_eks::types::VpcConfigRequest::builder().build())
            .send()
            .await
            .unwrap();
    }
    // Each cluster has its own endpoint, as on AWS.
    let endpoint = |name: &str| {
        let eks = ctx.eks.clone();
        let name = name.to_string();
        async move {
            eks.describe_cluster()
                .name(name)
                .send()
                .await
                .unwrap()
                .cluster
                .unwrap()
                .endpoint
                .unwrap()
        }
    };
    assert_ne!(endpoint(&one).await, endpoint(&other).await);

    // The creator has its bootstrap entry, as EKS makes it.
    let creator = escala_aws::routes::kubernetes::access::exec_credential(ctx, &one)
        .await
        .unwrap();
    let status = review(&one, creator["status"]["token"].as_str().unwrap());
    assert_eq!(status["authenticated"], true, "{status}");
    assert!(allowed(&one, &status["user"], "delete", "nodes", ""));

    // A user of the account, let in with View in one namespace.
    let user = format!("{stack}-viewer");
    ctx.iam.create_user().user_name(&user).send().await.unwrap();
    let key = ctx
        .iam
        .create_access_key()
        .user_name(&user)
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    let arn = format!("arn:aws:iam::123456789012:user/{user}");
    let keys = Credentials::new(
        key.access_key_id(),
        key.secret_access_key(),
        None,
        None,
        "test",
    );
    let now = SystemTime::now();
    let mine = token(&keys, REGION, &one, now).unwrap();
    let status = review(&one, &mine);
    assert_eq!(status["authenticated"], false);
    assert!(
        status["error"]
            .as_str()
            .unwrap()
            .contains("has no access entry"),
        "{status}"
    );

    ctx.eks
        .create_access_entry()
        .cluster_name(&one)
        .principal_arn(&arn)
        .send()
        .await
        .unwrap();
    ctx.eks
        .associate_access_policy()
        .cluster_name(&one)
        .principal_arn(&arn)
        .policy_arn("arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy")
        .access_scope(
            AccessScope::builder()
                .r#type(AccessScopeType::Namespace)
                .namespaces("demo")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let status = review(&one, &mine);
    assert_eq!(status["authenticated"], true, "{status}");
    assert_eq!(status["user"]["username"], arn.as_str());
    let viewer = &status["user"];
    assert!(allowed(&one, viewer, "list", "pods", "demo"));
    assert!(
        !allowed(&one, viewer, "list", "pods", "default"),
        "outside its namespaces"
    );
    assert!(
        !allowed(&one, viewer, "delete", "pods", "demo"),
        "View writes nothing"
    );
    assert!(
        !allowed(&one, viewer, "get", "secrets", "demo"),
        "View reads no Secret"
    );

    // Signed for the other cluster, by another secret, or garbled: refused.
    let status = review(&other, &mine);
    assert!(
        status["error"].as_str().unwrap().contains("signature"),
        "{status}"
    );
    let forged = Credentials::new(key.access_key_id(), "not-the-secret", None, None, "test");
    let status = review(&one, &token(&forged, REGION, &one, now).unwrap());
    assert!(
        status["error"].as_str().unwrap().contains("signature"),
        "{status}"
    );
    let status = review(&one, "k8s-aws-v1.bm90IGEgdXJs");
    assert_eq!(status["authenticated"], false, "{status}");
    let status = review(&one, "a-bearer-token");
    assert!(
        status["error"]
            .as_str()
            .unwrap()
            .contains("not an EKS token"),
        "{status}"
    );
    let old = token(
        &keys,
        REGION,
        &one,
        now - std::time::Duration::from_secs(16 * 60),
    )
    .unwrap();
    let status = review(&one, &old);
    assert!(
        status["error"].as_str().unwrap().contains("expired"),
        "{status}"
    );

    for name in [&one, &other] {
        ctx.eks.delete_cluster().name(name).send().await.unwrap();
    }
}

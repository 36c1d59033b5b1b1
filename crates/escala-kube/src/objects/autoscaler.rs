//! cluster-autoscaler as its AWS example deploys it (cluster-autoscaler-autodiscover.yaml): a
//! service account, the roles it needs, and one replica that finds the node groups by their
//! auto-discovery tags. Its AWS permissions come from the identity the cluster's provider gives
//! the service account (an EKS Pod Identity association, kops' node role).

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::ServiceAccount;
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use serde_json::{json, Value};

use super::input::{typed, InCluster};
use crate::object::Desired;

pub const AUTOSCALER: &str = "cluster-autoscaler";
pub const AUTOSCALER_NAMESPACE: &str = "kube-system";

pub(super) fn objects(set: &InCluster) -> Vec<Desired> {
    let Some(image) = set.autoscaler.image.as_deref() else {
        // The rules require it when cluster-autoscaler is on.
        return Vec::new();
    };
    let stack = set.stack;
    vec![
        Desired::of(stack, account()),
        Desired::of(stack, cluster_role()),
        Desired::of(stack, role()),
        Desired::of::<ClusterRoleBinding>(stack, typed(binding("ClusterRole", None))),
        Desired::of::<RoleBinding>(stack, typed(binding("Role", Some(AUTOSCALER_NAMESPACE)))),
        Desired::of(stack, deployment(set, image)),
    ]
}

fn meta(namespaced: bool) -> Value {
    let mut meta = json!({"name": AUTOSCALER, "labels": {"k8s-app": AUTOSCALER}});
    if namespaced {
        meta["namespace"] = AUTOSCALER_NAMESPACE.into();
    }
    meta
}

fn account() -> ServiceAccount {
    typed(json!({"metadata": meta(true)}))
}

fn rule(groups: &[&str], resources: &[&str], verbs: &[&str]) -> Value {
    json!({"apiGroups": groups, "resources": resources, "verbs": verbs})
}

fn named(groups: &[&str], resources: &[&str], names: &[&str], verbs: &[&str]) -> Value {
    let mut r = rule(groups, resources, verbs);
    r["resourceNames"] = json!(names);
    r
}

fn cluster_role() -> ClusterRole {
    let read = ["watch", "list", "get"];
    typed(json!({
        "metadata": meta(false),
        "rules": [
            rule(&[""], &["events", "endpoints"], &["create", "patch"]),
            rule(&[""], &["pods/eviction"], &["create"]),
            rule(&[""], &["pods/status"], &["update"]),
            named(&[""], &["endpoints"], &[AUTOSCALER], &["get", "update"]),
            rule(&[""], &["nodes"], &["watch", "list", "get", "update"]),
            rule(&[""], &["namespaces", "pods", "services", "replicationcontrollers",
                "persistentvolumeclaims", "persistentvolumes"], &read),
            rule(&["policy"], &["poddisruptionbudgets"], &["watch", "list"]),
            rule(&["apps"], &["statefulsets", "replicasets", "daemonsets"], &read),
            rule(&["storage.k8s.io"], &["storageclasses", "csinodes", "csidrivers",
                "csistoragecapacities", "volumeattachments"], &read),
            rule(&["batch"], &["jobs", "cronjobs"], &read),
            rule(&["coordination.k8s.io"], &["leases"], &["create"]),
            named(&["coordination.k8s.io"], &["leases"], &[AUTOSCALER], &["get", "update"]),
        ],
    }))
}

fn role() -> Role {
    typed(json!({
        "metadata": meta(true),
        "rules": [
            rule(&[""], &["configmaps"], &["create", "list", "watch"]),
            named(&[""], &["configmaps"],
                &["cluster-autoscaler-status", "cluster-autoscaler-priority-expander"],
                &["delete", "get", "update", "watch"]),
        ],
    }))
}

fn binding(role_kind: &str, namespace: Option<&str>) -> Value {
    json!({
        "metadata": meta(namespace.is_some()),
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": AUTOSCALER},
        "subjects": [{"kind": "ServiceAccount", "name": AUTOSCALER, "namespace": AUTOSCALER_NAMESPACE}],
    })
}

/// cluster-autoscaler's flags: the node groups found by the two tags every Escala node group's
/// Auto Scaling group carries, similar groups balanced, and the Spec's expander and scale-down.
fn flags(set: &InCluster) -> Vec<String> {
    let ca = set.autoscaler;
    vec![
        "./cluster-autoscaler".into(),
        "--cloud-provider=aws".into(),
        format!(
            "--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/{}",
            set.cluster
        ),
        format!("--expander={}", ca.expander.flag()),
        "--balance-similar-node-groups".into(),
        "--skip-nodes-with-local-storage=false".into(),
        "--skip-nodes-with-system-pods=false".into(),
        format!("--scale-down-unneeded-time={}m", ca.scale_down_unneeded_minutes),
        format!(
            "--scale-down-utilization-threshold={}",
            f64::from(ca.scale_down_utilization_percent) / 100.0
        ),
        "--stderrthreshold=info".into(),
        "--v=2".into(),
    ]
}

fn deployment(set: &InCluster, image: &str) -> Deployment {
    let labels = json!({"app": AUTOSCALER});
    typed(json!({
        "metadata": meta(true),
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "priorityClassName": "system-cluster-critical",
                    "serviceAccountName": AUTOSCALER,
                    "securityContext": {"runAsNonRoot": true, "runAsUser": 65534},
                    "containers": [{
                        "name": AUTOSCALER,
                        "image": image,
                        "command": flags(set),
                        "resources": {
                            "requests": {"cpu": "100m", "memory": "600Mi"},
                            "limits": {"cpu": "100m", "memory": "600Mi"},
                        },
                    }],
                },
            },
        },
    }))
}

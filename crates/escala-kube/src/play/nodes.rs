//! Nodes as kubelet keeps them: registered with their labels, taints and capacity, reported
//! Ready, and renewing their lease in `kube-node-lease`, without which the node lifecycle
//! controller marks them NotReady after its grace period (40 s) and evicts their pods.

use std::collections::BTreeMap;

use jiff::Timestamp;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::Node;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams};
use kube::Api;
use serde_json::json;

use super::api::{gone, FIELD_MANAGER, PLAYED};
use crate::{Cluster, KubeError};

/// How long a node's lease lasts: kubelet's default `nodeLeaseDurationSeconds`.
const LEASE_SECONDS: i32 = 40;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taint {
    pub key: String,
    pub value: String,
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    pub effect: String,
}

/// A node to register: what its instance offers and how the cloud labels it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSpec {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<Taint>,
    /// What the instance has, and what kubelet leaves to pods after its reserves.
    pub cpu_millis: u64,
    pub memory_mib: u64,
    pub allocatable_cpu_millis: u64,
    pub allocatable_memory_mib: u64,
    pub max_pods: u32,
    pub internal_ip: String,
    /// `aws:///<zone>/<instance id>`, as the AWS cloud provider sets it.
    pub provider_id: String,
}

/// Registers the node, or brings it up to date, and reports it Ready as of `now`.
pub async fn register(cluster: &Cluster, node: &NodeSpec, now: Timestamp) -> Result<(), KubeError> {
    let api: Api<Node> = Api::all(cluster.client());
    let mut labels = node.labels.clone();
    labels.insert(PLAYED.into(), "true".into());
    labels.insert("kubernetes.io/hostname".into(), node.name.clone());
    let taints: Vec<_> = node
        .taints
        .iter()
        .map(|t| json!({"key": t.key, "value": t.value, "effect": t.effect}))
        .collect();
    let body = json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": node.name, "labels": labels},
        "spec": {"providerID": node.provider_id, "taints": taints},
    });
    let params = PatchParams::apply(FIELD_MANAGER).force();
    let what = format!("Node {}", node.name);
    let patch = Patch::Apply(&body);
    cluster
        .call(&what, || api.patch(&node.name, &params, &patch))
        .await?;
    let at = now.to_string();
    let resources = |cpu: u64, memory: u64| json!({"cpu": format!("{cpu}m"), "memory": format!("{memory}Mi"), "pods": node.max_pods.to_string()});
    let status = json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": node.name},
        "status": {
            "capacity": resources(node.cpu_millis, node.memory_mib),
            "allocatable": resources(node.allocatable_cpu_millis, node.allocatable_memory_mib),
            "addresses": [
                {"type": "InternalIP", "address": node.internal_ip},
                {"type": "Hostname", "address": node.name},
            ],
            "conditions": [{
                "type": "Ready", "status": "True", "reason": "KubeletReady",
                "message": "the sandbox plays this node's kubelet",
                "lastHeartbeatTime": at, "lastTransitionTime": at,
            }],
        },
    });
    let patch = Patch::Apply(&status);
    cluster
        .call(&what, || api.patch_status(&node.name, &params, &patch))
        .await?;
    heartbeat(cluster, &node.name, now).await
}

/// Renews the node's lease, as kubelet does every 10 s.
pub async fn heartbeat(cluster: &Cluster, node: &str, now: Timestamp) -> Result<(), KubeError> {
    let api: Api<Lease> = Api::namespaced(cluster.client(), "kube-node-lease");
    let body = json!({
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": node},
        "spec": {
            "holderIdentity": node,
            "leaseDurationSeconds": LEASE_SECONDS,
            "renewTime": now.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        },
    });
    let params = PatchParams::apply(FIELD_MANAGER).force();
    let patch = Patch::Apply(&body);
    cluster
        .call(&format!("Lease kube-node-lease/{node}"), || {
            api.patch(node, &params, &patch)
        })
        .await?;
    Ok(())
}

/// The names of the nodes the sandbox registered.
pub async fn played_nodes(cluster: &Cluster) -> Result<Vec<String>, KubeError> {
    let api: Api<Node> = Api::all(cluster.client());
    let params = ListParams::default().labels(&format!("{PLAYED}=true"));
    let nodes = cluster.call("Node list", || api.list(&params)).await?;
    Ok(nodes
        .items
        .into_iter()
        .filter_map(|n| n.metadata.name)
        .collect())
}

/// Removes a node, as the cloud's node controller does once its instance is gone. Already gone
/// is success.
pub async fn remove(cluster: &Cluster, node: &str) -> Result<(), KubeError> {
    let api: Api<Node> = Api::all(cluster.client());
    let params = DeleteParams::default();
    gone(
        cluster
            .call(&format!("Node {node}"), || api.delete(node, &params))
            .await,
    )
}

//! Pods as the scheduler and kubelet move them along: bound to a node, reported Running and Ready
//! once their process serves (or Unschedulable when no node has room, which is what
//! cluster-autoscaler looks for), and removed for good once deleted, which kubelet confirms with
//! a zero grace period after its containers stop.

use std::collections::BTreeMap;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{DeleteParams, ListParams, PostParams};
use kube::Api;
use serde_json::json;

use super::api::{gone, merge_status};
use super::nodes::Taint;
use super::quantity::{cpu_millis, memory_mib};
use crate::{Cluster, KubeError};

/// A pod as the sandbox needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodView {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub labels: BTreeMap<String, String>,
    pub node: Option<String>,
    pub phase: String,
    pub ip: Option<String>,
    /// Its containers' requests, summed.
    pub cpu_millis: u64,
    pub memory_mib: u64,
    /// Its containers' CPU limits, summed (0 when none has one).
    pub cpu_limit_millis: u64,
    /// The first container port named `http`, or the first at all.
    pub port: Option<u16>,
    /// The first container's environment (its literal values).
    pub env: Vec<(String, String)>,
    /// The claims its volumes mount.
    pub claims: Vec<String>,
    /// The taints it tolerates, as `(key, effect)`; an empty key or effect tolerates any.
    pub tolerations: Vec<(String, String)>,
    /// The scheduler found no node for it (`PodScheduled=False`, `Unschedulable`).
    pub unschedulable: bool,
    /// Its deletion was asked for: kubelet stops it and confirms.
    pub deleting: bool,
}

impl PodView {
    /// Whether it may run on a node with these taints (`NoSchedule` and `NoExecute` keep off
    /// what doesn't tolerate them).
    pub fn tolerates(&self, taints: &[Taint]) -> bool {
        taints
            .iter()
            .filter(|t| t.effect != "PreferNoSchedule")
            .all(|t| {
                self.tolerations.iter().any(|(key, effect)| {
                    (key.is_empty() || *key == t.key) && (effect.is_empty() || *effect == t.effect)
                })
            })
    }

    fn of(pod: Pod) -> Self {
        let spec = pod.spec.unwrap_or_default();
        let status = pod.status.unwrap_or_default();
        let requests = |key: &str, read: fn(&str) -> Option<u64>| -> u64 {
            spec.containers
                .iter()
                .filter_map(|c| c.resources.as_ref()?.requests.as_ref()?.get(key))
                .filter_map(|q| read(&q.0))
                .sum()
        };
        let cpu_limit_millis = spec
            .containers
            .iter()
            .filter_map(|c| c.resources.as_ref()?.limits.as_ref()?.get("cpu"))
            .filter_map(|q| cpu_millis(&q.0))
            .sum();
        let ports: Vec<_> = spec
            .containers
            .iter()
            .flat_map(|c| c.ports.iter().flatten())
            .collect();
        let port = ports
            .iter()
            .find(|p| p.name.as_deref() == Some("http"))
            .or(ports.first())
            .and_then(|p| u16::try_from(p.container_port).ok());
        Self {
            namespace: pod.metadata.namespace.unwrap_or_default(),
            name: pod.metadata.name.unwrap_or_default(),
            uid: pod.metadata.uid.unwrap_or_default(),
            labels: pod.metadata.labels.unwrap_or_default(),
            node: spec.node_name.clone(),
            phase: status.phase.clone().unwrap_or_else(|| "Pending".into()),
            ip: status.pod_ip.clone(),
            cpu_millis: requests("cpu", cpu_millis),
            memory_mib: requests("memory", memory_mib),
            cpu_limit_millis,
            port,
            env: spec
                .containers
                .first()
                .and_then(|c| c.env.as_ref())
                .map(|env| {
                    env.iter()
                        .filter_map(|e| Some((e.name.clone(), e.value.clone()?)))
                        .collect()
                })
                .unwrap_or_default(),
            claims: spec
                .volumes
                .iter()
                .flatten()
                .filter_map(|v| Some(v.persistent_volume_claim.as_ref()?.claim_name.clone()))
                .collect(),
            tolerations: spec
                .tolerations
                .iter()
                .flatten()
                .map(|t| {
                    (
                        t.key.clone().unwrap_or_default(),
                        t.effect.clone().unwrap_or_default(),
                    )
                })
                .collect(),
            unschedulable: status.conditions.iter().flatten().any(|c| {
                c.type_ == "PodScheduled"
                    && c.status == "False"
                    && c.reason.as_deref() == Some("Unschedulable")
            }),
            deleting: pod.metadata.deletion_timestamp.is_some(),
        }
    }
}

/// Every pod of the cluster.
pub async fn pods(cluster: &Cluster) -> Result<Vec<PodView>, KubeError> {
    let api: Api<Pod> = Api::all(cluster.client());
    let params = ListParams::default();
    let list = cluster.call("Pod list", || api.list(&params)).await?;
    Ok(list.items.into_iter().map(PodView::of).collect())
}

fn api(cluster: &Cluster, pod: &PodView) -> Api<Pod> {
    Api::namespaced(cluster.client(), &pod.namespace)
}

fn named(pod: &PodView) -> String {
    format!("Pod {}/{}", pod.namespace, pod.name)
}

/// Binds the pod to `node`, as the scheduler does (the `binding` subresource).
pub async fn bind(cluster: &Cluster, pod: &PodView, node: &str) -> Result<(), KubeError> {
    let body = json!({
        "apiVersion": "v1", "kind": "Binding",
        "metadata": {"name": pod.name, "namespace": pod.namespace},
        "target": {"apiVersion": "v1", "kind": "Node", "name": node},
    });
    let api = api(cluster, pod);
    let params = PostParams::default();
    cluster
        .call(&named(pod), || {
            api.create_subresource::<_, serde_json::Value>("binding", &pod.name, &params, &body)
        })
        .await?;
    Ok(())
}

/// Reports the pod Running and Ready at `ip`, as kubelet does once its containers start and their
/// readiness probes pass.
pub async fn started(
    cluster: &Cluster,
    pod: &PodView,
    ip: &str,
    host_ip: &str,
    now: Timestamp,
) -> Result<(), KubeError> {
    let at = now.to_string();
    let condition = |kind: &str| json!({"type": kind, "status": "True", "lastTransitionTime": at});
    let status = json!({"status": {
        "phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}], "hostIP": host_ip, "startTime": at,
        "conditions": [condition("PodScheduled"), condition("Initialized"), condition("ContainersReady"), condition("Ready")],
    }});
    merge_status(cluster, &api(cluster, pod), &pod.name, &named(pod), &status).await
}

/// Marks the pod unschedulable with the scheduler's message.
pub async fn unschedulable(
    cluster: &Cluster,
    pod: &PodView,
    message: &str,
    now: Timestamp,
) -> Result<(), KubeError> {
    let status = json!({"status": {"conditions": [{
        "type": "PodScheduled", "status": "False", "reason": "Unschedulable",
        "message": message, "lastTransitionTime": now.to_string(),
    }]}});
    merge_status(cluster, &api(cluster, pod), &pod.name, &named(pod), &status).await
}

/// Removes the pod at once: kubelet's confirmation that its containers stopped, or an eviction
/// from a node that goes. Already gone is success.
pub async fn finish(cluster: &Cluster, pod: &PodView) -> Result<(), KubeError> {
    let api = api(cluster, pod);
    let params = DeleteParams::default().grace_period(0);
    gone(
        cluster
            .call(&named(pod), || api.delete(&pod.name, &params))
            .await,
    )
}

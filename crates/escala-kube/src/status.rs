//! What a stack's cluster is doing, as the Stacks screen and `escala kube status` show it: the
//! nodes and whether they are ready, the demo's pods and their phases, the HPA's replicas and
//! conditions, and the claim's phase with the EBS volume behind it.

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{Node, PersistentVolume, PersistentVolumeClaim, Pod, Service};
use kube::api::{Api, ListParams};
use serde::Serialize;

use crate::cluster::Cluster;
use crate::error::KubeError;
use crate::objects::{CLAIM, DEMO_NAMESPACE};

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ClusterStatus {
    /// Where the demo answers: its Service's load balancer, once the cloud controller made it.
    pub address: Option<String>,
    pub nodes: Vec<NodeState>,
    pub pods: Vec<PodState>,
    pub hpa: Option<HpaState>,
    pub claim: Option<ClaimState>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct NodeState {
    pub name: String,
    pub ready: bool,
    pub instance_type: Option<String>,
    pub zone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PodState {
    pub name: String,
    /// Pending, Running, Succeeded, Failed or Unknown.
    pub phase: String,
    pub ready: bool,
    pub node: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct HpaState {
    pub current_replicas: u32,
    pub desired_replicas: u32,
    /// The pods' average CPU as a percentage of their request, once metrics-server reports it.
    pub current_cpu: Option<u32>,
    pub target_cpu: Option<u32>,
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// AbleToScale, ScalingActive, ScalingLimited.
    pub kind: String,
    pub status: String,
    pub reason: Option<String>,
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ClaimState {
    /// Pending, Bound or Lost.
    pub phase: String,
    pub volume: Option<String>,
    /// The EBS volume's id, once the driver has made it.
    pub volume_id: Option<String>,
}

/// The well-known labels a node's type and zone are read from.
const INSTANCE_TYPE: &str = "node.kubernetes.io/instance-type";
const ZONE: &str = "topology.kubernetes.io/zone";

/// The status of `app`, the demo's name (its pods' `app` label and its HPA's name).
pub async fn read(cluster: &Cluster, app: &str) -> Result<ClusterStatus, KubeError> {
    let client = cluster.client();
    let nodes: Api<Node> = Api::all(client.clone());
    let pods: Api<Pod> = Api::namespaced(client.clone(), DEMO_NAMESPACE);
    let hpas: Api<HorizontalPodAutoscaler> = Api::namespaced(client.clone(), DEMO_NAMESPACE);
    let claims: Api<PersistentVolumeClaim> = Api::namespaced(client.clone(), DEMO_NAMESPACE);
    let services: Api<Service> = Api::namespaced(client.clone(), DEMO_NAMESPACE);
    let volumes: Api<PersistentVolume> = Api::all(client);
    let every = ListParams::default();
    let selector = ListParams::default().labels(&format!("app={app}"));
    let hpa_name = format!("HorizontalPodAutoscaler {DEMO_NAMESPACE}/{app}");
    let claim_name = format!("PersistentVolumeClaim {DEMO_NAMESPACE}/{CLAIM}");
    let service_name = format!("Service {DEMO_NAMESPACE}/{app}");
    let (service, nodes, pods, hpa, claim) = futures::try_join!(
        cluster.call(&service_name, || services.get_opt(app)),
        cluster.call("Node list", || nodes.list(&every)),
        cluster.call("Pod list", || pods.list(&selector)),
        cluster.call(&hpa_name, || hpas.get_opt(app)),
        cluster.call(&claim_name, || claims.get_opt(CLAIM)),
    )?;
    let claim = match claim {
        Some(claim) => {
            let volume = claim.spec.as_ref().and_then(|s| s.volume_name.clone());
            let volume_id = match &volume {
                Some(name) => cluster
                    .call(&format!("PersistentVolume {name}"), || {
                        volumes.get_opt(name)
                    })
                    .await?
                    .and_then(|pv| pv.spec?.csi.map(|csi| csi.volume_handle)),
                None => None,
            };
            Some(ClaimState {
                phase: claim
                    .status
                    .and_then(|s| s.phase)
                    .unwrap_or_else(|| "Pending".into()),
                volume,
                volume_id,
            })
        }
        None => None,
    };
    let address = service
        .and_then(|s| s.status?.load_balancer?.ingress)
        .and_then(|ingress| {
            let first = ingress.into_iter().next()?;
            // A sandbox's load balancer listens on a loopback port, which its ingress gives.
            let port = first.ports.as_ref().and_then(|p| p.first()).map(|p| p.port);
            match (first.hostname, first.ip, port) {
                (Some(host), _, _) => Some(host),
                (None, Some(ip), Some(port)) => Some(format!("{ip}:{port}")),
                (None, ip, None) => ip,
                (None, None, Some(_)) => None,
            }
        });
    Ok(ClusterStatus {
        address,
        nodes: nodes.items.iter().map(node).collect(),
        pods: pods.items.iter().map(pod).collect(),
        hpa: hpa.as_ref().map(autoscaler),
        claim,
    })
}

fn node(node: &Node) -> NodeState {
    let labels = node.metadata.labels.as_ref();
    NodeState {
        name: node.metadata.name.clone().unwrap_or_default(),
        ready: node
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True")),
        instance_type: labels.and_then(|l| l.get(INSTANCE_TYPE)).cloned(),
        zone: labels.and_then(|l| l.get(ZONE)).cloned(),
    }
}

fn pod(pod: &Pod) -> PodState {
    let status = pod.status.as_ref();
    PodState {
        name: pod.metadata.name.clone().unwrap_or_default(),
        phase: status
            .and_then(|s| s.phase.clone())
            .unwrap_or_else(|| "Pending".into()),
        ready: status
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True")),
        node: pod.spec.as_ref().and_then(|s| s.node_name.clone()),
    }
}

fn percent(value: Option<i32>) -> Option<u32> {
    value.and_then(|v| u32::try_from(v).ok())
}

fn autoscaler(hpa: &HorizontalPodAutoscaler) -> HpaState {
    let status = hpa.status.as_ref();
    let target_cpu = hpa
        .spec
        .as_ref()
        .and_then(|s| s.metrics.as_ref())
        .and_then(|m| m.iter().find_map(|m| m.resource.as_ref()))
        .and_then(|r| percent(r.target.average_utilization));
    let current_cpu = status
        .and_then(|s| s.current_metrics.as_ref())
        .and_then(|m| m.iter().find_map(|m| m.resource.as_ref()))
        .and_then(|r| percent(r.current.average_utilization));
    HpaState {
        current_replicas: status
            .and_then(|s| s.current_replicas)
            .and_then(|r| u32::try_from(r).ok())
            .unwrap_or(0),
        desired_replicas: status
            .and_then(|s| u32::try_from(s.desired_replicas).ok())
            .unwrap_or(0),
        current_cpu,
        target_cpu,
        conditions: status
            .and_then(|s| s.conditions.as_ref())
            .map(|c| {
                c.iter()
                    .map(|c| Condition {
                        kind: c.type_.clone(),
                        status: c.status.clone(),
                        reason: c.reason.clone(),
                        message: c.message.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

//! Services of type LoadBalancer, as the cloud's load balancer controller serves them: read with
//! what they route to, and their address published in `status.loadBalancer`. The sandbox's load
//! balancers listen on loopback ports, so the ingress gives the IP and the port it listens on.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Service;
use kube::api::ListParams;
use kube::Api;
use serde_json::json;

use super::api::merge_status;
use crate::{Cluster, KubeError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LbService {
    pub namespace: String,
    pub name: String,
    pub selector: BTreeMap<String, String>,
    /// `sessionAffinity: ClientIP`.
    pub client_affinity: bool,
    /// The address already published, as `ip:port`.
    pub published: Option<String>,
}

/// Every Service of type LoadBalancer.
pub async fn load_balancers(cluster: &Cluster) -> Result<Vec<LbService>, KubeError> {
    let api: Api<Service> = Api::all(cluster.client());
    let params = ListParams::default();
    let list = cluster.call("Service list", || api.list(&params)).await?;
    Ok(list
        .items
        .into_iter()
        .filter_map(|s| {
            let spec = s.spec?;
            if spec.type_.as_deref() != Some("LoadBalancer") {
                return None;
            }
            let published = s
                .status
                .and_then(|st| st.load_balancer?.ingress)
                .and_then(|i| i.into_iter().next())
                .and_then(|i| Some(format!("{}:{}", i.ip?, i.ports?.first()?.port)));
            Some(LbService {
                namespace: s.metadata.namespace?,
                name: s.metadata.name?,
                selector: spec.selector.unwrap_or_default(),
                client_affinity: spec.session_affinity.as_deref() == Some("ClientIP"),
                published,
            })
        })
        .collect())
}

/// Publishes the Service's load balancer at `ip:port`.
pub async fn publish(
    cluster: &Cluster,
    service: &LbService,
    ip: &str,
    port: u16,
) -> Result<(), KubeError> {
    let api: Api<Service> = Api::namespaced(cluster.client(), &service.namespace);
    let body = json!({"status": {"loadBalancer": {"ingress": [
        {"ip": ip, "ports": [{"port": port, "protocol": "TCP"}]},
    ]}}});
    let what = format!("Service {}/{}", service.namespace, service.name);
    merge_status(cluster, &api, &service.name, &what, &body).await
}

//! The HorizontalPodAutoscaler's side: its objects read, the target's replicas read and set
//! through the `scale` subresource (as the HPA controller does, so any scalable kind works), and
//! its status written with the replicas, the CPU it saw and its conditions.

use jiff::Timestamp;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use kube::api::{ListParams, Patch, PatchParams};
use kube::core::{ApiResource, DynamicObject, GroupVersionKind};
use kube::Api;
use serde_json::json;

use super::api::merge_status;
use crate::{Cluster, KubeError};

/// An HPA as the sandbox runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HpaView {
    pub namespace: String,
    pub name: String,
    /// The target's API group/version and kind, and its name.
    pub target_api_version: String,
    pub target_kind: String,
    pub target: String,
    pub min: u32,
    pub max: u32,
    /// The average CPU utilization it keeps, when its metric is CPU.
    pub target_cpu: Option<u32>,
}

/// Every HPA (autoscaling/v2) of the cluster.
pub async fn hpas(cluster: &Cluster) -> Result<Vec<HpaView>, KubeError> {
    let api: Api<HorizontalPodAutoscaler> = Api::all(cluster.client());
    let params = ListParams::default();
    let list = cluster
        .call("HorizontalPodAutoscaler list", || api.list(&params))
        .await?;
    Ok(list
        .items
        .into_iter()
        .filter_map(|h| {
            let spec = h.spec?;
            let target_cpu = spec.metrics.iter().flatten().find_map(|m| {
                let r = m.resource.as_ref().filter(|r| r.name == "cpu")?;
                u32::try_from(r.target.average_utilization?).ok()
            });
            Some(HpaView {
                namespace: h.metadata.namespace?,
                name: h.metadata.name?,
                target_api_version: spec
                    .scale_target_ref
                    .api_version
                    .unwrap_or_else(|| "apps/v1".into()),
                target_kind: spec.scale_target_ref.kind,
                target: spec.scale_target_ref.name,
                min: spec
                    .min_replicas
                    .and_then(|m| u32::try_from(m).ok())
                    .unwrap_or(1),
                max: u32::try_from(spec.max_replicas).unwrap_or(1),
                target_cpu,
            })
        })
        .collect())
}

/// A target's replicas and the selector of its pods, from its `scale` subresource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scale {
    pub replicas: u32,
    pub selector: String,
}

fn target_api(cluster: &Cluster, hpa: &HpaView) -> Api<DynamicObject> {
    let (group, version) = hpa
        .target_api_version
        .rsplit_once('/')
        .unwrap_or(("", hpa.target_api_version.as_str()));
    let resource = ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, &hpa.target_kind));
    Api::namespaced_with(cluster.client(), &hpa.namespace, &resource)
}

fn target_named(hpa: &HpaView) -> String {
    format!("{} {}/{}", hpa.target_kind, hpa.namespace, hpa.target)
}

/// The target's scale, or `None` when the target doesn't exist (yet).
pub async fn scale_of(cluster: &Cluster, hpa: &HpaView) -> Result<Option<Scale>, KubeError> {
    let api = target_api(cluster, hpa);
    match cluster
        .call(&target_named(hpa), || api.get_scale(&hpa.target))
        .await
    {
        Ok(scale) => Ok(Some(Scale {
            replicas: scale
                .spec
                .and_then(|s| s.replicas)
                .and_then(|r| u32::try_from(r).ok())
                .unwrap_or(0),
            selector: scale.status.and_then(|s| s.selector).unwrap_or_default(),
        })),
        Err(KubeError::Api { code: 404, .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Sets the target's replicas.
pub async fn set_replicas(
    cluster: &Cluster,
    hpa: &HpaView,
    replicas: u32,
) -> Result<(), KubeError> {
    let api = target_api(cluster, hpa);
    let body = json!({"spec": {"replicas": replicas}});
    let (params, patch) = (PatchParams::default(), Patch::Merge(&body));
    cluster
        .call(&target_named(hpa), || {
            api.patch_scale(&hpa.target, &params, &patch)
        })
        .await?;
    Ok(())
}

/// What the HPA saw and decided, for its status.
#[derive(Debug, Clone, PartialEq)]
pub struct HpaReport {
    pub current: u32,
    pub desired: u32,
    /// The pods' average CPU as a share of their requests, when there were samples.
    pub cpu_percent: Option<u32>,
    /// When the replicas last changed.
    pub last_scale: Option<Timestamp>,
    /// `(type, status, reason, message)`: AbleToScale, ScalingActive and ScalingLimited.
    pub conditions: Vec<(&'static str, bool, String, String)>,
}

/// Writes the HPA's status, as the controller does after each sync.
pub async fn report(
    cluster: &Cluster,
    hpa: &HpaView,
    report: &HpaReport,
    now: Timestamp,
) -> Result<(), KubeError> {
    let api: Api<HorizontalPodAutoscaler> = Api::namespaced(cluster.client(), &hpa.namespace);
    let metrics: Vec<_> = report
        .cpu_percent
        .map(|cpu| json!({"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": cpu}}}))
        .into_iter()
        .collect();
    let conditions: Vec<_> = report
        .conditions
        .iter()
        .map(|(kind, ok, reason, message)| {
            json!({
                "type": kind, "status": if *ok { "True" } else { "False" },
                "reason": reason, "message": message, "lastTransitionTime": now.to_string(),
            })
        })
        .collect();
    let mut status = json!({
        "currentReplicas": report.current, "desiredReplicas": report.desired,
        "currentMetrics": metrics, "conditions": conditions,
    });
    if let Some(at) = report.last_scale {
        status["lastScaleTime"] = json!(at.to_string());
    }
    let what = format!("HorizontalPodAutoscaler {}/{}", hpa.namespace, hpa.name);
    merge_status(cluster, &api, &hpa.name, &what, &json!({"status": status})).await
}

/// cluster-autoscaler's command line, as Escala's Deployment of it gives it, or `None` when the
/// cluster runs none: whoever plays it reads its settings (expander, scale-down) from there.
pub async fn autoscaler_flags(cluster: &Cluster) -> Result<Option<Vec<String>>, KubeError> {
    use crate::objects::{AUTOSCALER, AUTOSCALER_NAMESPACE};
    use k8s_openapi::api::apps::v1::Deployment;

    let api: Api<Deployment> = Api::namespaced(cluster.client(), AUTOSCALER_NAMESPACE);
    let found = cluster
        .call(
            &format!("Deployment {AUTOSCALER_NAMESPACE}/{AUTOSCALER}"),
            || api.get_opt(AUTOSCALER),
        )
        .await?;
    Ok(found.and_then(|d| {
        let container = d.spec?.template.spec?.containers.into_iter().next()?;
        let mut line = container.command.unwrap_or_default();
        line.extend(container.args.unwrap_or_default());
        Some(line)
    }))
}

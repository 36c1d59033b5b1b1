//! The cluster as the dashboard and manual scaling see it: its first node group's size (what
//! cluster-autoscaler moves), the nodes that are Ready and the demo's address from the cluster's
//! API, and the series its charts draw from Container Insights (its addon's metrics, in
//! CloudWatch's `ContainerInsights` namespace): the nodes, the demo's running pods, and their CPU
//! against their limit. Without the addon CloudWatch has none of these, and the charts stay empty.

use async_trait::async_trait;
use aws_sdk_eks::types::NodegroupScalingConfig;
use escala_charts::{Marker, MarkerKind, Unit};
use escala_core::routes::kubernetes::{DemoApp, EksSpec, KubernetesSpec};
use escala_core::routes::Section;
use escala_core::spec::Spec;
use escala_core::task::{Found, TaskError};
use escala_kube::objects::DEMO_NAMESPACE;

use super::cluster_api;
use crate::context::AwsContext;
use crate::metrics::{Metric, Panel};
use crate::route::{GroupState, Load, Scaling};
use crate::sdk::{api_error, SdkResultExt};
use crate::AwsError;

/// The series ids, as the SVG names them (`series-<id>`).
pub mod ids {
    pub const NODES: &str = "nodes";
    pub const PODS: &str = "pods";
    pub const CPU: &str = "cpu";
}

const NAMESPACE: &str = "ContainerInsights";

#[derive(Debug)]
pub struct ClusterScaling;

fn eks(spec: &Spec) -> Option<&EksSpec> {
    match spec.route.as_ref().and_then(KubernetesSpec::of)? {
        KubernetesSpec::Eks(eks) => Some(eks),
    }
}

/// The cluster's name and its first node group's, which the dashboard sizes.
fn names<'a>(ctx: &'a AwsContext, spec: &'a Spec) -> Option<(&'a str, &'a str)> {
    let eks = eks(spec)?;
    Some((
        eks.cluster_name(&ctx.stack),
        eks.node_groups.first()?.name.as_str(),
    ))
}

#[async_trait]
impl Scaling for ClusterScaling {
    fn load(&self, spec: &Spec) -> Load {
        match eks(spec).map(|e| e.demo.app) {
            Some(DemoApp::Chat) => Load::Messages,
            _ => Load::Requests,
        }
    }

    fn bounds(&self, spec: &Spec) -> Option<(u32, u32)> {
        let size = &eks(spec)?.node_groups.first()?.size;
        Some((size.min, size.max))
    }

    /// The node group's size from EKS; its Ready nodes and the demo's address from the cluster,
    /// when its API can be read.
    async fn state(&self, ctx: &AwsContext, spec: &Spec) -> Result<Option<GroupState>, TaskError> {
        let Some((cluster, group)) = names(ctx, spec) else {
            return Ok(None);
        };
        let described = match ctx
            .eks
            .describe_nodegroup()
            .cluster_name(cluster)
            .nodegroup_name(group)
            .send()
            .await
            .task()
        {
            Err(e) if e.code == "ResourceNotFoundException" => return Ok(None),
            other => other?,
        };
        let Some(scaling) = described.nodegroup().and_then(|n| n.scaling_config()) else {
            return Ok(None);
        };
        let inside = match (cluster_api::runs(ctx), eks(spec)) {
            (true, Some(eks)) if eks.demo.app != DemoApp::None => {
                match cluster_api::cluster(ctx, cluster).await {
                    Ok(api) => escala_kube::status::read(&api, eks.demo.app.name())
                        .await
                        .ok(),
                    Err(_) => None,
                }
            }
            _ => None,
        };
        let ready = inside
            .as_ref()
            .map_or(0, |s| s.nodes.iter().filter(|n| n.ready).count() as u32);
        let address = inside.and_then(|s| s.address);
        Ok(Some(GroupState {
            min: scaling.min_size().unwrap_or_default() as u32,
            desired: scaling.desired_size().unwrap_or_default() as u32,
            max: scaling.max_size().unwrap_or_default() as u32,
            in_service: ready,
            url: address.as_ref().map(|a| format!("http://{a}/")),
            dns_name: address,
        }))
    }

    /// UpdateNodegroupConfig: cluster-autoscaler moves the size again when pods wait or nodes
    /// idle.
    async fn set_desired(
        &self,
        ctx: &AwsContext,
        spec: &Spec,
        desired: u32,
    ) -> Result<(), AwsError> {
        let (cluster, group) = names(ctx, spec)
            .ok_or_else(|| AwsError::Invalid("the Spec has no node group".into()))?;
        ctx.eks
            .update_nodegroup_config()
            .cluster_name(cluster)
            .nodegroup_name(group)
            .scaling_config(
                NodegroupScalingConfig::builder()
                    .desired_size(desired as i32)
                    .build(),
            )
            .send()
            .await
            .map_err(|e| api_error("eks:UpdateNodegroupConfig", e))?;
        Ok(())
    }

    /// The node group's updates in the window: a size set by hand or by the sandbox's
    /// cluster-autoscaler (on AWS cluster-autoscaler sets its Auto Scaling group's, which the
    /// node group reflects without an update).
    async fn markers(
        &self,
        ctx: &AwsContext,
        spec: &Spec,
        from: i64,
        to: i64,
    ) -> Result<Vec<Marker>, AwsError> {
        let Some((cluster, group)) = names(ctx, spec) else {
            return Ok(Vec::new());
        };
        let updates = match ctx
            .eks
            .list_updates()
            .name(cluster)
            .nodegroup_name(group)
            .send()
            .await
        {
            Ok(out) => out.update_ids().to_vec(),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_not_found_exception()) =>
            {
                return Ok(Vec::new())
            }
            Err(e) => return Err(api_error("eks:ListUpdates", e)),
        };
        let mut changes = Vec::new();
        for id in updates {
            let out = ctx
                .eks
                .describe_update()
                .name(cluster)
                .nodegroup_name(group)
                .update_id(&id)
                .send()
                .await
                .map_err(|e| api_error("eks:DescribeUpdate", e))?;
            let Some(update) = out.update() else { continue };
            let Some(t) = update.created_at().map(|t| t.secs()) else {
                continue;
            };
            let desired = update
                .params()
                .iter()
                .find(|p| p.r#type().map(|t| t.as_str()) == Some("DesiredSize"))
                .and_then(|p| p.value()?.parse::<u32>().ok());
            let kind = update
                .r#type()
                .map(|k| k.as_str().to_string())
                .unwrap_or_default();
            changes.push((t, kind, desired));
        }
        changes.sort_by_key(|(t, _, _)| *t);
        // A size is a scale-out or a scale-in against the one before it.
        let mut before = None;
        let mut markers = Vec::new();
        for (t, kind, desired) in changes {
            let (label, marker) = match (desired, before) {
                (Some(d), Some(b)) if d > b => {
                    (format!("{group} → {d} nodes"), MarkerKind::ScaleOut)
                }
                (Some(d), Some(b)) if d < b => {
                    (format!("{group} → {d} nodes"), MarkerKind::ScaleIn)
                }
                (Some(d), _) => (format!("{group} → {d} nodes"), MarkerKind::Other),
                (None, _) if kind == "VersionUpdate" => {
                    (format!("{group}: version update"), MarkerKind::Refresh)
                }
                (None, _) => (format!("{group}: {kind}"), MarkerKind::Other),
            };
            before = desired.or(before);
            if (from..to).contains(&t) {
                markers.push(Marker {
                    t,
                    label: label.chars().take(40).collect(),
                    kind: marker,
                });
            }
        }
        Ok(markers)
    }

    /// The nodes, the demo's running pods, and their CPU, over one time axis.
    fn panels(&self, ctx: &AwsContext, spec: &Spec, _found: &[Found]) -> Vec<Panel> {
        let Some((cluster, _)) = names(ctx, spec) else {
            return Vec::new();
        };
        let app = eks(spec).map_or("", |e| e.demo.app.name());
        let metric =
            |id, label, unit, name, dimensions: Vec<(&'static str, String)>, stat| Metric {
                id,
                label,
                unit,
                namespace: NAMESPACE,
                name,
                dimensions: Some(dimensions),
                stat,
            };
        let cluster = ("ClusterName", cluster.to_string());
        let namespace = ("Namespace", DEMO_NAMESPACE.to_string());
        vec![
            Panel {
                title: "Nodes",
                series: vec![metric(
                    ids::NODES,
                    "Nodes",
                    Unit::Count,
                    "cluster_node_count",
                    vec![cluster.clone()],
                    "Average",
                )],
            },
            Panel {
                title: "Pods",
                series: vec![metric(
                    ids::PODS,
                    "Demo pods running",
                    Unit::Count,
                    "service_number_of_running_pods",
                    vec![
                        ("Service", app.to_string()),
                        namespace.clone(),
                        cluster.clone(),
                    ],
                    "Average",
                )],
            },
            Panel {
                title: "CPU",
                series: vec![metric(
                    ids::CPU,
                    "Demo pods' CPU (of their limit)",
                    Unit::Percent,
                    "pod_cpu_utilization_over_pod_limit",
                    vec![("PodName", app.to_string()), namespace, cluster],
                    "Average",
                )],
            },
        ]
    }
}

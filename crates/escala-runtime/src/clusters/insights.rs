//! Container Insights, for a cluster that has its addon (`amazon-cloudwatch-observability`): the
//! metrics its CloudWatch agent publishes in the `ContainerInsights` namespace, from what the
//! runtime's nodes and pods really do: the cluster's nodes, each Service's running pods, and each
//! workload's CPU against its pods' limits (the pods' `PodName` dimension is their workload's,
//! as the agent aggregates replicas).

use std::collections::BTreeMap;

use aws_sdk_cloudwatch::types::StandardUnit;
use escala_core::routes::kubernetes::OBSERVABILITY_ADDON;
use escala_kube::play::{LbService, PodView};

use super::nodes::Nodes;
use super::pods::PodRun;
use crate::metrics::{dims, key, Key};
use crate::world::KubeCluster;

const NAMESPACE: &str = "ContainerInsights";

/// The values of one period, or none when the cluster has no Container Insights.
pub fn values(
    cluster: &KubeCluster,
    nodes: &Nodes,
    pods: &[PodView],
    services: &[LbService],
    runs: &std::collections::HashMap<String, PodRun>,
) -> Vec<(Key, f64, StandardUnit)> {
    if !cluster.addons.iter().any(|a| a == OBSERVABILITY_ADDON) {
        return Vec::new();
    }
    let name = cluster.name.as_str();
    let metric =
        |metric: &str, pairs: &[(&str, &str)]| key(&cluster.place, NAMESPACE, metric, dims(pairs));
    let joined = nodes.joined().count() as f64;
    let mut out = vec![
        (
            metric("cluster_node_count", &[("ClusterName", name)]),
            joined,
            StandardUnit::Count,
        ),
        (
            metric("cluster_failed_node_count", &[("ClusterName", name)]),
            0.0,
            StandardUnit::Count,
        ),
    ];
    let running = |p: &&PodView| p.phase == "Running" && !p.deleting;
    for service in services {
        let count = pods
            .iter()
            .filter(running)
            .filter(|p| {
                p.namespace == service.namespace
                    && service
                        .selector
                        .iter()
                        .all(|(k, v)| p.labels.get(k) == Some(v))
            })
            .count();
        out.push((
            metric(
                "service_number_of_running_pods",
                &[
                    ("ClusterName", name),
                    ("Namespace", &service.namespace),
                    ("Service", &service.name),
                ],
            ),
            count as f64,
            StandardUnit::Count,
        ));
    }
    // Each workload's pods (their `app` label): the average of their CPU over their limits.
    let mut workloads: BTreeMap<(&str, &str), Vec<f64>> = BTreeMap::new();
    for pod in pods.iter().filter(running) {
        let (Some(app), Some(used)) = (
            pod.labels.get("app"),
            runs.get(&pod.uid).and_then(|r| r.millicores),
        ) else {
            continue;
        };
        if pod.cpu_limit_millis > 0 {
            workloads
                .entry((pod.namespace.as_str(), app.as_str()))
                .or_default()
                .push(used / pod.cpu_limit_millis as f64 * 100.0);
        }
    }
    for ((namespace, app), shares) in workloads {
        out.push((
            metric(
                "pod_cpu_utilization_over_pod_limit",
                &[
                    ("ClusterName", name),
                    ("Namespace", namespace),
                    ("PodName", app),
                ],
            ),
            shares.iter().sum::<f64>() / shares.len() as f64,
            StandardUnit::Percent,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::time::Instant;

    fn cluster(addons: &[&str]) -> KubeCluster {
        KubeCluster::sample(addons, vec![])
    }

    fn pod(uid: &str, phase: &str) -> PodView {
        PodView {
            namespace: "demo".into(),
            name: format!("chat-{uid}"),
            uid: uid.into(),
            labels: BTreeMap::from([("app".into(), "chat".into())]),
            node: Some("n1".into()),
            phase: phase.into(),
            ip: None,
            cpu_millis: 200,
            memory_mib: 64,
            cpu_limit_millis: 500,
            port: Some(3000),
            env: vec![],
            claims: vec![],
            tolerations: vec![],
            unschedulable: false,
            deleting: false,
        }
    }

    fn run(millicores: f64) -> PodRun {
        PodRun {
            process: None,
            started: Instant::now(),
            last: None,
            millicores: Some(millicores),
        }
    }

    #[test]
    fn the_agents_metrics_come_from_the_pods_and_only_with_its_addon() {
        let pods = [
            pod("a", "Running"),
            pod("b", "Running"),
            pod("c", "Pending"),
        ];
        let services = [LbService {
            namespace: "demo".into(),
            name: "chat".into(),
            selector: BTreeMap::from([("app".into(), "chat".into())]),
            client_affinity: true,
            published: None,
        }];
        let runs = HashMap::from([("a".to_string(), run(250.0)), ("b".to_string(), run(500.0))]);
        let nodes = Nodes::default();
        assert!(values(&cluster(&[]), &nodes, &pods, &services, &runs).is_empty());
        let out = values(
            &cluster(&[OBSERVABILITY_ADDON]),
            &nodes,
            &pods,
            &services,
            &runs,
        );
        let value = |name: &str| {
            out.iter()
                .find(|(k, _, _)| k.name == name)
                .map(|(_, v, _)| *v)
        };
        assert_eq!(value("cluster_node_count"), Some(0.0));
        assert_eq!(
            value("service_number_of_running_pods"),
            Some(2.0),
            "the Pending pod isn't running"
        );
        // 250m and 500m of a 500m limit: 50 % and 100 %.
        assert_eq!(value("pod_cpu_utilization_over_pod_limit"), Some(75.0));
        let pods_key = &out
            .iter()
            .find(|(k, _, _)| k.name == "service_number_of_running_pods")
            .unwrap()
            .0;
        assert_eq!(pods_key.namespace, "ContainerInsights");
        assert_eq!(
            pods_key.dimensions,
            dims(&[
                ("ClusterName", "seed-eks"),
                ("Namespace", "demo"),
                ("Service", "chat")
            ])
        );
    }
}

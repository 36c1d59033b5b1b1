//! The seed's HPA demo: the app's Deployment, a load-balanced Service in front of it, and the
//! HorizontalPodAutoscaler (autoscaling/v2) that keeps its pods' average CPU at the target.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::Service;
use serde_json::json;

use super::input::{typed, InCluster, DEMO_NAMESPACE};
use crate::object::Desired;

pub(super) fn objects(set: &InCluster) -> Vec<Desired> {
    let Some(image) = set.demo_image else {
        // The rules require an image for php-apache, and the chat's is Escala's: a set without
        // one is a caller's bug, and applying nothing for it is safer than a broken pod.
        return Vec::new();
    };
    vec![
        Desired::of(set.stack, deployment(set, image)),
        Desired::of(set.stack, service(set)),
        Desired::of(set.stack, autoscaler(set)),
    ]
}

fn deployment(set: &InCluster, image: &str) -> Deployment {
    let demo = set.demo;
    let name = demo.app.name();
    let labels = json!({"app": name});
    // Each pod alone (REDIS_URL=none for the chat): the HPA demo is about CPU, and the Service's
    // client affinity keeps a client on its pod.
    typed(json!({
        "metadata": {"name": name, "namespace": DEMO_NAMESPACE},
        "spec": {
            // No `replicas`: the HPA owns it, and an apply that set it would fight the HPA.
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "containers": [{
                        "name": name,
                        "image": image,
                        "ports": [{"containerPort": demo.app.port(), "name": "http"}],
                        "env": [{"name": "REDIS_URL", "value": "none"}],
                        "resources": {
                            "requests": {"cpu": format!("{}m", demo.cpu_millis)},
                            // The seed's 200m request with a 500m limit: 2.5 times.
                            "limits": {"cpu": format!("{}m", demo.cpu_millis * 5 / 2)},
                        },
                        "readinessProbe": {"tcpSocket": {"port": "http"}, "periodSeconds": 5},
                    }],
                },
            },
        },
    }))
}

fn service(set: &InCluster) -> Service {
    let name = set.demo.app.name();
    let tags: Vec<String> = set.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
    typed(json!({
        "metadata": {
            "name": name,
            "namespace": DEMO_NAMESPACE,
            "annotations": {
                // A Network Load Balancer rather than the cloud controller's default Classic one,
                // tagged with the stack's tags, so a teardown finds it even without the cluster.
                "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
                "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags": tags.join(","),
            },
        },
        "spec": {
            "type": "LoadBalancer",
            "selector": {"app": name},
            "sessionAffinity": "ClientIP",
            "ports": [{"name": "http", "port": 80, "targetPort": "http"}],
        },
    }))
}

fn autoscaler(set: &InCluster) -> HorizontalPodAutoscaler {
    let demo = set.demo;
    let name = demo.app.name();
    typed(json!({
        "metadata": {"name": name, "namespace": DEMO_NAMESPACE},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": demo.replicas.min,
            "maxReplicas": demo.replicas.max,
            "metrics": [{
                "type": "Resource",
                "resource": {
                    "name": "cpu",
                    "target": {"type": "Utilization", "averageUtilization": demo.target_cpu},
                },
            }],
        },
    }))
}

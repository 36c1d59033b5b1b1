//! EBS-backed storage: a gp3 StorageClass the EBS CSI driver provisions from, and the demo's
//! claim with the one pod that mounts it (a claim of a `WaitForFirstConsumer` class binds only
//! once a pod uses it; the volume is then made in that pod's zone).

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use k8s_openapi::api::storage::v1::StorageClass;
use serde_json::{json, Map, Value};

use super::input::{typed, InCluster, DEMO_NAMESPACE};
use crate::object::Desired;

const STORAGE_CLASS: &str = "escala-gp3";
pub const CLAIM: &str = "demo-data";
/// The EBS CSI driver's name.
const PROVISIONER: &str = "ebs.csi.aws.com";

pub(super) fn objects(set: &InCluster) -> Vec<Desired> {
    let mut objects = vec![Desired::of(set.stack, class(set))];
    let (Some(gib), Some(image)) = (set.storage.claim_gib, set.demo_image) else {
        return objects;
    };
    objects.push(Desired::of(set.stack, claim(gib)));
    objects.push(Desired::of(set.stack, consumer(image)));
    objects
}

fn class(set: &InCluster) -> StorageClass {
    let mut parameters = Map::new();
    parameters.insert("type".into(), "gp3".into());
    parameters.insert("iops".into(), set.storage.iops.to_string().into());
    parameters.insert(
        "throughput".into(),
        set.storage.throughput_mibps.to_string().into(),
    );
    parameters.insert("encrypted".into(), "true".into());
    // The driver's tagSpecification_N parameters tag each volume it makes.
    for (i, (key, value)) in set.tags.iter().enumerate() {
        parameters.insert(
            format!("tagSpecification_{}", i + 1),
            format!("{key}={value}").into(),
        );
    }
    typed(json!({
        "metadata": {"name": STORAGE_CLASS},
        "provisioner": PROVISIONER,
        "parameters": Value::Object(parameters),
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "WaitForFirstConsumer",
        "allowVolumeExpansion": true,
    }))
}

fn claim(gib: u32) -> PersistentVolumeClaim {
    typed(json!({
        "metadata": {"name": CLAIM, "namespace": DEMO_NAMESPACE},
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "storageClassName": STORAGE_CLASS,
            "resources": {"requests": {"storage": format!("{gib}Gi")}},
        },
    }))
}

/// One pod of the demo's image with the claim at /data: `Recreate`, since a ReadWriteOnce volume
/// can't be mounted by the old pod and the new one on different nodes at once.
fn consumer(image: &str) -> Deployment {
    let labels = json!({"app": CLAIM});
    typed(json!({
        "metadata": {"name": CLAIM, "namespace": DEMO_NAMESPACE},
        "spec": {
            "replicas": 1,
            "strategy": {"type": "Recreate"},
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "containers": [{
                        "name": "app",
                        "image": image,
                        "env": [{"name": "REDIS_URL", "value": "none"}],
                        "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}},
                        "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                    }],
                    "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": CLAIM}}],
                },
            },
        },
    }))
}

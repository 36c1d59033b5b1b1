//! Taking a stack out of its cluster without orphaning anything in the cloud. Before a cluster
//! is deleted, whatever in it owns a cloud resource must go first and be waited for: a Service of
//! type LoadBalancer owns a load balancer, and a claim owns its volume (reclaim policy Delete).
//! Their controllers' finalizers hold them until the cloud resource is gone, so waiting for the
//! objects to disappear is waiting for the cloud to be clean. A claim mounted by a running pod
//! is held by `kubernetes.io/pvc-protection` until that pod is gone, so those pods are deleted
//! too; their controllers' new pods stay unscheduled (a claim being deleted can't be scheduled),
//! and unscheduled pods don't hold a claim.

use std::time::Duration;

use futures::future::try_join_all;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{
    Namespace, PersistentVolume, PersistentVolumeClaim, Pod, Service, ServiceAccount,
};
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use k8s_openapi::api::storage::v1::StorageClass;
use kube::core::{ApiResource, DynamicObject};
use serde::Serialize;

use crate::cluster::Cluster;
use crate::error::KubeError;
use crate::labels;
use crate::object::ObjRef;

/// The types Escala puts in a cluster, in the order a teardown deletes them: what uses an object
/// before it (an HPA before its Deployment, a binding before its role, a namespace last).
pub fn managed_types() -> Vec<ApiResource> {
    vec![
        ApiResource::erase::<HorizontalPodAutoscaler>(&()),
        ApiResource::erase::<Service>(&()),
        ApiResource::erase::<Deployment>(&()),
        ApiResource::erase::<PersistentVolumeClaim>(&()),
        ApiResource::erase::<RoleBinding>(&()),
        ApiResource::erase::<ClusterRoleBinding>(&()),
        ApiResource::erase::<Role>(&()),
        ApiResource::erase::<ClusterRole>(&()),
        ApiResource::erase::<ServiceAccount>(&()),
        ApiResource::erase::<StorageClass>(&()),
        ApiResource::erase::<Namespace>(&()),
    ]
}

fn at(resource: &ApiResource, object: &DynamicObject) -> ObjRef {
    ObjRef {
        resource: resource.clone(),
        namespace: object.metadata.namespace.clone(),
        name: object.metadata.name.clone().unwrap_or_default(),
    }
}

/// Every object of `stack` in the cluster, found by its labels, in deletion order.
pub async fn managed(cluster: &Cluster, stack: &str) -> Result<Vec<ObjRef>, KubeError> {
    let selector = labels::selector(stack);
    let types = managed_types();
    let lists = try_join_all(types.iter().map(|t| cluster.list(t, &selector))).await?;
    Ok(types
        .iter()
        .zip(lists)
        .flat_map(|(t, objects)| objects.iter().map(|o| at(t, o)).collect::<Vec<_>>())
        .collect())
}

/// What a release took out of the cluster, each with the cloud resource it owned.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Released {
    /// Services of type LoadBalancer: each owned a load balancer.
    pub load_balancers: Vec<String>,
    /// Claims: each owned a volume.
    pub claims: Vec<String>,
    /// The volumes those claims had, gone with them.
    pub volumes: Vec<String>,
}

/// Every object in the cluster that owns a cloud resource, whoever made it: the Services of type
/// LoadBalancer and the claims.
pub async fn cloud_owners(cluster: &Cluster) -> Result<Vec<ObjRef>, KubeError> {
    let services = ApiResource::erase::<Service>(&());
    let claims = ApiResource::erase::<PersistentVolumeClaim>(&());
    let (all_services, all_claims) =
        futures::try_join!(cluster.list(&services, ""), cluster.list(&claims, ""))?;
    Ok(all_services
        .iter()
        .filter(|s| s.data["spec"]["type"] == "LoadBalancer")
        .map(|s| at(&services, s))
        .chain(all_claims.iter().map(|c| at(&claims, c)))
        .collect())
}

/// Deletes every object that owns a cloud resource (the cluster is about to go, and they would
/// orphan their load balancers and volumes), and returns once they and their volumes are gone.
pub async fn release_cloud(cluster: &Cluster, limit: Duration) -> Result<Released, KubeError> {
    let owners = cloud_owners(cluster).await?;
    let volumes = try_join_all(owners.iter().map(|o| remove(cluster, o, limit))).await?;
    let named = |kind: &str| {
        owners
            .iter()
            .filter(|o| o.resource.kind == kind)
            .map(ToString::to_string)
            .collect()
    };
    Ok(Released {
        load_balancers: named("Service"),
        claims: named("PersistentVolumeClaim"),
        volumes: volumes
            .into_iter()
            .flatten()
            .map(|v| v.to_string())
            .collect(),
    })
}

/// Deletes one object and returns once it is gone. A claim's volume, when its reclaim policy
/// deletes it, is waited for too, and returned; the scheduled pods that mount the claim are
/// deleted with it.
pub async fn remove(
    cluster: &Cluster,
    object: &ObjRef,
    limit: Duration,
) -> Result<Option<ObjRef>, KubeError> {
    let claim = object.resource == ApiResource::erase::<PersistentVolumeClaim>(&());
    let volume = if claim {
        deleted_volume(cluster, object).await?
    } else {
        None
    };
    cluster.delete(object).await?;
    if claim {
        let pods = ApiResource::erase::<Pod>(&());
        let mounting: Vec<ObjRef> = cluster
            .list(&pods, "")
            .await?
            .iter()
            .filter(|p| mounts(p, object))
            .map(|p| at(&pods, p))
            .collect();
        try_join_all(mounting.iter().map(|p| cluster.delete(p))).await?;
    }
    cluster.wait_gone(object, limit).await?;
    if let Some(volume) = &volume {
        cluster.wait_gone(volume, limit).await?;
    }
    Ok(volume)
}

/// The volume bound to `claim` that goes with it (reclaim policy Delete), if any.
async fn deleted_volume(cluster: &Cluster, claim: &ObjRef) -> Result<Option<ObjRef>, KubeError> {
    let Some(live) = cluster.get(claim).await? else {
        return Ok(None);
    };
    let Some(name) = live.data["spec"]["volumeName"]
        .as_str()
        .filter(|n| !n.is_empty())
    else {
        return Ok(None);
    };
    let volume = ObjRef {
        resource: ApiResource::erase::<PersistentVolume>(&()),
        namespace: None,
        name: name.to_string(),
    };
    Ok(cluster
        .get(&volume)
        .await?
        .filter(|pv| pv.data["spec"]["persistentVolumeReclaimPolicy"] == "Delete")
        .map(|_| volume))
}

/// A scheduled pod that mounts `claim`.
fn mounts(pod: &DynamicObject, claim: &ObjRef) -> bool {
    let spec = &pod.data["spec"];
    let scheduled = spec["nodeName"].as_str().is_some_and(|n| !n.is_empty());
    scheduled
        && pod.metadata.namespace == claim.namespace
        && spec["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|v| v["persistentVolumeClaim"]["claimName"] == claim.name.as_str())
}

/// Deletes the objects of `stack` in deletion order, each waited for before the next type
/// (an HPA gone before its Deployment, a namespace last, with whatever it still holds).
pub async fn delete_managed(
    cluster: &Cluster,
    stack: &str,
    limit: Duration,
) -> Result<Vec<String>, KubeError> {
    let found = managed(cluster, stack).await?;
    let mut deleted = Vec::new();
    for resource in managed_types() {
        let of_type: Vec<&ObjRef> = found.iter().filter(|o| o.resource == resource).collect();
        try_join_all(of_type.iter().map(|o| remove(cluster, o, limit))).await?;
        deleted.extend(of_type.iter().map(ToString::to_string));
    }
    Ok(deleted)
}

//! The EBS CSI driver's side of a claim, as its external provisioner does it: a claim of a
//! StorageClass the driver provisions gets a PersistentVolume, pre-bound to it, for the EBS
//! volume made in its pod's zone; a PersistentVolume the driver made is released with its claim
//! and then removed, once its volume is deleted.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim};
use k8s_openapi::api::storage::v1::StorageClass;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams};
use kube::Api;
use serde_json::json;

use super::api::{gone, FIELD_MANAGER};
use super::quantity::memory_mib;
use crate::{Cluster, KubeError};

/// The EBS CSI driver's name, which its StorageClasses and volumes carry.
pub const EBS_DRIVER: &str = "ebs.csi.aws.com";
/// Where the scheduler says which node a `WaitForFirstConsumer` claim's pod landed on.
const SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";

/// A claim that waits for a volume, with what its class asks of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimView {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub gib: u64,
    /// The class's parameters (`type`, `iops`, `throughput`, `encrypted`, `tagSpecification_N`).
    pub parameters: BTreeMap<String, String>,
    /// The node the scheduler chose for its pod, when it says.
    pub selected_node: Option<String>,
}

impl ClaimView {
    /// The volume's PersistentVolume, named as external-provisioner names it.
    pub fn volume_name(&self) -> String {
        format!("pvc-{}", self.uid)
    }
}

/// The unbound claims whose class the EBS driver provisions.
pub async fn waiting_claims(cluster: &Cluster) -> Result<Vec<ClaimView>, KubeError> {
    let classes: Api<StorageClass> = Api::all(cluster.client());
    let claims: Api<PersistentVolumeClaim> = Api::all(cluster.client());
    let params = ListParams::default();
    let classes = cluster
        .call("StorageClass list", || classes.list(&params))
        .await?;
    let claims = cluster
        .call("PersistentVolumeClaim list", || claims.list(&params))
        .await?;
    let ebs: BTreeMap<String, BTreeMap<String, String>> = classes
        .items
        .into_iter()
        .filter(|c| c.provisioner == EBS_DRIVER)
        .filter_map(|c| Some((c.metadata.name?, c.parameters.unwrap_or_default())))
        .collect();
    Ok(claims
        .items
        .into_iter()
        .filter_map(|c| {
            let spec = c.spec?;
            if spec.volume_name.as_deref().is_some_and(|v| !v.is_empty())
                || c.metadata.deletion_timestamp.is_some()
            {
                return None;
            }
            let parameters = ebs.get(spec.storage_class_name.as_deref()?)?.clone();
            let size = spec.resources?.requests?.get("storage")?.0.clone();
            Some(ClaimView {
                namespace: c.metadata.namespace?,
                name: c.metadata.name?,
                uid: c.metadata.uid?,
                gib: memory_mib(&size).map_or(1, |mib| mib.div_ceil(1024)),
                parameters,
                selected_node: c
                    .metadata
                    .annotations
                    .and_then(|a| a.get(SELECTED_NODE).cloned()),
            })
        })
        .collect())
}

/// Makes the claim's PersistentVolume for EBS volume `volume_id` in `zone`, pre-bound to it.
pub async fn provide(
    cluster: &Cluster,
    claim: &ClaimView,
    volume_id: &str,
    zone: &str,
) -> Result<(), KubeError> {
    let api: Api<PersistentVolume> = Api::all(cluster.client());
    let name = claim.volume_name();
    let body = json!({
        "apiVersion": "v1", "kind": "PersistentVolume",
        "metadata": {"name": name, "annotations": {"pv.kubernetes.io/provisioned-by": EBS_DRIVER}},
        "spec": {
            "capacity": {"storage": format!("{}Gi", claim.gib)},
            "accessModes": ["ReadWriteOnce"],
            "persistentVolumeReclaimPolicy": "Delete",
            "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "namespace": claim.namespace, "name": claim.name, "uid": claim.uid},
            "csi": {"driver": EBS_DRIVER, "volumeHandle": volume_id, "fsType": "ext4"},
            "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                {"key": "topology.kubernetes.io/zone", "operator": "In", "values": [zone]},
            ]}]}},
        },
    });
    let params = PatchParams::apply(FIELD_MANAGER).force();
    let patch = Patch::Apply(&body);
    cluster
        .call(&format!("PersistentVolume {name}"), || {
            api.patch(&name, &params, &patch)
        })
        .await?;
    Ok(())
}

/// The driver's volumes whose claim is gone (`Released`, reclaimed by deletion): (the
/// PersistentVolume's name, the EBS volume's id).
pub async fn released(cluster: &Cluster) -> Result<Vec<(String, String)>, KubeError> {
    let api: Api<PersistentVolume> = Api::all(cluster.client());
    let params = ListParams::default();
    let list = cluster
        .call("PersistentVolume list", || api.list(&params))
        .await?;
    Ok(list
        .items
        .into_iter()
        .filter_map(|pv| {
            let spec = pv.spec?;
            let csi = spec.csi.filter(|c| c.driver == EBS_DRIVER)?;
            let released = pv.status?.phase.as_deref() == Some("Released");
            let deletes = spec.persistent_volume_reclaim_policy.as_deref() == Some("Delete");
            (released && deletes).then_some((pv.metadata.name?, csi.volume_handle))
        })
        .collect())
}

/// Removes a released PersistentVolume once its volume is gone. Already gone is success.
pub async fn remove_volume(cluster: &Cluster, name: &str) -> Result<(), KubeError> {
    let api: Api<PersistentVolume> = Api::all(cluster.client());
    let params = DeleteParams::default();
    gone(
        cluster
            .call(&format!("PersistentVolume {name}"), || {
                api.delete(name, &params)
            })
            .await,
    )
}

//! What Escala runs inside a Kubernetes cluster, whichever provider made the cluster (EKS, kops):
//! cluster-autoscaler, the seed's HPA demo, and EBS-backed storage. Each object is applied by
//! server-side apply under the field manager `escala`, labelled for its stack so that it is found
//! again, stamped with the digest of what was applied so that a plan sees a no-op without sending
//! one, and deleted with what it owns. The cluster's provider hands this crate a [`Target`]; the
//! crate knows nothing of how the cluster was made.

mod cluster;
mod error;
pub mod labels;
mod object;
pub mod objects;
pub mod play;
pub mod status;
mod target;
pub mod teardown;

pub use cluster::{Cluster, Patience};
pub use error::KubeError;
/// The type of an object, as its API names it (re-exported: callers name types without kube-rs).
pub use kube::core::ApiResource;
pub use object::{Desired, Live, ObjRef};
pub use target::Target;

/// Where each object stands against what Escala would apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Create,
    Update,
    Unchanged,
}

/// What applying `desired` would do, from one read.
pub async fn plan(cluster: &Cluster, desired: &Desired) -> Result<Change, KubeError> {
    Ok(match cluster.find(&desired.at).await? {
        None => Change::Create,
        Some(live)
            if live.applied.as_deref() == Some(desired.digest.as_str()) && !live.deleting =>
        {
            Change::Unchanged
        }
        Some(_) => Change::Update,
    })
}

/// Applies every object that would change, in order; returns what each one did.
pub async fn apply_all(
    cluster: &Cluster,
    objects: &[Desired],
) -> Result<Vec<(String, Change)>, KubeError> {
    let mut done = Vec::with_capacity(objects.len());
    for desired in objects {
        let change = plan(cluster, desired).await?;
        if change != Change::Unchanged {
            cluster.apply(desired).await?;
        }
        done.push((desired.at.to_string(), change));
    }
    Ok(done)
}

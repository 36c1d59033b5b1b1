//! What the kinds that live inside an EKS cluster (node groups, addons, access entries, pod
//! identity associations) share: each is found in the stack's clusters by the stack's tag, and
//! named `cluster<separator>key`, so that a delete knows which cluster to ask.

use async_trait::async_trait;
use escala_core::kind::Kind;
use escala_core::task::{Found, TaskError};

use crate::context::AwsContext;

pub use super::cluster::ours;

/// How one kind's objects are listed in a cluster and told to be the stack's.
#[async_trait]
pub trait InCluster: Kind<AwsContext> {
    /// What sets the cluster apart from the key in a found object's id.
    const SEPARATOR: char;
    /// The keys of the cluster's objects of the kind.
    async fn keys(&self, ctx: &AwsContext, cluster: &str) -> Result<Vec<String>, TaskError>;
    /// The object's logical id, when its tags name the stack.
    async fn identify(
        &self,
        ctx: &AwsContext,
        cluster: &str,
        key: &str,
    ) -> Result<Option<String>, TaskError>;
}

/// Every object of the kind in the stack's clusters that is the stack's.
pub async fn discover<K: InCluster>(kind: &K, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
    let clusters = super::cluster::EksClusterKind.discover(ctx).await?;
    let mut found = Vec::new();
    for cluster in clusters {
        let cluster = cluster.physical_id;
        for key in kind.keys(ctx, &cluster).await? {
            if let Some(logical) = kind.identify(ctx, &cluster, &key).await? {
                found.push(Found::new(
                    kind.name(),
                    Some(logical),
                    format!("{cluster}{}{key}", K::SEPARATOR),
                ));
            }
        }
    }
    Ok(found)
}

/// A found object's cluster and key.
pub fn split<K: InCluster>(f: &Found) -> Result<(&str, &str), TaskError> {
    f.physical_id.split_once(K::SEPARATOR).ok_or_else(|| {
        TaskError::fatal(
            "BadId",
            format!(
                "'{}' is not cluster{}{}",
                f.physical_id,
                K::SEPARATOR,
                f.kind
            ),
        )
    })
}

/// A delete call's answer: `false` when the object was gone already, retried while EKS says it is
/// in use (an update still going, or what it holds still leaving).
pub fn deleted<T>(answer: Result<T, TaskError>) -> Result<bool, TaskError> {
    match answer {
        Ok(_) => Ok(true),
        Err(e) if e.code == "ResourceNotFoundException" => Ok(false),
        Err(e) if e.code == "ResourceInUseException" => {
            Err(TaskError::retryable(e.code, e.message))
        }
        Err(e) => Err(e),
    }
}

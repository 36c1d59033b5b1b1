//! EKS's updates: a version or configuration change on a cluster or a node group is an update
//! with its own id, `InProgress` until it is `Successful` (or `Failed`, `Cancelled`), and a
//! cluster takes one update at a time. Its waiters don't cover updates, so Escala polls
//! DescribeUpdate as AWS's guide does.

use std::time::Duration;

use aws_sdk_eks::types::{Update, UpdateStatus};
use escala_core::task::TaskError;

use crate::context::AwsContext;
use crate::sdk::SdkResultExt;

/// How long a control plane upgrade can take on AWS (its guide: up to an hour for large clusters),
/// and a node group's rolling update.
pub const UPDATE_WAIT: Duration = Duration::from_secs(90 * 60);
const POLL: Duration = Duration::from_secs(5);

/// What an update changes: the cluster itself, or one of its node groups or addons.
#[derive(Debug, Clone, Copy)]
pub enum Of<'a> {
    Cluster,
    NodeGroup(&'a str),
    Addon(&'a str),
}

/// Waits for `update` of `cluster` (or of its node group or addon) to end; a failed one is fatal
/// with EKS's own errors.
pub async fn wait(
    ctx: &AwsContext,
    cluster: &str,
    of: Of<'_>,
    update: &Update,
) -> Result<(), TaskError> {
    let (node_group, addon) = match of {
        Of::Cluster => (None, None),
        Of::NodeGroup(name) => (Some(name.to_string()), None),
        Of::Addon(name) => (None, Some(name.to_string())),
    };
    let id = update.id().unwrap_or_default();
    let started = tokio::time::Instant::now();
    let mut status = update.status().cloned();
    let mut errors = String::new();
    loop {
        match status {
            Some(UpdateStatus::Successful) => return Ok(()),
            Some(UpdateStatus::Failed) | Some(UpdateStatus::Cancelled) => {
                return Err(TaskError::fatal(
                    "UpdateFailed",
                    format!("EKS's update {id} of {cluster} did not succeed: {errors}"),
                ))
            }
            _ if started.elapsed() > UPDATE_WAIT => {
                return Err(TaskError::fatal(
                    "WaitTimeout",
                    format!(
                        "EKS's update {id} of {cluster} is still in progress after {}s",
                        UPDATE_WAIT.as_secs()
                    ),
                ))
            }
            _ => tokio::time::sleep(POLL).await,
        }
        let out = ctx
            .eks
            .describe_update()
            .name(cluster)
            .update_id(id)
            .set_nodegroup_name(node_group.clone())
            .set_addon_name(addon.clone())
            .send()
            .await
            .task()?;
        let current = out.update();
        status = current.and_then(|u| u.status()).cloned();
        errors = current
            .map(|u| {
                u.errors()
                    .iter()
                    .map(|e| e.error_message().unwrap_or_default().to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
    }
}

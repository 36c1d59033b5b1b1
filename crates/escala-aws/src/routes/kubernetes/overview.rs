//! A stack's cluster as EKS describes it, for the Stacks screen: its version, status and endpoint,
//! and each node group's status, bounds and types. What runs inside is the cluster API's to say
//! (`escala_kube::status`).

use serde::Serialize;

use super::in_cluster::InCluster;
use super::node_group::EksNodeGroupKind;
use super::{cluster, node_group};
use crate::context::AwsContext;
use crate::AwsError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ClusterOverview {
    pub name: String,
    pub version: Option<String>,
    /// CREATING, ACTIVE, UPDATING, DELETING or FAILED.
    pub status: Option<String>,
    pub endpoint: Option<String>,
    pub node_groups: Vec<NodeGroupOverview>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct NodeGroupOverview {
    pub name: String,
    pub status: Option<String>,
    pub min: Option<u32>,
    pub desired: Option<u32>,
    pub max: Option<u32>,
    pub instance_types: Vec<String>,
    /// ON_DEMAND or SPOT.
    pub capacity: Option<String>,
}

/// The cluster and its node groups; `None` when the cluster doesn't exist.
pub async fn describe(ctx: &AwsContext, name: &str) -> Result<Option<ClusterOverview>, AwsError> {
    let api = |e| AwsError::api("eks:DescribeCluster", e);
    let Some(c) = cluster::described(ctx, name).await.map_err(api)? else {
        return Ok(None);
    };
    let names = EksNodeGroupKind
        .keys(ctx, name)
        .await
        .map_err(|e| AwsError::api("eks:ListNodegroups", e))?;
    let mut node_groups = Vec::with_capacity(names.len());
    for group in names {
        let described = node_group::described(ctx, name, &group)
            .await
            .map_err(|e| AwsError::api("eks:DescribeNodegroup", e))?;
        let Some(g) = described else { continue };
        let scaling = g.scaling_config();
        let count = |n: Option<i32>| n.and_then(|n| u32::try_from(n).ok());
        node_groups.push(NodeGroupOverview {
            name: group,
            status: g.status().map(|s| s.as_str().to_string()),
            min: count(scaling.and_then(|s| s.min_size())),
            desired: count(scaling.and_then(|s| s.desired_size())),
            max: count(scaling.and_then(|s| s.max_size())),
            instance_types: g.instance_types().to_vec(),
            capacity: g.capacity_type().map(|c| c.as_str().to_string()),
        });
    }
    Ok(Some(ClusterOverview {
        name: name.to_string(),
        version: c.version().map(String::from),
        status: c.status().map(|s| s.as_str().to_string()),
        endpoint: c.endpoint().map(String::from),
        node_groups,
    }))
}

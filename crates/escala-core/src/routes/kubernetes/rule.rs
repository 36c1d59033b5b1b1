//! The `kubernetes` route's rules, as errors name them.

use serde::Serialize;

/// The route's rules. Stable: user interfaces key their help and highlighting on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum KubernetesRule {
    ClusterName,
    Version,
    Endpoint,
    ClusterZones,
    NodeGroups,
    NodeGroupName,
    InstanceTypes,
    Disk,
    NodeGroupSize,
    Labels,
    Taints,
    NodeSubnets,
    Addons,
    Access,
    ClusterAutoscaler,
    Demo,
    Storage,
}

//! EKS clusters and their managed node groups (the launcher's fix 20), with the API server the
//! sandbox runs for each when `ESCALA_KUBE_ASSETS` gives one.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use super::Place;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KubeCluster {
    #[serde(flatten)]
    pub place: Place,
    pub name: String,
    /// Its API server, once ready; `None` without assets (and `why` says so) or while it starts.
    pub api: Option<ClusterApi>,
    pub why: Option<String>,
    /// Its EKS addons' names.
    #[serde(default)]
    pub addons: Vec<String>,
    pub nodegroups: Vec<NodeGroup>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterApi {
    pub endpoint: String,
    pub ca: String,
    /// The runtime's own bearer token, in the control plane's private folder.
    pub token_file: PathBuf,
    /// The control plane's components that run (kube-scheduler and kube-controller-manager are
    /// there only when the assets hold them).
    pub components: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeGroup {
    pub name: String,
    pub status: String,
    pub min: u32,
    pub desired: u32,
    pub max: u32,
    pub capacity_type: String,
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<NodeGroupTaint>,
    pub zones: Vec<String>,
    pub node: NodeShape,
}

/// A taint as EKS's API spells it (`NO_SCHEDULE`, `NO_EXECUTE`, `PREFER_NO_SCHEDULE`).
#[derive(Debug, Clone, Deserialize)]
pub struct NodeGroupTaint {
    pub key: String,
    #[serde(default)]
    pub value: Option<String>,
    pub effect: String,
}

impl NodeGroupTaint {
    /// The effect as Kubernetes spells it.
    pub fn kube_effect(&self) -> String {
        self.effect
            .split('_')
            .map(|w| {
                let mut w = w.to_ascii_lowercase();
                if let Some(first) = w.get_mut(0..1) {
                    first.make_ascii_uppercase();
                }
                w
            })
            .collect()
    }
}

/// What one node of the group has, and what kubelet leaves to pods (the launcher works it out
/// from the instance type as EKS's AMI does).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeShape {
    pub instance_type: String,
    pub vcpus: u32,
    pub memory_mib: u64,
    pub max_pods: u32,
    pub allocatable_cpu_millis: u64,
    pub allocatable_memory_mib: u64,
}

#[cfg(test)]
impl KubeCluster {
    /// seed-eks in us-east-1, with these addons and node groups, for the runtime's tests.
    pub fn sample(addons: &[&str], nodegroups: Vec<NodeGroup>) -> Self {
        Self {
            place: Place {
                account: "123456789012".into(),
                region: "us-east-1".into(),
            },
            name: "seed-eks".into(),
            api: None,
            why: None,
            addons: addons.iter().map(|a| a.to_string()).collect(),
            nodegroups,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eks_taint_effects_read_as_kubernetes_spells_them() {
        let t = |effect: &str| NodeGroupTaint {
            key: "k".into(),
            value: None,
            effect: effect.into(),
        };
        assert_eq!(t("NO_SCHEDULE").kube_effect(), "NoSchedule");
        assert_eq!(t("NO_EXECUTE").kube_effect(), "NoExecute");
        assert_eq!(t("PREFER_NO_SCHEDULE").kube_effect(), "PreferNoSchedule");
    }
}

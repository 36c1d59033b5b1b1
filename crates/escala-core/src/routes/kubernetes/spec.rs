//! The `kubernetes` route's Spec section: a cluster from one provider, named by `provider:`.
//! Each provider's own fields are in its file (`eks.rs`); what runs inside the cluster is
//! shared (`in_cluster.rs`).

use serde::{Deserialize, Serialize};

pub use super::eks::*;
pub use super::in_cluster::*;

/// A Kubernetes cluster, as one provider makes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "provider", rename_all = "camelCase")]
pub enum KubernetesSpec {
    /// Amazon EKS: AWS runs the control plane ($0.10 an hour), managed node groups run the nodes.
    Eks(EksSpec),
}

impl KubernetesSpec {
    /// The provider's name, as `provider:` has it.
    pub fn provider(&self) -> &'static str {
        match self {
            KubernetesSpec::Eks(_) => "eks",
        }
    }
}

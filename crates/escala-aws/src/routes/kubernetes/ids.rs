//! The logical ids of the `kubernetes` route's objects on EKS.

pub const CLUSTER: &str = "eks-cluster";

/// A node group's logical id, from its name.
pub fn node_group(name: &str) -> String {
    format!("node-group-{name}")
}

//! The logical ids of the `kubernetes` route's objects on EKS.

pub const CLUSTER: &str = "eks-cluster";

/// A node group's logical id, from its name.
pub fn node_group(name: &str) -> String {
    format!("node-group-{name}")
}

/// An addon's logical id, from its name.
pub fn addon(name: &str) -> String {
    format!("addon-{name}")
}

/// An access entry's logical id, from its principal's ARN: what follows the account (`user/ana`),
/// with its slashes as dashes.
pub fn access_entry(principal: &str) -> String {
    let name = principal.rsplit(':').next().unwrap_or(principal);
    format!("access-{}", name.replace('/', "-"))
}

/// A pod identity association's logical id, from its service account.
pub fn pod_identity(service_account: &str) -> String {
    format!("pod-identity-{service_account}")
}

//! The labels that mark Escala's objects in a cluster, so that they are found again (and only
//! they are deleted) whoever else uses the cluster.

use std::collections::BTreeMap;

/// Kubernetes' recommended label for the tool that manages an object.
pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
pub const ESCALA: &str = "escala";
/// The stack an object belongs to: one cluster may hold several stacks' objects.
pub const STACK: &str = "escala.dev/stack";
/// The digest of what Escala last applied, so that a plan knows a re-apply would change nothing
/// without sending one.
pub const APPLIED: &str = "escala.dev/applied";
/// The field manager server-side apply records Escala's fields under.
pub const FIELD_MANAGER: &str = "escala";

/// The labels every object of `stack` carries.
pub fn of(stack: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (MANAGED_BY.to_string(), ESCALA.to_string()),
        (STACK.to_string(), stack.to_string()),
    ])
}

/// The label selector that finds the objects of `stack`.
pub fn selector(stack: &str) -> String {
    format!("{MANAGED_BY}={ESCALA},{STACK}={stack}")
}

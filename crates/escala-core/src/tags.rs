//! The ownership tags Escala puts on every resource. Tags are the source of truth: a re-run after a
//! crash finds what was created by them, and destroy deletes exactly what carries the stack's tag.

/// The stack a resource belongs to.
pub const STACK: &str = "escala:stack";
/// The resource's logical id inside its stack (stable across runs).
pub const ID: &str = "escala:id";
/// On instances: the launch template revision they were started from, so a plan can tell which
/// instances a rolling update still has to replace.
pub const TEMPLATE: &str = "escala:template";
/// AWS consoles show this one.
pub const NAME: &str = "Name";

/// The tags for one resource of one stack.
pub fn for_resource(stack: &str, logical_id: &str) -> Vec<(String, String)> {
    vec![
        (STACK.to_string(), stack.to_string()),
        (ID.to_string(), logical_id.to_string()),
        (NAME.to_string(), format!("{stack}-{logical_id}")),
    ]
}

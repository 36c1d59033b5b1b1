//! The logical ids of the `fargate` route's objects, and the names AWS knows them by.

pub const REPOSITORY: &str = "repository";
pub const LOG_GROUP: &str = "log-group";

/// The image's repository: ECR names are lower case, as stack names are.
pub fn repository_name(stack: &str) -> String {
    format!("{stack}-chat")
}

/// The tasks' log group, under ECS's conventional prefix.
pub fn log_group_name(stack: &str) -> String {
    format!("/ecs/{stack}-chat")
}

pub const EXECUTION_ROLE: &str = "execution-role";
pub const TASK_ROLE: &str = "task-role";

/// Escala's roles live under their own path, which the deploy user's grants are scoped to.
pub const ROLE_PATH: &str = "/escala/";

/// A role's name: at most 64 characters; a stack name has at most 24.
pub fn role_name(stack: &str, logical_id: &str) -> String {
    format!("{stack}-{logical_id}")
}

//! The logical ids of the `fargate` route's objects, and the names AWS knows them by.

pub const LOG_GROUP: &str = "log-group";

/// The tasks' log group, under ECS's conventional prefix.
pub fn log_group_name(stack: &str) -> String {
    format!("/ecs/{stack}-chat")
}

pub const SG_TASKS: &str = "sg-tasks";
pub const SG_REDIS: &str = "sg-redis";
pub const CACHE_SUBNET_GROUP: &str = "cache-subnet-group";
pub const REDIS: &str = "redis";
pub const CLUSTER: &str = "cluster";
pub const TASK_DEFINITION: &str = "task-definition";
pub const SERVICE: &str = "service";
pub const SCALABLE_TARGET: &str = "scalable-target";
pub const TARGET_POLICY: &str = "scaling-target";

/// A scheduled action's logical id, from its name.
pub fn schedule(name: &str) -> String {
    format!("schedule-{name}")
}

/// The Redis objects' ElastiCache ids (subnet group and replication group): lower case, at most
/// 40 characters; a stack name has at most 24.
pub fn redis_name(stack: &str) -> String {
    format!("{stack}-redis")
}

/// The cluster: one per stack.
pub fn cluster_name(stack: &str) -> String {
    stack.to_string()
}

/// The task definition's family, and the container's name in it.
pub fn family(stack: &str) -> String {
    format!("{stack}-chat")
}
pub const CONTAINER: &str = "chat";

/// The service, in the stack's own cluster.
pub const SERVICE_NAME: &str = "chat";

/// The service as Application Auto Scaling names it.
pub fn service_resource_id(stack: &str) -> String {
    format!("service/{}/{SERVICE_NAME}", cluster_name(stack))
}

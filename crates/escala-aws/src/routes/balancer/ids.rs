//! The logical ids of the balancer's objects, the same in every route that has one: tags and plans
//! name objects by them.

pub const SG_ALB: &str = "sg-alb";
pub const LOAD_BALANCER: &str = "alb";
pub const TARGET_GROUP: &str = "target-group";
pub const LISTENER: &str = "listener";

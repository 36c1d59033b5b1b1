//! The logical ids of the route's tasks, stable across runs: tags and plans name objects by them.
//! The balancer's are in `routes/balancer/ids.rs`.

pub const SG_INSTANCES: &str = "sg-instances";
pub const KEY_PAIR: &str = "key-pair";
pub const LAUNCH_TEMPLATE: &str = "launch-template";
pub const GROUP: &str = "asg";
pub const TARGET_POLICY: &str = "scaling-target";
pub const STEP_POLICY: &str = "scaling-step";
pub const WARM_POOL: &str = "warm-pool";

/// A scheduled action's logical id, from its name.
pub fn schedule(name: &str) -> String {
    format!("schedule-{name}")
}

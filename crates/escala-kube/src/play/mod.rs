//! What a cluster's nodes and its cloud's controllers do, for a sandbox that has an API server and
//! no machines (in KWOK's way): nodes registered with their instance's capacity and kept Ready by
//! their leases, pods bound and reported Running, the replicas an autoscaler chose set through the
//! scale subresource with the HPA's status, a Service's load balancer published, and a claim's EBS
//! volume provided. Whoever plays them (escala-runtime) decides what to do; these are the API
//! calls, under their own field manager so that Escala's applies and the sandbox's writes never
//! take each other's fields.

mod api;
mod nodes;
mod pods;
mod quantity;
mod scale;
mod services;
mod volumes;

pub use api::{matches, FIELD_MANAGER, PLAYED};
pub use nodes::{heartbeat, played_nodes, register, remove, NodeSpec, Taint};
pub use pods::{bind, finish, pods, started, unschedulable, PodView};
pub use quantity::{cpu_millis, memory_mib};
pub use scale::{
    autoscaler_flags, hpas, report, scale_of, set_replicas, HpaReport, HpaView, Scale,
};
pub use services::{load_balancers, publish, LbService};
pub use volumes::{provide, released, remove_volume, waiting_claims, ClaimView, EBS_DRIVER};

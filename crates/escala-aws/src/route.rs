//! What a route is on AWS: its kinds, what it looks up before planning, its tasks, the permissions
//! its deploy user needs beyond its kinds', and (for a route that scales something) its group's
//! size and dashboard. Routes register in `routes/mod.rs`; nothing else names one.

use std::sync::Arc;

use async_trait::async_trait;

use escala_core::kind::Kind;
use escala_core::network::ResolvedNetwork;
use escala_core::spec::Spec;
use escala_core::task::{Found, Task, TaskError};
use escala_core::validate::CheckedSpec;

use crate::account::AccountRole;
use crate::context::AwsContext;
use crate::iam::Grant;
use crate::metrics::Panel;
use crate::AwsError;

/// The tasks a route makes for the network the Spec resolved to, from what it looked up.
pub type Build = Box<dyn FnOnce(&ResolvedNetwork) -> Vec<Arc<dyn Task<AwsContext>>> + Send>;

#[async_trait]
pub trait Route: Send + Sync + std::fmt::Debug + 'static {
    /// `network`, `asg`: the deploy user's route names, and the Spec section's key for the routes
    /// that have one.
    fn name(&self) -> &'static str;
    /// What its deploy user may provision, for people.
    fn summary(&self) -> &'static str;
    /// Every kind of object the route makes.
    fn kinds(&self) -> &'static [&'static dyn Kind<AwsContext>];
    /// What the route calls beyond its kinds' own actions: lookups before planning, the dashboard's
    /// reads.
    fn permissions(&self) -> &'static [Grant];
    /// The services whose service-linked roles the route's objects need (`autoscaling.amazonaws.com`).
    /// AWS makes one the first time an account uses its service, which takes a permission a deploy
    /// user doesn't get: the admin who makes the deploy user makes them instead.
    fn service_linked_roles(&self) -> &'static [&'static str] {
        &[]
    }
    /// The roles the route's objects are handed, shared by its stacks: made by the admin with the
    /// deploy user (see [`crate::account`]).
    fn account_roles(&self) -> &'static [AccountRole] {
        &[]
    }
    /// Looks up what the route needs from the region (its image, its instance type: a missing one
    /// is a validation error at its field), at the same time as discovery and the zones.
    async fn prepare(&self, ctx: &AwsContext, spec: &CheckedSpec) -> Result<Build, AwsError>;
    /// What this target leaves out of the route's plan, and why (a plan's `notes`).
    fn notes(&self, _ctx: &AwsContext, _spec: &CheckedSpec) -> Vec<String> {
        Vec::new()
    }
    /// The group the route scales, when it has one.
    fn scaling(&self) -> Option<&'static dyn Scaling> {
        None
    }
}

/// A group's size right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupState {
    pub min: u32,
    pub desired: u32,
    pub max: u32,
    pub in_service: u32,
    /// The load balancer's public name, where the web app answers.
    pub dns_name: Option<String>,
    /// Where the web app answers from this machine: the DNS name on AWS; in the sandbox, the
    /// loopback address its runtime serves that load balancer on.
    pub url: Option<String>,
}

/// What load makes a route's workload work, which the dashboard sends to watch it scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Load {
    /// HTTP requests at the load balancer: each costs the web app CPU.
    Requests,
    /// Chat clients connected through the load balancer, sending messages between them: a chat's
    /// pages cost nothing; its messages do.
    Messages,
}

/// What a route that scales something offers: its size by hand, and its dashboard.
#[async_trait]
pub trait Scaling: Send + Sync + std::fmt::Debug + 'static {
    /// What load its workload serves.
    fn load(&self, _spec: &Spec) -> Load {
        Load::Requests
    }
    /// The size the Spec allows, as (min, max).
    fn bounds(&self, spec: &Spec) -> Option<(u32, u32)>;
    /// The group as it is now; `None` when it doesn't exist.
    async fn state(&self, ctx: &AwsContext, spec: &Spec) -> Result<Option<GroupState>, TaskError>;
    /// Sets the desired size now, within the bounds (checked by the caller).
    async fn set_desired(
        &self,
        ctx: &AwsContext,
        spec: &Spec,
        desired: u32,
    ) -> Result<(), AwsError>;
    /// The dashboard's panels, for the objects discovery found.
    fn panels(&self, ctx: &AwsContext, spec: &Spec, found: &[Found]) -> Vec<Panel>;
    /// Its scaling activities between `from` and `to` (Unix seconds), as the dashboard's markers.
    async fn markers(
        &self,
        ctx: &AwsContext,
        spec: &Spec,
        from: i64,
        to: i64,
    ) -> Result<Vec<escala_charts::Marker>, AwsError>;
}

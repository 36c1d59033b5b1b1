//! What a route's simulation is: a model made from its Spec section, run on a trace; and how a
//! route plugs into the simulator.

use escala_core::routes::RouteSpec;

use crate::delays::Delays;
use crate::outcome::Outcome;
use crate::setting::Setting;
use crate::trace::Trace;
use crate::SimError;

/// A route's model, ready to run on a trace.
pub trait Model: std::fmt::Debug {
    fn run(self: Box<Self>, trace: &Trace, every: u64) -> Outcome;
}

/// A route's model made from its Spec section, or why it can't be; `None` when the section is
/// another route's.
pub type Made = Option<Result<Box<dyn Model>, SimError>>;

/// A route the simulator runs: how its model is made from its Spec section (`None` when the
/// section is another route's), and how a sweep changes one of its settings.
#[derive(Debug, Clone, Copy)]
pub struct SimRoute {
    pub name: &'static str,
    pub make: fn(&RouteSpec, &Delays, &Trace) -> Made,
    pub set: fn(&mut RouteSpec, Setting, f64) -> Result<(), SimError>,
}

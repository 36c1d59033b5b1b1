//! The routes Escala provisions on AWS. Each is a folder of its own (its kinds, its tasks, what it
//! looks up, its permissions); this is where each registers, with one line. Discovery, deletion,
//! the deploy user's policy, the CLI's `--route` choices and the desktop's route list all come
//! from here.

pub mod asg;
pub mod balancer;
pub mod container;
pub mod fargate;
pub mod kubernetes;
pub mod network;

use std::sync::OnceLock;

use escala_core::inventory::Inventory;
use escala_core::spec::Spec;

use crate::context::AwsContext;
use crate::route::Route;

/// The network: every stack has one, whatever its route.
pub static BASE: &dyn Route = &network::Network;

/// The routes a Spec's `route:` section can name, on top of the network.
pub static ROUTES: &[&dyn Route] = &[&asg::Asg, &fargate::Fargate, &kubernetes::Kubernetes];

/// Every route, the network first.
pub fn all() -> impl Iterator<Item = &'static dyn Route> {
    std::iter::once(BASE).chain(ROUTES.iter().copied())
}

pub fn named(name: &str) -> Option<&'static dyn Route> {
    all().find(|r| r.name() == name)
}

/// The routes a Spec uses: the network, and its `route:` section's when it has one.
pub fn for_spec(spec: &Spec) -> Vec<&'static dyn Route> {
    let mut routes = vec![BASE];
    routes.extend(
        spec.route
            .as_ref()
            .and_then(|r| ROUTES.iter().copied().find(|x| x.name() == r.name())),
    );
    routes
}

/// The Spec's own route (not the network), when it has one.
pub fn of(spec: &Spec) -> Option<&'static dyn Route> {
    for_spec(spec).into_iter().nth(1)
}

/// Every kind of every route: discovery looks for all of them whatever a stack's Spec says, so a
/// stack is always seen, and torn down, whole.
pub fn inventory() -> &'static Inventory<AwsContext> {
    static INVENTORY: OnceLock<Inventory<AwsContext>> = OnceLock::new();
    INVENTORY.get_or_init(|| {
        let mut kinds = Vec::new();
        for route in all() {
            for kind in route.kinds() {
                // A kind two routes share (a security group) is registered once.
                if !kinds
                    .iter()
                    .any(|k: &&dyn escala_core::kind::Kind<AwsContext>| k.name() == kind.name())
                {
                    kinds.push(*kind);
                }
            }
        }
        Inventory::new(kinds).expect("the registered kinds' edges are checked by a unit test")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use escala_core::routes::RouteSpec;

    #[test]
    fn every_spec_route_has_its_aws_route_and_the_kinds_make_one_inventory() {
        let names: Vec<&str> = ROUTES.iter().map(|r| r.name()).collect();
        assert_eq!(
            names,
            RouteSpec::NAMES,
            "one AWS route per Spec route, in order"
        );
        assert!(named(BASE.name()).is_some());
        assert!(inventory().kinds().count() > 20);
    }
}

//! The routes a Spec can take, each a folder of its own: its Spec section, its validation rules
//! and its cost lines. The one registration line per route is in the `routes!` call below; it
//! makes the `route:` section's enum, the rule enum, and their dispatch, so nothing else in the
//! core names a route.

pub mod asg;
pub mod bounds;
pub mod fargate;
pub mod kubernetes;

use serde::{Deserialize, Serialize};

use crate::cost::CostEstimate;
use crate::error::{SpecRule, ValidationError};
use crate::network::ResolvedNetwork;

/// What a route's rules may know of the network under it before the region is known: how many
/// zones have a public and a private subnet (`None` while the subnets themselves are invalid),
/// and whether private subnets reach the internet through NAT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetworkShape {
    pub public_zones: Option<usize>,
    pub private_zones: Option<usize>,
    pub nat: bool,
}

/// What every route's Spec section does.
pub trait RouteSection {
    /// Every rule the section breaks, each error at its field (`route.<route>.…`).
    fn check(&self, network: &NetworkShape) -> Vec<ValidationError>;
    /// The section's monthly cost lines and notes, added to the network's.
    fn cost(&self, network: &ResolvedNetwork, region: &str, estimate: &mut CostEstimate);
}

/// A route's own section type, found in a Spec's `route:`.
pub trait Section: RouteSection + Sized {
    /// The key the section has under `route:`, and the route's name everywhere.
    const NAME: &'static str;
    fn of(route: &RouteSpec) -> Option<&Self>;
}

macro_rules! routes {
    ($($name:literal => $variant:ident($section:ty, $rule:ty)),* $(,)?) => {
        /// How the workload is scaled: one route's section, named by its one key
        /// (`route: {asg: {...}}`) in YAML and JSON alike.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub enum RouteSpec {
            $($variant($section)),*
        }

        impl RouteSpec {
            /// Every route's name, in registration order.
            pub const NAMES: &'static [&'static str] = &[$($name),*];

            pub fn name(&self) -> &'static str {
                match self {
                    $(Self::$variant(_) => $name),*
                }
            }

            pub fn section(&self) -> &dyn RouteSection {
                match self {
                    $(Self::$variant(s) => s),*
                }
            }
        }

        $(impl Section for $section {
            const NAME: &'static str = $name;
            fn of(route: &RouteSpec) -> Option<&Self> {
                if let RouteSpec::$variant(s) = route {
                    Some(s)
                } else {
                    None
                }
            }
        }

        impl From<$section> for RouteSpec {
            fn from(section: $section) -> Self {
                RouteSpec::$variant(section)
            }
        }

        impl From<$rule> for Rule {
            fn from(rule: $rule) -> Self {
                Rule::$variant(rule)
            }
        })*

        /// Which rule was broken: the Spec's own, or a route's. Stable: user interfaces key their
        /// help and highlighting on it, and it is the rule's bare name in JSON (`capacity`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[serde(untagged)]
        pub enum Rule {
            Spec(SpecRule),
            $($variant($rule)),*
        }
    };
}

routes! {
    "asg" => Asg(asg::AsgSpec, asg::AsgRule),
    "fargate" => Fargate(fargate::FargateSpec, fargate::FargateRule),
    "kubernetes" => Kubernetes(kubernetes::KubernetesSpec, kubernetes::KubernetesRule),
}

impl From<SpecRule> for Rule {
    fn from(rule: SpecRule) -> Self {
        Rule::Spec(rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_is_keyed_by_its_name() {
        let asg: RouteSpec =
            serde_saphyr::from_str("asg: {capacity: {min: 1, desired: 1, max: 2}}").unwrap();
        assert_eq!(asg.name(), "asg");
        assert_eq!(RouteSpec::NAMES, &["asg", "fargate", "kubernetes"]);
        let json = serde_json::to_value(&asg).unwrap();
        assert!(json.get(asg.name()).is_some(), "{json}");
        assert_eq!(
            serde_json::to_value(Rule::from(asg::AsgRule::Capacity)).unwrap(),
            "capacity"
        );
    }
}

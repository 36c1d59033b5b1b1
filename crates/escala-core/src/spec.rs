//! The Spec: what the user wants, as YAML (`apiVersion: escala/v1`, `kind: Stack`).
//!
//! CIDR blocks stay strings here on purpose: a typo must reach validation, which names the field and
//! says what to fix, instead of failing inside the YAML parser with a generic message.

use serde::{Deserialize, Serialize};

use crate::CoreError;

pub use crate::network::NatMode;
pub use crate::routes::RouteSpec;

pub const API_VERSION: &str = "escala/v1";
pub const KIND: &str = "Stack";

/// One stack: a network and, later, the route that autoscales the workload on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Spec {
    pub api_version: String,
    pub kind: String,
    /// Lower-case letters, digits and hyphens; it prefixes every resource name and tags everything.
    pub name: String,
    pub region: String,
    pub network: NetworkSpec,
    /// How the workload is scaled; without it a stack is a network only. In YAML and JSON alike
    /// the route is a one-key map (`asg: {...}`), serde's shape for an enum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<RouteSpec>,
}

/// The VPC and its subnets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NetworkSpec {
    pub vpc_cidr: String,
    /// A number of zones (the region's first ones) or the zones themselves.
    #[serde(default)]
    pub zones: Zones,
    /// One per zone, in zone order. Computed from the VPC block when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_subnets: Option<Vec<String>>,
    /// One per zone, in zone order. Computed from the VPC block when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_subnets: Option<Vec<String>>,
    #[serde(default)]
    pub nat: NatMode,
    /// DNS hostnames for instances (DNS resolution is always on). Can change in place.
    #[serde(default = "enabled", skip_serializing_if = "is_enabled")]
    pub dns_hostnames: bool,
}

fn enabled() -> bool {
    true
}

fn is_enabled(v: &bool) -> bool {
    *v
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Zones {
    Count(u32),
    Names(Vec<String>),
}

impl Default for Zones {
    fn default() -> Self {
        Zones::Count(2)
    }
}

impl Spec {
    /// Reads a Spec from YAML. Syntax and shape errors come back with their line and column.
    pub fn from_yaml(text: &str) -> Result<Spec, CoreError> {
        serde_saphyr::from_str(text).map_err(|e| CoreError::SpecSyntax(e.to_string()))
    }

    /// The YAML the CLI takes: the desktop app exports exactly this.
    pub fn to_yaml(&self) -> String {
        serde_saphyr::to_string(self).expect("a Spec always serializes")
    }

    /// The seed's shape for any number of zones: a /16, subnets computed from it, one NAT gateway.
    /// The desktop wizard starts from this.
    pub fn draft(name: &str, region: &str, zones: u32) -> Spec {
        Spec {
            api_version: API_VERSION.into(),
            kind: KIND.into(),
            name: name.into(),
            region: region.into(),
            network: NetworkSpec {
                vpc_cidr: "10.0.0.0/16".into(),
                zones: Zones::Count(zones),
                public_subnets: None,
                private_subnets: None,
                nat: NatMode::Single,
                dns_hostnames: true,
            },
            route: None,
        }
    }

    /// The seed walkthrough's network: 10.0.0.0/16, two zones, public 10.0.1.0/24 + 10.0.2.0/24,
    /// private 10.0.3.0/24 + 10.0.4.0/24 and one NAT gateway.
    pub fn seed_network(name: &str, region: &str) -> Spec {
        let mut spec = Spec::draft(name, region, 2);
        spec.network.public_subnets = Some(vec!["10.0.1.0/24".into(), "10.0.2.0/24".into()]);
        spec.network.private_subnets = Some(vec!["10.0.3.0/24".into(), "10.0.4.0/24".into()]);
        spec
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::asg::AsgSpec;
    use crate::routes::Section;

    #[test]
    fn yaml_round_trip_keeps_everything() {
        let spec = Spec::seed_network("demo", "us-east-1");
        let again = Spec::from_yaml(&spec.to_yaml()).unwrap();
        assert_eq!(spec, again);
    }

    #[test]
    fn minimal_yaml_gets_defaults() {
        let spec = Spec::from_yaml(
            "apiVersion: escala/v1\nkind: Stack\nname: web\nregion: eu-west-1\nnetwork:\n  vpcCidr: 10.1.0.0/16\n",
        )
        .unwrap();
        assert_eq!(spec.network.zones, Zones::Count(2));
        assert_eq!(spec.network.nat, NatMode::None);
        assert!(spec.network.dns_hostnames);
        assert!(spec.network.public_subnets.is_none());
    }

    #[test]
    fn zones_by_name_and_unknown_fields() {
        let spec = Spec::from_yaml(
            "apiVersion: escala/v1\nkind: Stack\nname: web\nregion: eu-west-1\nnetwork:\n  vpcCidr: 10.1.0.0/16\n  zones: [eu-west-1a, eu-west-1b]\n  nat: perZone\n",
        )
        .unwrap();
        assert_eq!(
            spec.network.zones,
            Zones::Names(vec!["eu-west-1a".into(), "eu-west-1b".into()])
        );
        assert_eq!(spec.network.nat, NatMode::PerZone);
        let err = Spec::from_yaml(
            "apiVersion: escala/v1\nkind: Stack\nname: web\nregion: eu-west-1\nnetwork:\n  vpcCidr: 10.1.0.0/16\n  natt: single\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("unknown field `natt`"), "{err}");
        assert!(err.to_string().contains("line 7 column 3"), "{err}");
    }

    #[test]
    fn the_seed_asg_example_round_trips_with_a_script_and_a_schedule() {
        let mut spec = Spec::from_yaml(include_str!("../../../examples/seed-asg.yaml")).unwrap();
        let Some(RouteSpec::Asg(asg)) = spec.route.as_mut() else {
            unreachable!("the example is the asg route's")
        };
        asg.user_data = Some("#!/bin/bash\nset -eu\necho \"$ID: 50% done\" > /tmp/x\n".into());
        assert_eq!(asg.scaling.scheduled[0].cron, "0 8 * * 1-5");
        assert_eq!(Spec::from_yaml(&spec.to_yaml()).unwrap(), spec);
    }

    #[test]
    fn a_wrong_value_is_reported_at_its_line_and_column() {
        let err = Spec::from_yaml(
            "apiVersion: escala/v1\nkind: Stack\nname: web\nregion: eu-west-1\nnetwork:\n  vpcCidr: 10.1.0.0/16\n  zones: 2\n  nat: sometimes\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("line 8 column 8"), "{err}");
        assert!(err.contains("unknown variant `sometimes`"), "{err}");
    }

    #[test]
    fn the_asg_route_reads_with_its_defaults_and_round_trips() {
        let yaml = "apiVersion: escala/v1\nkind: Stack\nname: web\nregion: eu-west-1\nnetwork:\n  vpcCidr: 10.1.0.0/16\nroute:\n  asg:\n    capacity: {min: 1, desired: 1, max: 2}\n";
        let spec = Spec::from_yaml(yaml).unwrap();
        let asg = spec.route.as_ref().and_then(AsgSpec::of).unwrap();
        assert_eq!(
            (asg.ami.as_str(), asg.instance_type.as_str()),
            ("latest", "t3.micro")
        );
        let tt = asg.scaling.target_tracking.unwrap();
        assert_eq!(tt.target, 70.0, "the seed scales out above 70% CPU");
        assert_eq!(Spec::from_yaml(&spec.to_yaml()).unwrap(), spec);
        let err = Spec::from_yaml(&yaml.replace("asg:", "gke:")).unwrap_err();
        assert!(err.to_string().contains("unknown variant `gke`"), "{err}");
    }
}

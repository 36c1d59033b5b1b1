//! Validation: every rule a Spec must meet before anything is touched, each with an error that names
//! the field and says what to fix. A Spec is validated once, where it enters: what comes out is a
//! [`CheckedSpec`] (every rule that needs no region facts), which the region's zones turn into a
//! [`ValidSpec`] with its network resolved. The rest of Escala takes those types, never a raw Spec.

mod network;

use crate::network::{ResolvedNetwork, SubnetPlan};
use crate::routes::NetworkShape;
use crate::spec::Spec;
use network::{Blocks, Validator};

pub use crate::error::{SpecRule, ValidationError, ValidationErrors};
pub use crate::network::RegionZones;
pub use crate::routes::Rule;

/// A Spec that meets every rule that needs no region facts: its header, its network's blocks,
/// NAT and its route's section. Only the zones are left to check against the region.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedSpec {
    spec: Spec,
    blocks: Blocks,
}

/// A Spec that meets every rule, with its network resolved against the region's zones.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidSpec {
    spec: Spec,
    network: ResolvedNetwork,
}

impl CheckedSpec {
    /// Checks every rule that needs no region facts, and reports every broken one.
    pub fn new(spec: Spec) -> Result<Self, ValidationErrors> {
        let (blocks, _) = run(&spec, None)?;
        Ok(Self { spec, blocks })
    }

    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    /// The zones against the region's: the only rules left.
    pub fn resolve(&self, region: &RegionZones) -> Result<ValidSpec, ValidationErrors> {
        let mut v = Validator::default();
        let zones = v.check_zones(&self.spec, Some(region));
        match zones {
            Some(zones) if v.errors.is_empty() => {
                Ok(ValidSpec::assemble(self.spec.clone(), &self.blocks, zones))
            }
            _ => Err(ValidationErrors(v.errors)),
        }
    }
}

impl ValidSpec {
    /// Checks every rule at once against the region (as the user types: one pass, every error).
    pub fn new(spec: Spec, region: &RegionZones) -> Result<Self, ValidationErrors> {
        let (blocks, zones) = run(&spec, Some(region))?;
        Ok(Self::assemble(spec, &blocks, zones))
    }

    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    pub fn network(&self) -> &ResolvedNetwork {
        &self.network
    }

    fn assemble(spec: Spec, blocks: &Blocks, zones: Vec<String>) -> Self {
        let place = |blocks: &[ipnet::Ipv4Net], public: bool| -> Vec<SubnetPlan> {
            blocks
                .iter()
                .zip(&zones)
                .map(|(cidr, zone)| SubnetPlan {
                    zone: zone.clone(),
                    cidr: *cidr,
                    public,
                })
                .collect()
        };
        let network = ResolvedNetwork {
            vpc_cidr: blocks.vpc,
            public: place(&blocks.public, true),
            private: place(&blocks.private, false),
            nat: spec.network.nat,
            dns_hostnames: spec.network.dns_hostnames,
            zones,
        };
        Self { spec, network }
    }
}

/// Every rule once: the header, the network (zones against the region when it is given, else
/// their shape only) and the route's section.
fn run(
    spec: &Spec,
    region: Option<&RegionZones>,
) -> Result<(Blocks, Vec<String>), ValidationErrors> {
    let mut v = Validator::default();
    v.check_header(spec);
    let vpc = v.check_vpc(spec);
    let zones = v.check_zones(spec, region);
    let blocks = match (vpc, &zones) {
        (Some(vpc), Some(zones)) => v.check_subnets(spec, vpc, zones.len()),
        _ => None,
    };
    v.check_nat(spec);
    if let Some(route) = &spec.route {
        let shape = NetworkShape {
            public_zones: blocks.as_ref().map(|b| b.public.len()),
            private_zones: blocks.as_ref().map(|b| b.private.len()),
            nat: spec.network.nat != crate::spec::NatMode::None,
        };
        v.errors.extend(route.section().check(&shape));
    }
    match (v.errors.is_empty(), blocks, zones) {
        (true, Some(blocks), Some(zones)) => Ok((blocks, zones)),
        _ => Err(ValidationErrors(v.errors)),
    }
}

#[cfg(test)]
mod tests;

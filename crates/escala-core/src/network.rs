//! The network after validation: every block parsed, every zone chosen, every subnet placed.

use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};

/// How private subnets reach the internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum NatMode {
    /// Private subnets have no outbound internet access (cheapest).
    #[default]
    None,
    /// One NAT gateway in the first zone, shared by every private subnet.
    Single,
    /// One NAT gateway per zone, so losing a zone doesn't cut the others off.
    PerZone,
}

/// The region's facts that validation needs: the names of its available zones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionZones {
    pub region: String,
    pub zones: Vec<String>,
}

/// A subnet with its zone, public or private.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubnetPlan {
    pub zone: String,
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub cidr: Ipv4Net,
    pub public: bool,
}

impl SubnetPlan {
    /// The subnet's logical id: `public-a` for the public subnet in zone `…-1a`.
    pub fn logical_id(&self) -> String {
        let tier = if self.public { "public" } else { "private" };
        format!("{tier}-{}", zone_suffix(&self.zone))
    }
}

/// The letter(s) that end a zone name: `a` for `us-east-1a`, `az1` for a local-zone style id.
pub fn zone_suffix(zone: &str) -> &str {
    let digits_end = zone
        .rfind(|c: char| c.is_ascii_digit())
        .map(|i| i + 1)
        .unwrap_or(0);
    if digits_end < zone.len() {
        &zone[digits_end..]
    } else {
        zone
    }
}

/// A validated network: what the cloud tasks are built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ResolvedNetwork {
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub vpc_cidr: Ipv4Net,
    pub zones: Vec<String>,
    pub public: Vec<SubnetPlan>,
    pub private: Vec<SubnetPlan>,
    pub nat: NatMode,
    pub dns_hostnames: bool,
}

impl ResolvedNetwork {
    /// The zones that get a NAT gateway: none, the first, or all that have a public subnet.
    pub fn nat_zones(&self) -> Vec<String> {
        match self.nat {
            NatMode::None => vec![],
            NatMode::Single => self.public.iter().take(1).map(|s| s.zone.clone()).collect(),
            NatMode::PerZone => self.public.iter().map(|s| s.zone.clone()).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_suffixes() {
        assert_eq!(zone_suffix("us-east-1a"), "a");
        assert_eq!(zone_suffix("us-west-2-lax-1b"), "b");
        assert_eq!(zone_suffix("eu-1"), "eu-1");
    }
}

//! The Spec's own rules, for its header and its network: each broken one reported with its field
//! and what to fix.

use ipnet::Ipv4Net;

use crate::cidr;
use crate::error::{SpecRule as Rule, ValidationError};
use crate::network::{NatMode, RegionZones};
use crate::spec::{Spec, Zones, API_VERSION, KIND};

/// The network's blocks once they are valid: the VPC's, and each tier's in zone order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Blocks {
    pub vpc: Ipv4Net,
    pub public: Vec<Ipv4Net>,
    pub private: Vec<Ipv4Net>,
}

#[derive(Default)]
pub(super) struct Validator {
    pub errors: Vec<ValidationError>,
}

impl Validator {
    fn fail(&mut self, rule: Rule, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(ValidationError {
            rule: rule.into(),
            field: field.into(),
            message: message.into(),
        });
    }

    pub fn check_header(&mut self, spec: &Spec) {
        if spec.api_version != API_VERSION {
            self.fail(
                Rule::ApiVersion,
                "apiVersion",
                format!("must be '{API_VERSION}', not '{}'", spec.api_version),
            );
        }
        if spec.kind != KIND {
            self.fail(
                Rule::Kind,
                "kind",
                format!("must be '{KIND}', not '{}'", spec.kind),
            );
        }
        if !valid_name(&spec.name) {
            self.fail(
                Rule::Name,
                "name",
                format!(
                    "'{}' is not a stack name: use 3 to 24 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen",
                    spec.name
                ),
            );
        }
        if !valid_region(&spec.region) {
            self.fail(
                Rule::Region,
                "region",
                format!("'{}' is not an AWS region name like eu-west-1", spec.region),
            );
        }
    }

    pub fn check_vpc(&mut self, spec: &Spec) -> Option<Ipv4Net> {
        match cidr::parse_block(&spec.network.vpc_cidr) {
            Ok(net) => Some(net),
            Err(msg) => {
                self.fail(Rule::VpcCidr, "network.vpcCidr", msg);
                None
            }
        }
    }

    /// The zones to use, in order. Without region facts, explicit names are checked for shape only
    /// and a count stands in as placeholder names so subnet checks can still run.
    pub fn check_zones(
        &mut self,
        spec: &Spec,
        region: Option<&RegionZones>,
    ) -> Option<Vec<String>> {
        const FIELD: &str = "network.zones";
        match &spec.network.zones {
            Zones::Count(n) => {
                let n = *n as usize;
                if n == 0 || n > 6 {
                    self.fail(Rule::ZoneCount, FIELD, format!("{n} zones: use 1 to 6"));
                    return None;
                }
                match region {
                    Some(r) if r.zones.len() < n => {
                        self.fail(
                            Rule::TooManyZones,
                            FIELD,
                            too_many(&spec.region, r.zones.len(), n),
                        );
                        None
                    }
                    Some(r) => Some(r.zones[..n].to_vec()),
                    None => Some(
                        (0..n)
                            .map(|i| format!("{}{}", spec.region, letter(i)))
                            .collect(),
                    ),
                }
            }
            Zones::Names(names) => {
                if names.is_empty() || names.len() > 6 {
                    self.fail(
                        Rule::ZoneCount,
                        FIELD,
                        format!("{} zones listed: list 1 to 6", names.len()),
                    );
                    return None;
                }
                let before = self.errors.len();
                for (i, zone) in names.iter().enumerate() {
                    let field = format!("{FIELD}[{i}]");
                    if names[..i].contains(zone) {
                        self.fail(
                            Rule::ZoneDuplicate,
                            field,
                            format!("'{zone}' is listed twice"),
                        );
                    } else if !zone.starts_with(&spec.region) || zone.len() <= spec.region.len() {
                        self.fail(
                            Rule::ZoneName,
                            field,
                            format!("'{zone}' is not a zone of region '{}'", spec.region),
                        );
                    } else if let Some(r) = region.filter(|r| !r.zones.contains(zone)) {
                        self.fail(
                            Rule::ZoneNotInRegion,
                            field,
                            format!(
                                "'{zone}' is not an available zone of '{}' (available: {})",
                                spec.region,
                                r.zones.join(", ")
                            ),
                        );
                    }
                }
                if let Some(r) = region.filter(|r| r.zones.len() < names.len()) {
                    self.fail(
                        Rule::TooManyZones,
                        FIELD,
                        too_many(&spec.region, r.zones.len(), names.len()),
                    );
                }
                (self.errors.len() == before).then(|| names.clone())
            }
        }
    }

    /// Each tier's blocks for `zones` zones: given, or computed from the VPC block.
    pub fn check_subnets(&mut self, spec: &Spec, vpc: Ipv4Net, zones: usize) -> Option<Blocks> {
        let defaults = cidr::default_subnets(&vpc, zones);
        if defaults.is_none()
            && (spec.network.public_subnets.is_none() || spec.network.private_subnets.is_none())
        {
            self.fail(
                Rule::VpcTooSmall,
                "network.vpcCidr",
                format!(
                    "{vpc} is too small for {} subnets across {} zones: use a larger block or list the subnets",
                    2 * zones,
                    zones
                ),
            );
            return None;
        }
        let before = self.errors.len();
        let public = self.tier(
            "network.publicSubnets",
            spec.network.public_subnets.as_deref(),
            defaults.as_ref().map(|d| &d.0),
            zones,
            &vpc,
        );
        let private = self.tier(
            "network.privateSubnets",
            spec.network.private_subnets.as_deref(),
            defaults.as_ref().map(|d| &d.1),
            zones,
            &vpc,
        );
        if public.is_empty() && private.is_empty() && self.errors.len() == before {
            self.fail(
                Rule::NoSubnets,
                "network",
                "the network has no subnets: list public or private subnets, or leave them out to get the defaults",
            );
        }
        // Overlaps across both tiers, reported once per pair with both fields named.
        let all: Vec<(String, &Ipv4Net)> = public
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("network.publicSubnets[{i}]"), s))
            .chain(
                private
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (format!("network.privateSubnets[{i}]"), s)),
            )
            .collect();
        for (i, (field, s)) in all.iter().enumerate() {
            if let Some((other, o)) = all[..i].iter().find(|(_, o)| cidr::overlaps(o, s)) {
                self.fail(
                    Rule::SubnetOverlap,
                    field.clone(),
                    format!("{s} overlaps {o} ({other})"),
                );
            }
        }
        (self.errors.len() == before).then_some(Blocks {
            vpc,
            public,
            private,
        })
    }

    fn tier(
        &mut self,
        field: &str,
        given: Option<&[String]>,
        default: Option<&Vec<Ipv4Net>>,
        zones: usize,
        vpc: &Ipv4Net,
    ) -> Vec<Ipv4Net> {
        let blocks: Vec<Ipv4Net> = match given {
            None => default.cloned().unwrap_or_default(),
            Some([]) => return vec![],
            Some(list) => {
                if list.len() != zones {
                    self.fail(
                        Rule::SubnetCount,
                        field,
                        format!(
                            "{} subnet(s) for {} zone(s): give one per zone, in zone order, or none",
                            list.len(),
                            zones
                        ),
                    );
                }
                list.iter()
                    .enumerate()
                    .filter_map(|(i, text)| {
                        let f = format!("{field}[{i}]");
                        match cidr::parse_block(text) {
                            Err(msg) => {
                                self.fail(Rule::SubnetCidr, f, msg);
                                None
                            }
                            Ok(net) if !vpc.contains(&net) => {
                                self.fail(
                                    Rule::SubnetOutsideVpc,
                                    f,
                                    format!("{net} is outside the VPC block {vpc}"),
                                );
                                None
                            }
                            Ok(net) => Some(net),
                        }
                    })
                    .collect()
            }
        };
        blocks.into_iter().take(zones).collect()
    }

    pub fn check_nat(&mut self, spec: &Spec) {
        if spec.network.nat == NatMode::None {
            return;
        }
        if matches!(spec.network.public_subnets.as_deref(), Some([])) {
            self.fail(
                Rule::NatWithoutPublicSubnets,
                "network.nat",
                "a NAT gateway lives in a public subnet, and the network has none: add public subnets or set nat: none",
            );
        }
        if matches!(spec.network.private_subnets.as_deref(), Some([])) {
            self.fail(
                Rule::NatWithoutPrivateSubnets,
                "network.nat",
                "a NAT gateway serves private subnets, and the network has none: add private subnets or set nat: none",
            );
        }
    }
}

fn too_many(region: &str, has: usize, asked: usize) -> String {
    format!("region '{region}' has {has} available zone(s); the spec asks for {asked}")
}

fn letter(i: usize) -> char {
    (b'a' + i as u8) as char
}

fn valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (3..=24).contains(&bytes.len())
        && bytes[0].is_ascii_lowercase()
        && bytes[bytes.len() - 1] != b'-'
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

/// `eu-west-1`, `us-gov-west-1`, `ap-southeast-4`: two letters, optional `-gov`, a word, a number.
fn valid_region(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    let (geo, rest) = match parts.as_slice() {
        [geo, "gov", rest @ ..] | [geo, rest @ ..] => (geo, rest),
        [] => return false,
    };
    matches!(rest, [word, num]
        if geo.len() == 2 && geo.bytes().all(|b| b.is_ascii_lowercase())
            && !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase())
            && !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()))
}

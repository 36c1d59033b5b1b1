//! The seed's network as tasks: VPC (DNS on), subnets per zone (public ones map public IPs),
//! internet gateway and its attachment, route tables with routes and associations, Elastic IPs and
//! NAT gateways, and a locked-down default security group.
//!
//! Each object and each untagged sub-object (an attribute, a route, an association) is its own task,
//! so nothing waits on more than it needs: a NAT gateway waits for its subnet to exist, not for the
//! subnet's public-IP attribute.

mod gateway;
mod nat;
mod route_table;
mod subnet;
mod vpc;

use std::sync::Arc;

use escala_core::network::{zone_suffix, ResolvedNetwork};
use escala_core::spec::NatMode;
use escala_core::task::Task;

use crate::context::AwsContext;

pub use gateway::{GatewayAttachment, InternetGateway};
pub(crate) use nat::live_or_deleting as nat_live_or_deleting;
pub use nat::{ElasticIp, NatGateway};
pub use route_table::{Association, Route, RouteTable, RouteTarget};
pub use subnet::{Subnet, SubnetPublicIp};
pub use vpc::{DefaultSecurityGroup, Vpc, VpcDns};

pub const VPC: &str = "vpc";
pub const IGW: &str = "igw";
pub const IGW_ATTACHMENT: &str = "igw-attachment";
pub const PUBLIC_RT: &str = "rt-public";

/// Every task of the network, in no particular order (the engine orders them).
pub fn tasks(net: &ResolvedNetwork) -> Vec<Arc<dyn Task<AwsContext>>> {
    let mut t: Vec<Arc<dyn Task<AwsContext>>> = vec![
        Arc::new(Vpc {
            cidr: net.vpc_cidr.to_string(),
        }),
        Arc::new(VpcDns {
            hostnames: net.dns_hostnames,
        }),
        Arc::new(DefaultSecurityGroup),
    ];
    for s in net.public.iter().chain(&net.private) {
        let id = format!("subnet-{}", s.logical_id());
        if s.public {
            t.push(Arc::new(SubnetPublicIp::new(&id)));
        }
        t.push(Arc::new(Subnet {
            id,
            cidr: s.cidr.to_string(),
            zone: s.zone.clone(),
        }));
    }
    if !net.public.is_empty() {
        t.push(Arc::new(InternetGateway));
        t.push(Arc::new(GatewayAttachment));
        t.push(Arc::new(RouteTable {
            id: PUBLIC_RT.into(),
        }));
        t.push(Arc::new(Route::default_via(
            PUBLIC_RT,
            RouteTarget::InternetGateway,
        )));
        for s in &net.public {
            t.push(Arc::new(Association::new(
                PUBLIC_RT,
                &format!("subnet-{}", s.logical_id()),
            )));
        }
    }
    let nat_zones = net.nat_zones();
    for zone in &nat_zones {
        let suffix = zone_suffix(zone);
        t.push(Arc::new(ElasticIp {
            id: format!("eip-nat-{suffix}"),
        }));
        t.push(Arc::new(NatGateway {
            id: format!("nat-{suffix}"),
            subnet: format!("subnet-public-{suffix}"),
            eip: format!("eip-nat-{suffix}"),
        }));
    }
    // Private subnets get their own route table(s), never the VPC's main one: with one NAT per zone
    // each zone routes through its own gateway; otherwise one table serves them all.
    let per_zone = net.nat == NatMode::PerZone;
    let mut tables: Vec<String> = Vec::new();
    for s in &net.private {
        let suffix = zone_suffix(&s.zone);
        let rt = if per_zone {
            format!("rt-private-{suffix}")
        } else {
            "rt-private".to_string()
        };
        if !tables.contains(&rt) {
            t.push(Arc::new(RouteTable { id: rt.clone() }));
            let nat = match net.nat {
                NatMode::None => None,
                NatMode::Single => nat_zones.first().map(|z| format!("nat-{}", zone_suffix(z))),
                NatMode::PerZone => Some(format!("nat-{suffix}")),
            };
            if let Some(nat) = nat {
                t.push(Arc::new(Route::default_via(
                    &rt,
                    RouteTarget::NatGateway(nat),
                )));
            }
            tables.push(rt.clone());
        }
        t.push(Arc::new(Association::new(
            &rt,
            &format!("subnet-{}", s.logical_id()),
        )));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use escala_core::spec::Spec;
    use escala_core::validate::{resolve, RegionZones};

    fn ids(spec: &Spec) -> Vec<String> {
        let region = RegionZones {
            region: "us-east-1".into(),
            zones: vec![
                "us-east-1a".into(),
                "us-east-1b".into(),
                "us-east-1c".into(),
            ],
        };
        let mut ids: Vec<String> = tasks(&resolve(spec, &region).unwrap())
            .iter()
            .map(|t| t.id().to_string())
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn the_seed_network_is_twenty_one_tasks() {
        let ids = ids(&Spec::seed_network("shop", "us-east-1"));
        assert_eq!(ids.len(), 21, "{ids:?}");
        for id in [
            "vpc",
            "vpc-dns",
            "default-sg",
            "subnet-public-a",
            "subnet-public-a-public-ip",
            "subnet-private-b",
            "igw",
            "igw-attachment",
            "rt-public",
            "rt-public-default",
            "rt-public-assoc-subnet-public-b",
            "eip-nat-a",
            "nat-a",
            "rt-private",
            "rt-private-default",
            "rt-private-assoc-subnet-private-a",
        ] {
            assert!(ids.contains(&id.to_string()), "{id} missing from {ids:?}");
        }
    }

    #[test]
    fn per_zone_nat_gets_a_table_and_gateway_per_zone() {
        let mut spec = Spec::seed_network("shop", "us-east-1");
        spec.network.nat = NatMode::PerZone;
        let ids = ids(&spec);
        for id in [
            "nat-a",
            "nat-b",
            "rt-private-a-default",
            "rt-private-b-default",
        ] {
            assert!(ids.contains(&id.to_string()), "{id} missing from {ids:?}");
        }
    }

    #[test]
    fn a_private_only_network_has_no_gateway() {
        let mut spec = Spec::seed_network("shop", "us-east-1");
        spec.network.nat = NatMode::None;
        spec.network.public_subnets = Some(vec![]);
        let ids = ids(&spec);
        assert!(
            !ids.iter()
                .any(|i| i.starts_with("igw") || i.starts_with("nat") || i.ends_with("-default")),
            "{ids:?}"
        );
    }
}

//! The seed's network as tasks: VPC (DNS on), subnets per zone (public ones map public IPs),
//! internet gateway and its attachment, route tables with routes and associations, Elastic IPs and
//! NAT gateways, and a locked-down default security group.
//!
//! Each object and each untagged sub-object (an attribute, a route, an association) is its own task,
//! so nothing waits on more than it needs: a NAT gateway waits for its subnet to exist, not for the
//! subnet's public-IP attribute.

mod gateway;
pub mod ids;
mod nat;
mod route_table;
mod subnet;
mod vpc;

use std::sync::Arc;

use async_trait::async_trait;
use escala_core::kind::Kind;
use escala_core::network::{zone_suffix, ResolvedNetwork};
use escala_core::spec::NatMode;
use escala_core::task::Task;
use escala_core::validate::CheckedSpec;

use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::route::{Build, Route};
use crate::AwsError;
use ids::PUBLIC_RT;

pub use gateway::{GatewayAttachment, InternetGateway};
pub use nat::{ElasticIp, NatGateway};
pub use route_table::{Association, Route as DefaultRoute, RouteTable, RouteTarget};
pub use subnet::{Subnet, SubnetPublicIp};
pub use vpc::{DefaultSecurityGroup, Vpc, VpcDns};

/// The network every stack has: the base of every route.
#[derive(Debug)]
pub struct Network;

#[async_trait]
impl Route for Network {
    fn name(&self) -> &'static str {
        "network"
    }
    fn summary(&self) -> &'static str {
        "the network only: VPC, subnets, gateways, routes"
    }
    fn kinds(&self) -> &'static [&'static dyn Kind<AwsContext>] {
        &[
            &vpc::VpcKind,
            &vpc::VpcAttributeKind,
            &vpc::SecurityGroupRulesKind,
            &subnet::SubnetKind,
            &subnet::SubnetAttributeKind,
            &gateway::InternetGatewayKind,
            &gateway::GatewayAttachmentKind,
            &route_table::RouteTableKind,
            &route_table::RouteKind,
            &route_table::AssociationKind,
            &nat::ElasticIpKind,
            &nat::NatGatewayKind,
        ]
    }
    fn permissions(&self) -> &'static [Grant] {
        // The tag probe, the region's zones, the region list the wizard offers, who the keys
        // belong to, and the permission check before a change, on the user's own policies only.
        const GRANTS: &[Grant] = &[
            Grant::reads(&[
                "ec2:DescribeTags",
                "ec2:DescribeAvailabilityZones",
                "ec2:DescribeRegions",
                "sts:GetCallerIdentity",
            ]),
            Grant::new(
                &["iam:SimulatePrincipalPolicy"],
                &["arn:aws:iam::*:user/escala/${aws:username}"],
                Scope::Always,
            ),
        ];
        GRANTS
    }
    async fn prepare(&self, _: &AwsContext, _: &CheckedSpec) -> Result<Build, AwsError> {
        Ok(Box::new(tasks))
    }
}

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
        t.push(Arc::new(DefaultRoute::default_via(
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
                t.push(Arc::new(DefaultRoute::default_via(
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
    use escala_core::validate::{RegionZones, ValidSpec};

    fn ids(spec: &Spec) -> Vec<String> {
        let region = RegionZones {
            region: "us-east-1".into(),
            zones: vec![
                "us-east-1a".into(),
                "us-east-1b".into(),
                "us-east-1c".into(),
            ],
        };
        let valid = ValidSpec::new(spec.clone(), &region).unwrap();
        let mut ids: Vec<String> = tasks(valid.network())
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
    fn every_task_is_of_a_kind_the_network_registers() {
        let region = RegionZones {
            region: "us-east-1".into(),
            zones: vec!["us-east-1a".into(), "us-east-1b".into()],
        };
        let mut spec = Spec::seed_network("shop", "us-east-1");
        spec.network.nat = NatMode::PerZone;
        let valid = ValidSpec::new(spec, &region).unwrap();
        let registered: Vec<&str> = Network.kinds().iter().map(|k| k.name()).collect();
        for t in tasks(valid.network()) {
            assert!(
                registered.contains(&t.kind().name()),
                "{} is a {}, which the network doesn't register",
                t.id(),
                t.kind().name()
            );
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

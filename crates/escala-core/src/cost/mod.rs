//! The monthly cost of a stack, shown with the plan before anything is created. VPCs, subnets,
//! route tables and internet gateways are free; NAT gateways and public IPv4 addresses are not.
//! Each route adds its own lines (see `RouteSection::cost`) from the shared [`prices`].

mod estimate;
pub mod prices;

use crate::validate::ValidSpec;
use prices::{nat_hourly, HOURS_PER_MONTH, PUBLIC_IPV4_HOURLY};

pub use estimate::{round, CostEstimate, CostLine};

/// The part a NAT gateway's lines belong to: the wizard prices the NAT choice from it.
pub const NAT_GATEWAY: &str = "natGateway";

/// The cost of the network and, when there is one, the route on top of it.
pub fn estimate(valid: &ValidSpec) -> CostEstimate {
    let spec = valid.spec();
    let mut estimate = network_estimate(valid.network(), &spec.region);
    if let Some(route) = &spec.route {
        route
            .section()
            .cost(valid.network(), &spec.region, &mut estimate);
    }
    estimate.monthly_usd = round(
        estimate
            .lines
            .iter()
            .map(|l| l.monthly_usd_each * l.quantity as f64)
            .sum(),
    );
    estimate
}

fn network_estimate(network: &crate::network::ResolvedNetwork, region: &str) -> CostEstimate {
    let nats = network.nat_zones().len() as u32;
    let (hourly, listed) = nat_hourly(region);
    let mut lines = vec![];
    if nats > 0 {
        lines.push(CostLine::new(
            NAT_GATEWAY,
            "NAT gateway (hourly charge)",
            nats,
            hourly * HOURS_PER_MONTH,
        ));
        lines.push(CostLine::new(
            NAT_GATEWAY,
            "Elastic IP (public IPv4)",
            nats,
            PUBLIC_IPV4_HOURLY * HOURS_PER_MONTH,
        ));
    }
    let mut note = String::from("VPC, subnets, route tables and the internet gateway are free.");
    if nats > 0 {
        note.push_str(" NAT gateways also charge per GB they process (about $0.045/GB).");
    }
    if !listed {
        note.push_str(&format!(
            " No list price is known for {region}: the highest known NAT price is used."
        ));
    }
    CostEstimate {
        monthly_usd: 0.0,
        lines,
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{NatMode, Spec};
    use crate::validate::RegionZones;

    fn net(nat: NatMode, region: &str) -> ValidSpec {
        let mut spec = Spec::seed_network("shop", region);
        spec.network.nat = nat;
        let zones = RegionZones {
            region: region.into(),
            zones: vec![format!("{region}a"), format!("{region}b")],
        };
        ValidSpec::new(spec, &zones).unwrap()
    }

    #[test]
    fn nat_modes_are_priced() {
        assert_eq!(estimate(&net(NatMode::None, "us-east-1")).monthly_usd, 0.0);
        let single = estimate(&net(NatMode::Single, "us-east-1"));
        assert_eq!(single.monthly_usd, 32.85 + 3.65);
        assert_eq!(
            estimate(&net(NatMode::PerZone, "us-east-1")).monthly_usd,
            2.0 * (32.85 + 3.65)
        );
        assert!(estimate(&net(NatMode::Single, "xx-nowhere-1"))
            .note
            .contains("highest known"));
    }
}

//! The monthly cost of a network, shown with the plan before anything is created. VPCs, subnets,
//! route tables and internet gateways are free; NAT gateways and public IPv4 addresses are not.

use serde::Serialize;

use crate::network::ResolvedNetwork;

/// Hours AWS bills in an average month (730 = 8,760 / 12).
const HOURS_PER_MONTH: f64 = 730.0;
/// Every public IPv4 address, attached or not, since February 2024.
const PUBLIC_IPV4_HOURLY: f64 = 0.005;

/// NAT gateway hourly list prices (USD) of common regions; others use the highest listed here so
/// the estimate errs on the expensive side. Data processing ($0.045+/GB) depends on traffic and is
/// named in the note instead.
fn nat_hourly(region: &str) -> (f64, bool) {
    let known = match region {
        "us-east-1" | "us-east-2" | "us-west-2" => Some(0.045),
        "us-west-1" => Some(0.048),
        "ca-central-1" => Some(0.05),
        "eu-west-1" => Some(0.048),
        "eu-west-2" | "eu-west-3" | "eu-south-1" => Some(0.05),
        "eu-central-1" => Some(0.052),
        "eu-north-1" => Some(0.046),
        "ap-south-1" => Some(0.056),
        "ap-southeast-1" | "ap-southeast-2" => Some(0.059),
        "ap-northeast-1" => Some(0.062),
        "ap-northeast-2" => Some(0.059),
        "sa-east-1" => Some(0.093),
        _ => None,
    };
    match known {
        Some(p) => (p, true),
        None => (0.093, false),
    }
}

/// One priced line.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CostLine {
    pub item: String,
    pub quantity: u32,
    // Prices are finite by construction; specta types f64 as `number | null` (for NaN), u32 as `number`.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub monthly_usd_each: f64,
}

/// The estimate: fixed monthly costs, and what they leave out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CostEstimate {
    // Prices are finite by construction; specta types f64 as `number | null` (for NaN), u32 as `number`.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub monthly_usd: f64,
    pub lines: Vec<CostLine>,
    pub note: String,
}

pub fn estimate(network: &ResolvedNetwork, region: &str) -> CostEstimate {
    let nats = network.nat_zones().len() as u32;
    let (hourly, listed) = nat_hourly(region);
    let mut lines = vec![];
    if nats > 0 {
        lines.push(CostLine {
            item: "NAT gateway (hourly charge)".into(),
            quantity: nats,
            monthly_usd_each: round(hourly * HOURS_PER_MONTH),
        });
        lines.push(CostLine {
            item: "Elastic IP (public IPv4)".into(),
            quantity: nats,
            monthly_usd_each: round(PUBLIC_IPV4_HOURLY * HOURS_PER_MONTH),
        });
    }
    let monthly = lines
        .iter()
        .map(|l| l.monthly_usd_each * l.quantity as f64)
        .sum();
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
        monthly_usd: round(monthly),
        lines,
        note,
    }
}

fn round(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{NatMode, Spec};
    use crate::validate::{resolve, RegionZones};

    fn net(nat: NatMode) -> ResolvedNetwork {
        let mut spec = Spec::seed_network("shop", "us-east-1");
        spec.network.nat = nat;
        resolve(
            &spec,
            &RegionZones {
                region: "us-east-1".into(),
                zones: vec!["us-east-1a".into(), "us-east-1b".into()],
            },
        )
        .unwrap()
    }

    #[test]
    fn nat_modes_are_priced() {
        assert_eq!(estimate(&net(NatMode::None), "us-east-1").monthly_usd, 0.0);
        let single = estimate(&net(NatMode::Single), "us-east-1");
        assert_eq!(single.monthly_usd, 32.85 + 3.65);
        assert_eq!(
            estimate(&net(NatMode::PerZone), "us-east-1").monthly_usd,
            2.0 * (32.85 + 3.65)
        );
        assert!(estimate(&net(NatMode::Single), "xx-nowhere-1")
            .note
            .contains("highest known"));
    }
}

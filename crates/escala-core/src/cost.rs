//! The monthly cost of a stack, shown with the plan before anything is created. VPCs, subnets,
//! route tables and internet gateways are free; NAT gateways, public IPv4 addresses, load balancers,
//! instances and their volumes are not. List prices, on demand, Linux.

use serde::Serialize;

use crate::asg::{AsgSpec, Tier};
use crate::network::ResolvedNetwork;
use crate::spec::RouteSpec;

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
    /// What the line pays for, so a screen can pick lines without reading their English names.
    pub part: CostPart,
    pub item: String,
    pub quantity: u32,
    // Prices are finite by construction; specta types f64 as `number | null` (for NaN), u32 as `number`.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub monthly_usd_each: f64,
}

/// The part of the stack a cost line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum CostPart {
    /// A NAT gateway and the public address it holds.
    NatGateway,
    /// The load balancer and its public addresses.
    LoadBalancer,
    /// The instances at the desired size, with their volumes and addresses.
    Instances,
    /// Stopped instances kept ready.
    WarmPool,
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

/// Application Load Balancer hourly list prices (USD), with the same fallback as NAT gateways.
/// Its capacity units (LCUs, $0.008/h each in us-east-1) depend on traffic and are named in the note.
fn alb_hourly(region: &str) -> (f64, bool) {
    let known = match region {
        "us-east-1" | "us-east-2" | "us-west-2" => Some(0.0225),
        "us-west-1" | "ca-central-1" => Some(0.0252),
        "eu-west-1" | "eu-north-1" => Some(0.0252),
        "eu-west-2" | "eu-west-3" | "eu-central-1" | "eu-south-1" => Some(0.027),
        "ap-south-1" => Some(0.0239),
        "ap-southeast-1" | "ap-southeast-2" | "ap-northeast-1" | "ap-northeast-2" => Some(0.0252),
        "sa-east-1" => Some(0.034),
        _ => None,
    };
    match known {
        Some(p) => (p, true),
        None => (0.034, false),
    }
}

/// On-demand hourly list prices (USD, Linux, us-east-1) of the instance types a web tier commonly
/// uses. Other regions list most of them 0–30% higher, which the note says.
fn instance_hourly(instance_type: &str) -> Option<f64> {
    Some(match instance_type {
        "t2.micro" => 0.0116,
        "t2.small" => 0.023,
        "t3.nano" => 0.0052,
        "t3.micro" => 0.0104,
        "t3.small" => 0.0208,
        "t3.medium" => 0.0416,
        "t3.large" => 0.0832,
        "t3a.micro" => 0.0094,
        "t3a.small" => 0.0188,
        "t3a.medium" => 0.0376,
        "t4g.nano" => 0.0042,
        "t4g.micro" => 0.0084,
        "t4g.small" => 0.0168,
        "t4g.medium" => 0.0336,
        "t4g.large" => 0.0672,
        "m5.large" => 0.096,
        "m6i.large" => 0.096,
        "m7i.large" => 0.1008,
        "m6g.large" => 0.077,
        "m7g.large" => 0.0816,
        "c5.large" => 0.085,
        "c6i.large" => 0.085,
        "c7i.large" => 0.0893,
        "c6g.large" => 0.068,
        "c7g.large" => 0.0725,
        _ => return None,
    })
}

/// An instance's 8 GB gp3 root volume ($0.08 per GB-month in us-east-1).
const ROOT_VOLUME_MONTHLY: f64 = 8.0 * 0.08;

/// The cost of the network and, when there is one, the route on top of it.
pub fn estimate(
    network: &ResolvedNetwork,
    route: Option<&RouteSpec>,
    region: &str,
) -> CostEstimate {
    let mut estimate = network_estimate(network, region);
    if let Some(RouteSpec::Asg(asg)) = route {
        add_asg(&mut estimate, asg, network, region);
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

/// The group at its desired size, its load balancer, and what growing to its maximum would add.
fn add_asg(estimate: &mut CostEstimate, asg: &AsgSpec, network: &ResolvedNetwork, region: &str) {
    let line = |part: CostPart, item: String, quantity: u32, each: f64| CostLine {
        part,
        item,
        quantity,
        monthly_usd_each: round(each),
    };
    let (alb, alb_listed) = alb_hourly(region);
    estimate.lines.push(line(
        CostPart::LoadBalancer,
        "Application Load Balancer (hourly charge)".into(),
        1,
        alb * HOURS_PER_MONTH,
    ));
    // An internet-facing load balancer holds a public address in each of its zones.
    estimate.lines.push(line(
        CostPart::LoadBalancer,
        "Load balancer public IPv4 (one per zone)".into(),
        network.public.len() as u32,
        PUBLIC_IPV4_HOURLY * HOURS_PER_MONTH,
    ));
    let desired = asg.capacity.desired;
    let public = asg.subnets == Tier::Public;
    // What each instance costs a month, line by line: the same lines price the desired size here
    // and what growing to the maximum would add, in the note below.
    let per_instance: Option<Vec<(String, f64)>> =
        instance_hourly(&asg.instance_type).map(|hourly| {
            let mut each = vec![
                (
                    format!(
                        "{} instance, on demand (desired capacity)",
                        asg.instance_type
                    ),
                    hourly * HOURS_PER_MONTH,
                ),
                ("Root volume, 8 GB gp3".to_string(), ROOT_VOLUME_MONTHLY),
            ];
            if public {
                each.push((
                    "Instance public IPv4".to_string(),
                    PUBLIC_IPV4_HOURLY * HOURS_PER_MONTH,
                ));
            }
            each
        });
    match &per_instance {
        Some(each) => {
            for (item, monthly) in each {
                estimate
                    .lines
                    .push(line(CostPart::Instances, item.clone(), desired, *monthly));
            }
        }
        None => estimate.note.push_str(&format!(
            " No list price is known for {}: its instances are not included.",
            asg.instance_type
        )),
    }
    if let Some(pool) = asg.scaling.warm_pool {
        // Stopped instances pay for their volumes only.
        estimate.lines.push(line(
            CostPart::WarmPool,
            "Warm pool instance (stopped: its volume only)".into(),
            pool.min_size,
            ROOT_VOLUME_MONTHLY,
        ));
    }
    estimate.note.push_str(
        " The load balancer also charges per capacity unit used ($0.008/h each), which grows with traffic.",
    );
    if let Some(each) = per_instance.filter(|_| asg.capacity.max > desired) {
        let each: f64 = each.iter().map(|(_, monthly)| monthly).sum();
        estimate.note.push_str(&format!(
            " Scaled out to its maximum of {} instances, the group costs up to ${:.2} more a month.",
            asg.capacity.max,
            round(each * (asg.capacity.max - desired) as f64)
        ));
    }
    if !alb_listed || !matches!(region, "us-east-1" | "us-east-2" | "us-west-2") {
        estimate.note.push_str(&format!(
            " Instance prices are us-east-1's; {region} may list them up to 30% higher."
        ));
    }
}

fn network_estimate(network: &ResolvedNetwork, region: &str) -> CostEstimate {
    let nats = network.nat_zones().len() as u32;
    let (hourly, listed) = nat_hourly(region);
    let mut lines = vec![];
    if nats > 0 {
        lines.push(CostLine {
            part: CostPart::NatGateway,
            item: "NAT gateway (hourly charge)".into(),
            quantity: nats,
            monthly_usd_each: round(hourly * HOURS_PER_MONTH),
        });
        lines.push(CostLine {
            part: CostPart::NatGateway,
            item: "Elastic IP (public IPv4)".into(),
            quantity: nats,
            monthly_usd_each: round(PUBLIC_IPV4_HOURLY * HOURS_PER_MONTH),
        });
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
        assert_eq!(
            estimate(&net(NatMode::None), None, "us-east-1").monthly_usd,
            0.0
        );
        let single = estimate(&net(NatMode::Single), None, "us-east-1");
        assert_eq!(single.monthly_usd, 32.85 + 3.65);
        assert_eq!(
            estimate(&net(NatMode::PerZone), None, "us-east-1").monthly_usd,
            2.0 * (32.85 + 3.65)
        );
        assert!(estimate(&net(NatMode::Single), None, "xx-nowhere-1")
            .note
            .contains("highest known"));
    }

    fn asg(yaml: &str) -> RouteSpec {
        RouteSpec::Asg(serde_saphyr::from_str(yaml).unwrap())
    }

    #[test]
    fn the_asg_route_prices_its_load_balancer_and_instances_at_the_desired_size() {
        let route = asg("capacity: {min: 1, desired: 2, max: 4}\n");
        let e = estimate(&net(NatMode::None), Some(&route), "us-east-1");
        let each = |item: &str| {
            e.lines
                .iter()
                .find(|l| l.item.starts_with(item))
                .map(|l| (l.quantity, l.monthly_usd_each))
                .unwrap_or_else(|| panic!("no {item} in {:?}", e.lines))
        };
        assert_eq!(each("Application Load Balancer"), (1, 16.43));
        assert_eq!(each("Load balancer public IPv4"), (2, 3.65));
        assert_eq!(each("t3.micro instance"), (2, 7.59));
        assert_eq!(each("Root volume"), (2, 0.64));
        assert_eq!(each("Instance public IPv4"), (2, 3.65));
        assert_eq!(
            e.monthly_usd,
            round(16.43 + 2.0 * 3.65 + 2.0 * (7.59 + 0.64 + 3.65))
        );
        assert!(e.note.contains("maximum of 4 instances"), "{}", e.note);
        assert!(e.note.contains("$23.76 more"), "{}", e.note);
    }

    #[test]
    fn private_instances_have_no_address_and_an_unknown_type_is_named_not_guessed() {
        let private = asg(
            "subnets: private\ninstanceType: x9.mega\ncapacity: {min: 1, desired: 1, max: 2}\n",
        );
        let e = estimate(&net(NatMode::Single), Some(&private), "eu-west-1");
        assert!(
            e.lines.iter().all(|l| !l.item.contains("instance")),
            "{:?}",
            e.lines
        );
        assert!(
            e.note.contains("No list price is known for x9.mega"),
            "{}",
            e.note
        );
        let pooled = asg("scaling: {warmPool: {minSize: 3}}\nsubnets: private\ncapacity: {min: 1, desired: 1, max: 2}\n");
        let e = estimate(&net(NatMode::Single), Some(&pooled), "eu-west-1");
        assert!(e
            .lines
            .iter()
            .any(|l| l.item.starts_with("Warm pool") && l.quantity == 3));
        assert!(!e.lines.iter().any(|l| l.item == "Instance public IPv4"));
        assert!(e.note.contains("eu-west-1 may list them"), "{}", e.note);
    }
}

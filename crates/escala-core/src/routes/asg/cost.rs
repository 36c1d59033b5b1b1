//! What the `asg` route costs a month: its load balancer, its instances at the desired size with
//! their volumes and addresses, a warm pool's volumes, and (in the note) what the maximum adds.

use super::spec::{AsgSpec, Tier};
use crate::cost::prices::{
    alb_hourly, instance_hourly, HOURS_PER_MONTH, PUBLIC_IPV4_HOURLY, ROOT_VOLUME_MONTHLY,
};
use crate::cost::{round, CostEstimate, CostLine};
use crate::network::ResolvedNetwork;

/// The parts the route's lines belong to.
pub const LOAD_BALANCER: &str = "loadBalancer";
pub const INSTANCES: &str = "instances";
pub const WARM_POOL: &str = "warmPool";

/// The group at its desired size, its load balancer, and what growing to its maximum would add.
pub(super) fn add(
    asg: &AsgSpec,
    network: &ResolvedNetwork,
    region: &str,
    estimate: &mut CostEstimate,
) {
    let (alb, alb_listed) = alb_hourly(region);
    estimate.lines.push(CostLine::new(
        LOAD_BALANCER,
        "Application Load Balancer (hourly charge)",
        1,
        alb * HOURS_PER_MONTH,
    ));
    // An internet-facing load balancer holds a public address in each of its zones.
    estimate.lines.push(CostLine::new(
        LOAD_BALANCER,
        "Load balancer public IPv4 (one per zone)",
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
                    .push(CostLine::new(INSTANCES, item.clone(), desired, *monthly));
            }
        }
        None => estimate.note.push_str(&format!(
            " No list price is known for {}: its instances are not included.",
            asg.instance_type
        )),
    }
    if let Some(pool) = asg.scaling.warm_pool {
        // Stopped instances pay for their volumes only.
        estimate.lines.push(CostLine::new(
            WARM_POOL,
            "Warm pool instance (stopped: its volume only)",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::estimate;
    use crate::spec::{NatMode, Spec};
    use crate::validate::{RegionZones, ValidSpec};

    fn priced(yaml: &str, nat: NatMode, region: &str) -> CostEstimate {
        let mut spec = Spec::seed_network("shop", region);
        spec.network.nat = nat;
        spec.route = Some(serde_saphyr::from_str::<AsgSpec>(yaml).unwrap().into());
        let zones = RegionZones {
            region: region.into(),
            zones: vec![format!("{region}a"), format!("{region}b")],
        };
        estimate(&ValidSpec::new(spec, &zones).unwrap())
    }

    #[test]
    fn the_asg_route_prices_its_load_balancer_and_instances_at_the_desired_size() {
        let e = priced(
            "capacity: {min: 1, desired: 2, max: 4}\n",
            NatMode::None,
            "us-east-1",
        );
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
        let e = priced(
            "subnets: private\ninstanceType: x9.mega\ncapacity: {min: 1, desired: 1, max: 2}\n",
            NatMode::Single,
            "eu-west-1",
        );
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
        let e = priced(
            "scaling: {warmPool: {minSize: 3}}\nsubnets: private\ncapacity: {min: 1, desired: 1, max: 4}\n",
            NatMode::Single,
            "eu-west-1",
        );
        assert!(e
            .lines
            .iter()
            .any(|l| l.item.starts_with("Warm pool") && l.quantity == 3));
        assert!(!e.lines.iter().any(|l| l.item == "Instance public IPv4"));
        assert!(e.note.contains("eu-west-1 may list them"), "{}", e.note);
    }
}

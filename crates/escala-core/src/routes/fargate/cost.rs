//! What the `fargate` route costs a month: its tasks at the desired count (vCPU-hours and
//! GB-hours, with the Spot share at its discount), its load balancer, its Redis nodes, the image's
//! storage, and (in the note) what the maximum count and the logs add.

use super::spec::{Engine, FargateSpec, Placement, Platform};
use crate::cost::prices::{
    alb_hourly, cache_node_hourly, fargate_hourly, ECR_GB_MONTHLY, FARGATE_SPOT_DISCOUNT,
    HOURS_PER_MONTH, LOGS_INGESTED_GB, PUBLIC_IPV4_HOURLY, VALKEY_FACTOR,
};
use crate::cost::{round, CostEstimate, CostLine};
use crate::network::ResolvedNetwork;

/// The parts the route's lines belong to.
pub const TASKS: &str = "tasks";
pub const LOAD_BALANCER: &str = "loadBalancer";
pub const REDIS: &str = "redis";
pub const REGISTRY: &str = "registry";

/// The chat's image, compressed: the server binary and its web client (measured by the image
/// build; BENCHMARKS.md).
const IMAGE_GB: f64 = 0.02;

pub(super) fn add(
    f: &FargateSpec,
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
    estimate.lines.push(CostLine::new(
        LOAD_BALANCER,
        "Load balancer public IPv4 (one per zone)",
        network.public.len() as u32,
        PUBLIC_IPV4_HOURLY * HOURS_PER_MONTH,
    ));
    let (per_vcpu, per_gb) = fargate_hourly(f.platform == Platform::LinuxArm64);
    let vcpus = f64::from(f.cpu) / 1024.0;
    let gb = f64::from(f.memory) / 1024.0;
    let task = (vcpus * per_vcpu + gb * per_gb) * HOURS_PER_MONTH;
    let size = format!("{vcpus} vCPU, {gb} GB");
    let desired = f.tasks.desired;
    let spot = f.capacity_providers.spot_tasks(desired);
    estimate.lines.push(CostLine::new(
        TASKS,
        format!("Fargate task, {size} (FARGATE)"),
        desired - spot,
        task,
    ));
    if spot > 0 {
        estimate.lines.push(CostLine::new(
            TASKS,
            format!(
                "Fargate task, {size} (FARGATE_SPOT, about {:.0}% off)",
                FARGATE_SPOT_DISCOUNT * 100.0
            ),
            spot,
            task * (1.0 - FARGATE_SPOT_DISCOUNT),
        ));
    }
    if f.subnets == Placement::Public {
        estimate.lines.push(CostLine::new(
            TASKS,
            "Task public IPv4",
            desired,
            PUBLIC_IPV4_HOURLY * HOURS_PER_MONTH,
        ));
    }
    if let Some(nodes) = f.redis.nodes() {
        match cache_node_hourly(&nodes.node_type) {
            Some(hourly) => {
                let hourly = match nodes.engine {
                    Engine::Valkey => hourly * VALKEY_FACTOR,
                    Engine::Redis => hourly,
                };
                estimate.lines.push(CostLine::new(
                    REDIS,
                    format!(
                        "ElastiCache {} node, {} (primary and replicas)",
                        nodes.engine.name(),
                        nodes.node_type
                    ),
                    1 + nodes.replicas,
                    hourly * HOURS_PER_MONTH,
                ));
            }
            None => estimate.note.push_str(&format!(
                " No list price is known for {}: its Redis nodes are not included.",
                nodes.node_type
            )),
        }
    }
    estimate.lines.push(CostLine::new(
        REGISTRY,
        "ECR storage for the image",
        1,
        IMAGE_GB * ECR_GB_MONTHLY,
    ));
    estimate.note.push_str(&format!(
        " Logs cost ${LOGS_INGESTED_GB:.2} per GB ingested, and the load balancer $0.008/h per capacity unit: both grow with traffic."
    ));
    if spot > 0 {
        estimate.note.push_str(" Spot's price moves with AWS's spare capacity; its tasks can be stopped with two minutes' notice and are replaced.");
    }
    if f.tasks.max > desired {
        estimate.note.push_str(&format!(
            " Scaled out to its maximum of {} tasks, the service costs up to ${:.2} more a month.",
            f.tasks.max,
            round(task * f64::from(f.tasks.max - desired))
        ));
    }
    if !alb_listed || !matches!(region, "us-east-1" | "us-east-2" | "us-west-2") {
        estimate.note.push_str(&format!(
            " Fargate and ElastiCache prices are us-east-1's; {region} may list them up to 30% higher."
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::estimate;
    use crate::spec::{NatMode, Spec};
    use crate::validate::{RegionZones, ValidSpec};

    fn priced(yaml: &str, region: &str) -> CostEstimate {
        let mut spec = Spec::seed_network("chat", region);
        spec.network.nat = NatMode::Single;
        spec.route = Some(serde_saphyr::from_str::<FargateSpec>(yaml).unwrap().into());
        let zones = RegionZones {
            region: region.into(),
            zones: vec![format!("{region}a"), format!("{region}b")],
        };
        estimate(&ValidSpec::new(spec, &zones).unwrap())
    }

    fn each(e: &CostEstimate, item: &str) -> (u32, f64) {
        e.lines
            .iter()
            .find(|l| l.item.starts_with(item))
            .map(|l| (l.quantity, l.monthly_usd_each))
            .unwrap_or_else(|| panic!("no {item} in {:?}", e.lines))
    }

    #[test]
    fn tasks_are_priced_by_vcpu_and_gb_hours_with_the_spot_share_discounted() {
        let e = priced(
            "tasks: {min: 1, desired: 4, max: 10}\ncapacityProviders: {fargateBase: 1, fargateWeight: 1, spotWeight: 2}\n",
            "us-east-1",
        );
        // 0.25 vCPU × $0.04048 + 0.5 GB × $0.004445, for 730 h: $9.01 a task.
        assert_eq!(
            each(&e, "Fargate task, 0.25 vCPU, 0.5 GB (FARGATE)"),
            (2, 9.01)
        );
        // 3 tasks beyond the base, split 1:2: 2 on Spot at 70% off.
        assert_eq!(
            each(&e, "Fargate task, 0.25 vCPU, 0.5 GB (FARGATE_SPOT"),
            (2, 2.7)
        );
        // The default Redis: one Valkey cache.t4g.micro, 20% below Redis OSS's $0.016/h.
        assert_eq!(
            each(&e, "ElastiCache valkey node, cache.t4g.micro"),
            (1, 9.34)
        );
        assert_eq!(each(&e, "Application Load Balancer"), (1, 16.43));
        assert!(e.note.contains("maximum of 10 tasks"), "{}", e.note);
        assert!(e.note.contains("$54.06 more"), "{}", e.note);
        assert!(e.note.contains("two minutes' notice"), "{}", e.note);
    }

    #[test]
    fn graviton_public_tasks_and_no_redis_price_as_such() {
        let e = priced(
            "platform: linux/arm64\ncpu: 1024\nmemory: 2048\nsubnets: public\ntasks: {min: 1, desired: 1, max: 1}\nredis: none\n",
            "eu-west-1",
        );
        // 1 vCPU × $0.03238 + 2 GB × $0.00356, for 730 h.
        assert_eq!(each(&e, "Fargate task, 1 vCPU, 2 GB (FARGATE)"), (1, 28.84));
        assert_eq!(each(&e, "Task public IPv4"), (1, 3.65));
        assert!(!e.lines.iter().any(|l| l.part == REDIS), "{:?}", e.lines);
        assert!(!e.lines.iter().any(|l| l.item.contains("SPOT")));
        assert!(e.note.contains("eu-west-1 may list them"), "{}", e.note);
    }
}

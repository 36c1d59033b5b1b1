//! What the `kubernetes` route costs a month on EKS: the control plane (six times as much in
//! extended support), each node group's nodes at their desired count with their disks, and (in
//! the note) what scaling out to the maximum adds, and the demo claim's gp3 volume.

use super::spec::{EksSpec, KubernetesSpec, NodeCapacity, Storage};
use super::versions::{self, Support};
use crate::cost::prices::{
    instance_hourly, EBS_GP3_GB_MONTHLY, EBS_GP3_IOPS_MONTHLY, EBS_GP3_MIBPS_MONTHLY,
    EC2_SPOT_DISCOUNT, EKS_CLUSTER_HOURLY, EKS_EXTENDED_SUPPORT_HOURLY, HOURS_PER_MONTH,
};
use crate::cost::{round, CostEstimate, CostLine};

/// The parts the route's lines belong to.
pub const CONTROL_PLANE: &str = "controlPlane";
pub const NODES: &str = "nodes";
pub const STORAGE: &str = "storage";

pub(super) fn add(k: &KubernetesSpec, region: &str, estimate: &mut CostEstimate) {
    match k {
        KubernetesSpec::Eks(eks) => add_eks(eks, region, jiff::Zoned::now().date(), estimate),
    }
}

fn add_eks(eks: &EksSpec, region: &str, today: jiff::civil::Date, estimate: &mut CostEstimate) {
    let support = versions::parse_minor(&eks.version).and_then(|m| versions::support(m, today));
    if support == Some(Support::Extended) {
        estimate.lines.push(CostLine::new(
            CONTROL_PLANE,
            format!(
                "EKS control plane, {} in extended support (6× the standard price)",
                eks.version
            ),
            1,
            EKS_EXTENDED_SUPPORT_HOURLY * HOURS_PER_MONTH,
        ));
        estimate.note.push_str(&format!(
            " Kubernetes {} is past EKS's standard support: upgrading to a version in standard support brings the control plane back to ${:.2} a month.",
            eks.version,
            round(EKS_CLUSTER_HOURLY * HOURS_PER_MONTH)
        ));
    } else {
        estimate.lines.push(CostLine::new(
            CONTROL_PLANE,
            format!("EKS control plane, Kubernetes {}", eks.version),
            1,
            EKS_CLUSTER_HOURLY * HOURS_PER_MONTH,
        ));
    }
    let mut unpriced = Vec::new();
    let mut above_desired = 0.0;
    for group in &eks.node_groups {
        let first = group
            .instance_types
            .first()
            .map(String::as_str)
            .unwrap_or_default();
        let Some(hourly) = instance_hourly(first) else {
            unpriced.push(first.to_string());
            continue;
        };
        let (label, hourly) = match group.capacity {
            NodeCapacity::OnDemand => ("on demand", hourly),
            NodeCapacity::Spot => ("Spot", hourly * (1.0 - EC2_SPOT_DISCOUNT)),
        };
        let node = hourly * HOURS_PER_MONTH + f64::from(group.disk_gib) * EBS_GP3_GB_MONTHLY;
        estimate.lines.push(CostLine::new(
            NODES,
            format!(
                "Node group {}: {first} {label}, with a {} GiB gp3 disk",
                group.name, group.disk_gib
            ),
            group.size.desired,
            node,
        ));
        above_desired += node * f64::from(group.size.max - group.size.desired.min(group.size.max));
    }
    add_claim(&eks.storage, estimate);
    if !unpriced.is_empty() {
        estimate.note.push_str(&format!(
            " No list price is known for {}: those nodes are not included.",
            unpriced.join(", ")
        ));
    }
    if eks
        .node_groups
        .iter()
        .any(|g| g.capacity == NodeCapacity::Spot)
    {
        estimate.note.push_str(" Spot's price moves with AWS's spare capacity; a reclaimed node is drained and replaced.");
    }
    if above_desired > 0.0 {
        estimate.note.push_str(&format!(
            " Scaled out to every node group's maximum, the nodes cost up to ${:.2} more a month.",
            round(above_desired)
        ));
    }
    if region != "us-east-1" {
        estimate.note.push_str(&format!(
            " Instance prices are us-east-1's; {region} may list them up to 30% higher."
        ));
    }
}

/// The demo claim's volume, with the IOPS and throughput it provisions beyond gp3's baseline.
fn add_claim(storage: &Storage, estimate: &mut CostEstimate) {
    let Some(gib) = storage.claim_gib else {
        return;
    };
    let monthly = f64::from(gib) * EBS_GP3_GB_MONTHLY
        + f64::from(storage.iops.saturating_sub(3000)) * EBS_GP3_IOPS_MONTHLY
        + f64::from(storage.throughput_mibps.saturating_sub(125)) * EBS_GP3_MIBPS_MONTHLY;
    estimate.lines.push(CostLine::new(
        STORAGE,
        format!(
            "Demo volume: {gib} GiB gp3, {} IOPS, {} MiB/s",
            storage.iops, storage.throughput_mibps
        ),
        1,
        monthly,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn priced(yaml: &str, day: jiff::civil::Date) -> CostEstimate {
        let KubernetesSpec::Eks(eks) = serde_saphyr::from_str::<KubernetesSpec>(yaml).unwrap();
        let mut estimate = CostEstimate {
            monthly_usd: 0.0,
            lines: Vec::new(),
            note: String::new(),
        };
        add_eks(&eks, "us-east-1", day, &mut estimate);
        estimate
    }

    const SPEC: &str = "provider: eks\nversion: '1.34'\nnodeGroups:\n- {name: nodes, instanceTypes: [t3.medium], size: {min: 2, desired: 2, max: 4}}\n- {name: spot, instanceTypes: [m7g.large, m6g.large], capacity: spot, diskGib: 40, size: {min: 0, desired: 1, max: 3}}\n";

    #[test]
    fn the_control_plane_and_each_groups_nodes_are_priced() {
        let e = priced(SPEC, date(2026, 11, 1));
        let line = |item: &str| {
            e.lines
                .iter()
                .find(|l| l.item.starts_with(item))
                .map(|l| (l.quantity, l.monthly_usd_each))
                .unwrap_or_else(|| panic!("no {item} in {:?}", e.lines))
        };
        assert_eq!(line("EKS control plane, Kubernetes 1.34"), (1, 73.0));
        // $0.0416 × 730 h + 20 GiB × $0.08.
        assert_eq!(line("Node group nodes: t3.medium on demand"), (2, 31.97));
        // $0.0816 × 30% × 730 h + 40 GiB × $0.08.
        assert_eq!(line("Node group spot: m7g.large Spot"), (1, 21.07));
        // Two more of each: 2 × $31.968 + 2 × $21.0704.
        assert!(e.note.contains("up to $106.08 more"), "{}", e.note);
        assert!(e.note.contains("Spot's price moves"), "{}", e.note);
        // The seed's 10 GiB claim at gp3's baseline.
        assert_eq!(line("Demo volume: 10 GiB gp3"), (1, 0.8));
    }

    #[test]
    fn a_faster_claim_pays_for_what_it_provisions_beyond_the_baseline() {
        let spec = format!("{SPEC}storage: {{claimGib: 100, iops: 4000, throughputMibps: 250}}\n");
        let e = priced(&spec, date(2026, 11, 1));
        let claim = e
            .lines
            .iter()
            .find(|l| l.part == STORAGE)
            .expect("a claim line");
        // 100 × $0.08 + 1,000 × $0.005 + 125 × $0.04.
        assert_eq!(claim.monthly_usd_each, 18.0);
    }

    #[test]
    fn extended_support_costs_six_times_and_says_so() {
        let e = priced(SPEC, date(2026, 12, 4));
        let plane = &e.lines[0];
        assert!(plane.item.contains("extended support"), "{}", plane.item);
        assert_eq!(plane.monthly_usd_each, 438.0);
        assert!(e.note.contains("back to $73.00 a month"), "{}", e.note);
    }
}

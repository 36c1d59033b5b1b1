//! The node groups' nodes: as many as each group's desired size, each joining the cluster a node
//! start after it was asked for (its instance booting), registered with its instance's capacity
//! and kept Ready by its lease. A node the autoscaler chose to remove goes first when its group
//! shrinks; otherwise the newest goes, as a managed node group's scale-in picks.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use escala_core::scaling::cluster_autoscaler::NODE_START_SECONDS;
use escala_kube::play::{self, NodeSpec, Taint};
use escala_kube::{Cluster, KubeError};
use escala_sandbox::Speed;
use jiff::Timestamp;

use crate::world::KubeCluster;

/// How often each node renews its lease: kubelet's 10 s, in wall time, since the node lifecycle
/// controller watches leases on the wall clock.
const HEARTBEAT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct PlayedNode {
    pub spec: NodeSpec,
    pub group: String,
    /// When its instance has booted and it joins.
    pub joins_at: Instant,
    pub registered: bool,
}

#[derive(Debug, Default)]
pub struct Nodes {
    pub list: Vec<PlayedNode>,
    /// Nodes chosen for removal (the autoscaler's scale-down), which go first.
    doomed: HashSet<String>,
    /// Nodes to remove from the cluster on the next sync.
    leaving: Vec<String>,
    count: u32,
    beat: Option<Instant>,
    /// Whether the nodes an earlier runtime registered were looked for.
    adopted: bool,
}

impl Nodes {
    /// Adds and removes nodes to match each node group's desired size.
    pub fn plan(&mut self, cluster: &KubeCluster, speed: Speed) {
        let groups: HashSet<&str> = cluster.nodegroups.iter().map(|g| g.name.as_str()).collect();
        let (kept, gone): (Vec<_>, Vec<_>) = std::mem::take(&mut self.list)
            .into_iter()
            .partition(|n| groups.contains(n.group.as_str()));
        self.list = kept;
        self.leaving.extend(gone.into_iter().map(|n| n.spec.name));
        for group in &cluster.nodegroups {
            let mine: Vec<usize> = (0..self.list.len())
                .filter(|&i| self.list[i].group == group.name)
                .collect();
            let have = mine.len() as u32;
            for _ in have..group.desired {
                let n = self.count;
                self.count += 1;
                let zone = group
                    .zones
                    .get(n as usize % group.zones.len().max(1))
                    .cloned();
                self.list.push(PlayedNode {
                    spec: node_spec(cluster, group, n, zone),
                    group: group.name.clone(),
                    joins_at: Instant::now()
                        + speed.wall(Duration::from_secs(NODE_START_SECONDS.into())),
                    registered: false,
                });
            }
            if have > group.desired {
                let mut order = mine;
                // The doomed first, then the newest.
                order.sort_by_key(|&i| {
                    (
                        !self.doomed.contains(&self.list[i].spec.name),
                        std::cmp::Reverse(i),
                    )
                });
                let out: HashSet<String> = order
                    .into_iter()
                    .take((have - group.desired) as usize)
                    .map(|i| self.list[i].spec.name.clone())
                    .collect();
                self.list.retain(|n| !out.contains(&n.spec.name));
                self.doomed.retain(|d| !out.contains(d));
                self.leaving.extend(out);
            }
        }
    }

    /// Marks a node for removal when its group next shrinks.
    pub fn doom(&mut self, name: &str) {
        self.doomed.insert(name.to_string());
    }

    /// The nodes that have joined.
    pub fn joined(&self) -> impl Iterator<Item = &PlayedNode> {
        self.list.iter().filter(|n| n.registered)
    }

    /// Registers the nodes whose instances have booted, removes those that left, and renews
    /// leases when due.
    pub async fn sync(&mut self, kube: &Cluster, now: Timestamp) -> Result<(), KubeError> {
        if !self.adopted {
            // Nodes an earlier runtime registered have no instance now: they leave.
            let mine: HashSet<&str> = self.list.iter().map(|n| n.spec.name.as_str()).collect();
            let stale: Vec<String> = play::played_nodes(kube)
                .await?
                .into_iter()
                .filter(|n| !mine.contains(n.as_str()))
                .collect();
            self.leaving.extend(stale);
            self.adopted = true;
        }
        for name in std::mem::take(&mut self.leaving) {
            play::remove(kube, &name).await?;
        }
        for node in self
            .list
            .iter_mut()
            .filter(|n| !n.registered && Instant::now() >= n.joins_at)
        {
            play::register(kube, &node.spec, now).await?;
            node.registered = true;
        }
        if self.beat.is_none_or(|at| at.elapsed() >= HEARTBEAT) {
            for node in self.list.iter().filter(|n| n.registered) {
                play::heartbeat(kube, &node.spec.name, now).await?;
            }
            self.beat = Some(Instant::now());
        }
        Ok(())
    }
}

/// Node `n` of `group`: named and labelled as EKS names and labels a managed node group's nodes.
fn node_spec(
    cluster: &KubeCluster,
    group: &crate::world::NodeGroup,
    n: u32,
    zone: Option<String>,
) -> NodeSpec {
    let ip = format!("10.0.{}.{}", 16 + n / 250, 10 + n % 250);
    let shape = &group.node;
    let mut labels: BTreeMap<String, String> = group.labels.clone();
    labels.extend([
        (
            "eks.amazonaws.com/nodegroup".to_string(),
            group.name.clone(),
        ),
        (
            "eks.amazonaws.com/capacityType".into(),
            group.capacity_type.clone(),
        ),
        (
            "node.kubernetes.io/instance-type".into(),
            shape.instance_type.clone(),
        ),
        (
            "topology.kubernetes.io/region".into(),
            cluster.place.region.clone(),
        ),
        ("kubernetes.io/os".into(), "linux".into()),
    ]);
    if let Some(zone) = &zone {
        labels.insert("topology.kubernetes.io/zone".into(), zone.clone());
    }
    NodeSpec {
        name: format!("ip-{}.ec2.internal", ip.replace('.', "-")),
        labels,
        taints: group
            .taints
            .iter()
            .map(|t| Taint {
                key: t.key.clone(),
                value: t.value.clone().unwrap_or_default(),
                effect: t.kube_effect(),
            })
            .collect(),
        cpu_millis: u64::from(shape.vcpus) * 1000,
        memory_mib: shape.memory_mib,
        allocatable_cpu_millis: shape.allocatable_cpu_millis,
        allocatable_memory_mib: shape.allocatable_memory_mib,
        max_pods: shape.max_pods,
        internal_ip: ip,
        provider_id: format!(
            "aws:///{}/i-{:017x}",
            zone.unwrap_or_default(),
            0x5a4d_b0c5_0000_0000u64 + u64::from(n)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::{NodeGroup, NodeShape};

    fn cluster(desired: u32) -> KubeCluster {
        KubeCluster::sample(
            &[],
            vec![NodeGroup {
                name: "nodes".into(),
                status: "ACTIVE".into(),
                min: 1,
                desired,
                max: 4,
                capacity_type: "ON_DEMAND".into(),
                labels: BTreeMap::from([("role".into(), "web".into())]),
                taints: vec![],
                zones: vec!["us-east-1a".into(), "us-east-1b".into()],
                node: NodeShape {
                    instance_type: "t3.medium".into(),
                    vcpus: 2,
                    memory_mib: 4096,
                    max_pods: 17,
                    allocatable_cpu_millis: 1930,
                    allocatable_memory_mib: 3554,
                },
            }],
        )
    }

    fn names(nodes: &Nodes) -> Vec<&str> {
        nodes.list.iter().map(|n| n.spec.name.as_str()).collect()
    }

    #[test]
    fn nodes_follow_the_groups_desired_size_across_its_zones_and_the_doomed_go_first() {
        let mut nodes = Nodes::default();
        nodes.plan(&cluster(3), Speed::default());
        assert_eq!(
            names(&nodes),
            [
                "ip-10-0-16-10.ec2.internal",
                "ip-10-0-16-11.ec2.internal",
                "ip-10-0-16-12.ec2.internal"
            ]
        );
        let zones: Vec<&str> = nodes
            .list
            .iter()
            .map(|n| n.spec.labels["topology.kubernetes.io/zone"].as_str())
            .collect();
        assert_eq!(
            zones,
            ["us-east-1a", "us-east-1b", "us-east-1a"],
            "spread over the group's zones"
        );
        let first = &nodes.list[0].spec;
        assert_eq!(first.labels["eks.amazonaws.com/nodegroup"], "nodes");
        assert_eq!(
            first.labels["node.kubernetes.io/instance-type"],
            "t3.medium"
        );
        assert_eq!(first.labels["role"], "web");
        assert_eq!(
            (
                first.cpu_millis,
                first.allocatable_cpu_millis,
                first.max_pods
            ),
            (2000, 1930, 17)
        );
        assert!(
            nodes.list.iter().all(|n| !n.registered),
            "each joins a node start later"
        );

        nodes.doom("ip-10-0-16-10.ec2.internal");
        nodes.plan(&cluster(2), Speed::default());
        assert_eq!(
            names(&nodes),
            ["ip-10-0-16-11.ec2.internal", "ip-10-0-16-12.ec2.internal"]
        );
        nodes.plan(&cluster(1), Speed::default());
        assert_eq!(
            names(&nodes),
            ["ip-10-0-16-11.ec2.internal"],
            "then the newest"
        );
        assert_eq!(
            nodes.leaving,
            ["ip-10-0-16-10.ec2.internal", "ip-10-0-16-12.ec2.internal"]
        );

        let mut gone = cluster(1);
        gone.nodegroups.clear();
        nodes.plan(&gone, Speed::default());
        assert!(nodes.list.is_empty(), "a deleted group's nodes leave");
    }
}

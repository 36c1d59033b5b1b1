//! cluster-autoscaler, on the settings of the Deployment Escala applied for it: every scan, the
//! pods left Unschedulable that the nodes still booting won't hold make a node group grow
//! (binpacked, then the expander's pick, similar groups balanced), and otherwise an underused
//! node whose pods fit elsewhere goes once it has been so long enough: its pods are evicted, the
//! node leaves, and its group's desired size drops by one. Both decisions are
//! `escala_core::scaling::cluster_autoscaler`'s; the group's size is set through EKS's own
//! UpdateNodegroupConfig, as the managed node group's Auto Scaling group would be.

use std::time::{Duration, Instant};

use aws_sdk_eks::types::NodegroupScalingConfig;
use escala_core::cost::prices::instance_hourly;
use escala_core::routes::kubernetes::Expander;
use escala_core::scaling::cluster_autoscaler::{
    beyond_upcoming, scale_up, Node, NodeGroup, Resources, ScaleDown, Unneeded,
    SCAN_INTERVAL_SECONDS,
};
use escala_kube::play::{self, PodView};
use jiff::Timestamp;

use super::nodes::Nodes;
use super::round::Round;
use crate::emulator::Emulator;
use crate::world::KubeCluster;
use crate::RuntimeError;

#[derive(Debug, Default)]
pub struct Autoscaler {
    unneeded: Unneeded,
    last_up: Option<Timestamp>,
    next: Option<Instant>,
    draws: u64,
}

/// cluster-autoscaler's settings, from its flags.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    pub expander: Expander,
    pub balance: bool,
    pub scale_down: ScaleDown,
}

impl Settings {
    /// Reads the flags Escala's Deployment passes; each absent one has cluster-autoscaler's
    /// default.
    pub fn from_flags(flags: &[String]) -> Self {
        let value = |name: &str| {
            flags
                .iter()
                .find_map(|f| f.strip_prefix(&format!("--{name}=")).map(str::to_string))
        };
        let expander = value("expander")
            .and_then(|v| {
                [
                    Expander::Random,
                    Expander::MostPods,
                    Expander::LeastWaste,
                    Expander::Price,
                ]
                .into_iter()
                .find(|e| e.flag() == v)
            })
            .unwrap_or(Expander::Random);
        let minutes = value("scale-down-unneeded-time")
            .and_then(|v| v.strip_suffix('m').and_then(|m| m.parse().ok()))
            .unwrap_or(10);
        let percent = value("scale-down-utilization-threshold")
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(50, |t| (t * 100.0).round() as u32);
        Self {
            expander,
            balance: flags.iter().any(|f| {
                f == "--balance-similar-node-groups" || f == "--balance-similar-node-groups=true"
            }),
            scale_down: ScaleDown::new(percent, minutes),
        }
    }
}

impl Autoscaler {
    pub async fn round(
        &mut self,
        r: Round<'_>,
        cluster: &KubeCluster,
        nodes: &mut Nodes,
        pods: &[PodView],
    ) -> Result<(), RuntimeError> {
        let Round {
            kube,
            emulator,
            speed,
            now,
            ..
        } = r;
        if self.next.is_some_and(|next| Instant::now() < next) {
            return Ok(());
        }
        self.next =
            Some(Instant::now() + speed.wall(Duration::from_secs(SCAN_INTERVAL_SECONDS.into())));
        let Some(flags) = play::autoscaler_flags(kube)
            .await
            .map_err(RuntimeError::Kube)?
        else {
            return Ok(());
        };
        let settings = Settings::from_flags(&flags);
        let active: Vec<&crate::world::NodeGroup> = cluster
            .nodegroups
            .iter()
            .filter(|g| g.status == "ACTIVE")
            .collect();
        let groups: Vec<NodeGroup> = active
            .iter()
            .map(|g| NodeGroup {
                name: &g.name,
                min: g.min,
                desired: g.desired,
                max: g.max,
                node: Resources {
                    cpu_millis: g.node.allocatable_cpu_millis,
                    memory_mib: g.node.allocatable_memory_mib,
                },
                max_pods: g.node.max_pods,
                hourly_price: instance_hourly(&g.node.instance_type).unwrap_or(0.1),
            })
            .collect();
        let request = |p: &PodView| Resources {
            cpu_millis: p.cpu_millis,
            memory_mib: p.memory_mib,
        };
        let pending: Vec<Resources> = pods
            .iter()
            .filter(|p| p.unschedulable && p.node.is_none() && !p.deleting)
            .map(request)
            .collect();
        let upcoming: Vec<(Resources, u32)> = nodes
            .list
            .iter()
            .filter(|n| !n.registered)
            .map(|n| {
                let r = Resources {
                    cpu_millis: n.spec.allocatable_cpu_millis,
                    memory_mib: n.spec.allocatable_memory_mib,
                };
                (r, n.spec.max_pods)
            })
            .collect();
        let unplaced = beyond_upcoming(&pending, &upcoming);
        if !unplaced.is_empty() {
            self.draws += 1;
            for (i, desired) in scale_up(
                &unplaced,
                &groups,
                settings.expander,
                settings.balance,
                self.draws,
            ) {
                resize(emulator, cluster, groups[i].name, desired).await?;
                self.last_up = Some(now);
            }
            return Ok(());
        }
        if !pending.is_empty() {
            return Ok(());
        }
        let joined: Vec<Node> = nodes
            .joined()
            .map(|n| Node {
                name: &n.spec.name,
                group: &n.group,
                allocatable: Resources {
                    cpu_millis: n.spec.allocatable_cpu_millis,
                    memory_mib: n.spec.allocatable_memory_mib,
                },
                max_pods: n.spec.max_pods,
                pods: pods
                    .iter()
                    .filter(|p| !p.deleting && p.node.as_deref() == Some(n.spec.name.as_str()))
                    .map(request)
                    .collect(),
            })
            .collect();
        let gone: Vec<(String, String)> = self
            .unneeded
            .scale_down(now, &joined, &groups, settings.scale_down, self.last_up)
            .into_iter()
            .filter_map(|name| {
                joined
                    .iter()
                    .find(|n| n.name == name)
                    .map(|n| (name.to_string(), n.group.to_string()))
            })
            .collect();
        for (name, group) in gone {
            // Drained first: its pods are evicted and their controllers make them again elsewhere.
            for pod in pods
                .iter()
                .filter(|p| p.node.as_deref() == Some(name.as_str()))
            {
                play::finish(kube, pod).await.map_err(RuntimeError::Kube)?;
            }
            nodes.doom(&name);
            let desired = groups
                .iter()
                .find(|g| g.name == group)
                .map_or(0, |g| g.desired.saturating_sub(1));
            resize(emulator, cluster, &group, desired).await?;
        }
        Ok(())
    }
}

async fn resize(
    emulator: &Emulator,
    cluster: &KubeCluster,
    group: &str,
    desired: u32,
) -> Result<(), RuntimeError> {
    let clients = emulator.clients(&cluster.place).await?;
    let size = i32::try_from(desired).unwrap_or(i32::MAX);
    clients
        .eks
        .update_nodegroup_config()
        .cluster_name(&cluster.name)
        .nodegroup_name(group)
        .scaling_config(NodegroupScalingConfig::builder().desired_size(size).build())
        .send()
        .await
        .map_err(|e| {
            RuntimeError::Emulator(format!(
                "resizing node group {group}: {}",
                aws_sdk_eks::error::DisplayErrorContext(e)
            ))
        })?;
    tracing::info!(cluster = %cluster.name, group, desired, "cluster-autoscaler resized a node group");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_come_from_escalas_flags_with_cluster_autoscalers_defaults() {
        let flags: Vec<String> = [
            "./cluster-autoscaler",
            "--expander=least-waste",
            "--balance-similar-node-groups",
            "--scale-down-unneeded-time=5m",
            "--scale-down-utilization-threshold=0.65",
        ]
        .map(String::from)
        .into();
        let s = Settings::from_flags(&flags);
        assert_eq!(s.expander, Expander::LeastWaste);
        assert!(s.balance);
        assert_eq!(s.scale_down, ScaleDown::new(65, 5));
        let none = Settings::from_flags(&[]);
        assert_eq!(none.expander, Expander::Random);
        assert!(!none.balance);
        assert_eq!(none.scale_down, ScaleDown::new(50, 10));
    }
}

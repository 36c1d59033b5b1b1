//! The pods, as the scheduler (when the assets hold no kube-scheduler) and kubelet move them
//! along: each pending pod bound to the first joined node with room for its requests and
//! tolerating its taints, or marked Unschedulable (which cluster-autoscaler acts on); each pod
//! bound to a node started, the demo's as a local process of its workload and any other as
//! KWOK does (Running with nothing behind it); deleted pods confirmed gone once their process
//! ends.

use std::collections::HashMap;
use std::time::Instant;

use escala_kube::play::{self, PodView};
use escala_kube::KubeError;

use super::nodes::{Nodes, PlayedNode};
use super::round::Round;
use crate::instances::process::Process;
use crate::workload::Unit;

/// A started pod.
#[derive(Debug)]
pub struct PodRun {
    pub process: Option<Process>,
    pub started: Instant,
    /// The last reading of its process's CPU (when, busy µs), and the millicores since the one
    /// before: the metric the HPA reads.
    pub last: Option<(Instant, u64)>,
    pub millicores: Option<f64>,
}

/// One round over the pods; `schedule` when no kube-scheduler runs. Pod addresses come from
/// `ips`, as the VPC CNI gives pods addresses of their own.
pub async fn round(
    r: Round<'_>,
    pods: &[PodView],
    nodes: &Nodes,
    runs: &mut HashMap<String, PodRun>,
    schedule: bool,
    ips: &mut u32,
) -> Result<(), KubeError> {
    let Round {
        kube,
        workloads,
        pids,
        now,
        ..
    } = r;
    let joined: Vec<&PlayedNode> = nodes.joined().collect();
    let mut load: HashMap<&str, (u64, u64, u32)> = HashMap::new();
    for pod in pods.iter().filter(|p| !p.deleting) {
        if let Some(node) = &pod.node {
            let l = load.entry(node.as_str()).or_default();
            *l = (l.0 + pod.cpu_millis, l.1 + pod.memory_mib, l.2 + 1);
        }
    }
    for pod in pods {
        let on = pod
            .node
            .as_deref()
            .and_then(|n| joined.iter().find(|j| j.spec.name == n));
        if pod.deleting
            || (pod.node.is_some()
                && on.is_none()
                && !nodes
                    .list
                    .iter()
                    .any(|n| Some(n.spec.name.as_str()) == pod.node.as_deref()))
        {
            // Deleted, or on a node that left: kubelet (or the pod garbage collector) confirms.
            runs.remove(&pod.uid);
            play::finish(kube, pod).await?;
            continue;
        }
        match (on, pod.phase.as_str()) {
            (None, "Pending") if schedule && pod.node.is_none() => {
                let fits = |n: &&&PlayedNode| {
                    let (cpu, mem, count) =
                        load.get(n.spec.name.as_str()).copied().unwrap_or_default();
                    pod.tolerates(&n.spec.taints)
                        && cpu + pod.cpu_millis <= n.spec.allocatable_cpu_millis
                        && mem + pod.memory_mib <= n.spec.allocatable_memory_mib
                        && count < n.spec.max_pods
                };
                match joined.iter().find(fits) {
                    Some(node) => {
                        play::bind(kube, pod, &node.spec.name).await?;
                        let l = load.entry(node.spec.name.as_str()).or_default();
                        *l = (l.0 + pod.cpu_millis, l.1 + pod.memory_mib, l.2 + 1);
                    }
                    None if !pod.unschedulable => {
                        let message = format!(
                            "0/{} nodes are available: {} Insufficient cpu or memory, or too many pods.",
                            joined.len(),
                            joined.len()
                        );
                        play::unschedulable(kube, pod, &message, now).await?;
                    }
                    None => {}
                }
            }
            (Some(node), "Pending") if !runs.contains_key(&pod.uid) => {
                let process = match workloads.for_pod(pod) {
                    Some(workload) => {
                        let unit = Unit {
                            id: format!("{}/{}", pod.namespace, pod.name),
                            // A container's CPU limit is under a core: the demo's model runs on one.
                            vcpus: 1,
                            env: pod.env.clone(),
                            port: 0,
                        };
                        match Process::start(workload.as_ref(), &unit, pids).await {
                            Ok(p) => Some(p),
                            Err(e) => {
                                tracing::warn!(pod = %unit.id, error = %e, "a pod's process");
                                continue;
                            }
                        }
                    }
                    None => None,
                };
                let ip = format!("10.1.{}.{}", (*ips / 250) % 250, 1 + *ips % 250);
                *ips += 1;
                play::started(kube, pod, &ip, &node.spec.internal_ip, now).await?;
                runs.insert(
                    pod.uid.clone(),
                    PodRun {
                        process,
                        started: Instant::now(),
                        last: None,
                        millicores: None,
                    },
                );
            }
            (Some(_), "Running") => {
                let crashed = runs
                    .get_mut(&pod.uid)
                    .is_some_and(|r| r.process.as_mut().is_some_and(|p| !p.running()));
                // A process that ended, or a pod an earlier runtime started: it is replaced.
                if crashed || !runs.contains_key(&pod.uid) {
                    runs.remove(&pod.uid);
                    play::finish(kube, pod).await?;
                }
            }
            _ => {}
        }
    }
    let live: std::collections::HashSet<&str> = pods.iter().map(|p| p.uid.as_str()).collect();
    runs.retain(|uid, _| live.contains(uid.as_str()));
    Ok(())
}

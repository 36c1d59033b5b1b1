//! The kubernetes route: the demo's pods behind its Service, sized by the HorizontalPodAutoscaler
//! on their CPU against their request, on the first node group's nodes, which cluster-autoscaler
//! adds when pods can't be placed and removes when underused (`escala_core::scaling::hpa` and
//! `cluster_autoscaler`, as the sandbox's runtime runs them).

use escala_core::cost::prices::{instance_hourly, EC2_SPOT_DISCOUNT, EKS_CLUSTER_HOURLY};
use escala_core::routes::kubernetes::{
    EksSpec, Expander, KubernetesSpec, NodeCapacity, TaintEffect,
};
use escala_core::routes::{RouteSpec, Section};
use escala_core::scaling::cluster_autoscaler::{
    beyond_upcoming, eks_allocatable, scale_up, Node, NodeGroup, Resources, ScaleDown, Unneeded,
};
use escala_core::scaling::hpa::{self, History, Hpa, Pod, INITIAL_READINESS_DELAY_SECONDS};
use escala_core::scaling::work::CPU_PER_REQUEST;
use jiff::Timestamp;

use crate::delays::Delays;
use crate::model::{Made, Model, SimRoute};
use crate::outcome::{Outcome, Recorder, Second};
use crate::setting::{whole, Setting};
use crate::trace::Trace;
use crate::SimError;

/// A pod's memory request, which the demo doesn't set: the binpacking is on CPU.
const POD_MEMORY_MIB: u64 = 0;

#[derive(Debug, Clone)]
pub struct KubeModel {
    hpa: Hpa,
    target_cpu: u32,
    request_millis: u32,
    /// Requests a second a pod serves at its CPU limit.
    pod_rps: f64,
    groups: Vec<GroupSpec>,
    autoscaler: Option<ScaleDown>,
    expander: Expander,
    delays: Delays,
}

#[derive(Debug, Clone, Copy)]
struct PodSim {
    node: Option<usize>,
    ready_at: u64,
    /// Requests served since the HPA last read it.
    served: f64,
    since: u64,
}

/// A node group as the model runs it.
#[derive(Debug, Clone)]
struct GroupSpec {
    name: String,
    size: (u32, u32, u32),
    node: Resources,
    /// The demo's pods one node holds: its CPU over their request, within its pod count.
    fits: u32,
    hourly: f64,
    /// No taint keeps the demo's pods off it (they tolerate none).
    schedulable: bool,
}

#[derive(Debug, Clone, Copy)]
struct NodeSim {
    group: usize,
    ready_at: u64,
    gone: bool,
}

fn at(t: u64) -> Timestamp {
    Timestamp::from_second(t as i64).unwrap_or(Timestamp::UNIX_EPOCH)
}

pub(crate) const ROUTE: SimRoute = SimRoute {
    name: "kubernetes",
    make,
    set,
};

fn set(route: &mut RouteSpec, setting: Setting, value: f64) -> Result<(), SimError> {
    let RouteSpec::Kubernetes(KubernetesSpec::Eks(eks)) = route else {
        return Err(SimError::NoRoute("kubernetes".into()));
    };
    let demo = &mut eks.demo;
    match setting {
        Setting::Target => demo.target_cpu = whole("route.kubernetes.demo.targetCpu", value)?,
        Setting::Min => demo.replicas.min = whole("route.kubernetes.demo.replicas.min", value)?,
        Setting::Max => demo.replicas.max = whole("route.kubernetes.demo.replicas.max", value)?,
    }
    Ok(())
}

fn make(route: &RouteSpec, delays: &Delays, _trace: &Trace) -> Made {
    let KubernetesSpec::Eks(eks) = KubernetesSpec::of(route)?;
    Some(model(eks, delays).map(|m| Box::new(m) as Box<dyn Model>))
}

pub fn model(eks: &EksSpec, delays: &Delays) -> Result<KubeModel, SimError> {
    if eks.node_groups.is_empty() {
        return Err(SimError::field(
            "route.kubernetes.nodeGroups",
            "the cluster has no node group",
        ));
    }
    let demo = &eks.demo;
    if demo.cpu_millis == 0 {
        return Err(SimError::field(
            "route.kubernetes.demo.cpuMillis",
            "a pod without a CPU request gives the HPA nothing to scale on",
        ));
    }
    let mut groups = Vec::with_capacity(eks.node_groups.len());
    for (i, group) in eks.node_groups.iter().enumerate() {
        let instance_type = group
            .instance_types
            .first()
            .map(String::as_str)
            .unwrap_or_default();
        let size = escala_core::instances::size(instance_type).ok_or_else(|| {
            SimError::field(
                &format!("route.kubernetes.nodeGroups[{i}].instanceTypes"),
                format!("{instance_type} is not a type the simulator knows the size and price of"),
            )
        })?;
        let spot = if group.capacity == NodeCapacity::Spot {
            1.0 - EC2_SPOT_DISCOUNT
        } else {
            1.0
        };
        let node = eks_allocatable(size.vcpus, size.memory_mib, size.max_pods);
        groups.push(GroupSpec {
            name: group.name.clone(),
            size: (group.size.min, group.size.desired, group.size.max),
            node,
            fits: ((node.cpu_millis / u64::from(demo.cpu_millis)) as u32).min(size.max_pods),
            hourly: instance_hourly(instance_type).unwrap_or(0.0) * spot,
            schedulable: group
                .taints
                .iter()
                .all(|t| t.effect == TaintEffect::PreferNoSchedule),
        });
    }
    let ca = &eks.cluster_autoscaler;
    // The Deployment's limit is 2.5 times its request (escala-kube's demo).
    let limit = f64::from(demo.cpu_millis) * 2.5;
    Ok(KubeModel {
        hpa: Hpa::new(demo.replicas.min, demo.replicas.max),
        target_cpu: demo.target_cpu,
        request_millis: demo.cpu_millis,
        pod_rps: limit / 1000.0 / CPU_PER_REQUEST.as_secs_f64(),
        groups,
        autoscaler: ca.enabled.then(|| {
            ScaleDown::new(
                ca.scale_down_utilization_percent,
                ca.scale_down_unneeded_minutes,
            )
        }),
        expander: ca.expander,
        delays: *delays,
    })
}

impl crate::model::Model for KubeModel {
    fn run(self: Box<Self>, trace: &Trace, every: u64) -> Outcome {
        let d = self.delays;
        let groups = &self.groups;
        let mut desired_nodes: Vec<u32> = groups.iter().map(|g| g.size.1).collect();
        let mut nodes: Vec<NodeSim> = groups
            .iter()
            .enumerate()
            .flat_map(|(group, g)| {
                (0..g.size.1).map(move |_| NodeSim {
                    group,
                    ready_at: 0,
                    gone: false,
                })
            })
            .collect();
        let mut replicas = self.hpa.min;
        let mut pods: Vec<PodSim> = Vec::new();
        let mut history = History::default();
        let mut unneeded = Unneeded::default();
        let mut last_up = None;
        let mut rec = Recorder::new(every);
        let request = Resources {
            cpu_millis: u64::from(self.request_millis),
            memory_mib: POD_MEMORY_MIB,
        };
        let relaxed_at = f64::from(self.hpa.min) * f64::from(self.target_cpu) / 100.0
            * f64::from(self.request_millis)
            / 1000.0
            / CPU_PER_REQUEST.as_secs_f64();
        let end = trace.seconds();
        let (mut to_sync, mut to_scan) = (d.hpa_sync, d.ca_scan);
        for (t, demand) in (0u64..).zip(trace.per_second()) {
            // The HPA's replicas: pods made or removed (the newest first).
            while (pods.len() as u32) < replicas {
                pods.push(PodSim {
                    node: None,
                    ready_at: u64::MAX,
                    served: 0.0,
                    since: t,
                });
            }
            if (pods.len() as u32) > replicas {
                pods.sort_by_key(|p| std::cmp::Reverse(p.ready_at));
                pods.drain(..pods.len() - replicas as usize);
            }
            // The scheduler: each pending pod on the first ready node with room (only while some
            // pod waits, which is when the counts are worth making).
            if pods.iter().any(|p| p.node.is_none()) {
                let mut on = vec![0u32; nodes.len()];
                for n in pods.iter().filter_map(|p| p.node) {
                    on[n] += 1;
                }
                for pod in pods.iter_mut().filter(|p| p.node.is_none()) {
                    let room = (0..nodes.len()).find(|&n| {
                        let g = &groups[nodes[n].group];
                        !nodes[n].gone && nodes[n].ready_at <= t && g.schedulable && on[n] < g.fits
                    });
                    if let Some(n) = room {
                        on[n] += 1;
                        pod.node = Some(n);
                        pod.ready_at = t + u64::from(d.pod_start);
                    }
                }
            }
            // The Service spreads the demand over the ready pods.
            let ready = pods.iter().filter(|p| p.ready_at <= t).count();
            let per_pod = if ready == 0 {
                0.0
            } else {
                (demand / ready as f64).min(self.pod_rps)
            };
            for pod in pods.iter_mut().filter(|p| p.ready_at <= t) {
                pod.served += per_pod;
            }
            let hourly: f64 = nodes
                .iter()
                .filter(|n| !n.gone)
                .map(|n| groups[n.group].hourly)
                .sum();
            let ready_nodes = nodes.iter().filter(|n| !n.gone && n.ready_at <= t).count() as u32;
            rec.second(Second {
                t,
                demand,
                capacity: ready as u32,
                desired: replicas,
                machines: ready_nodes,
                unit_rps: self.pod_rps,
                min: self.hpa.min,
                cost: (hourly + EKS_CLUSTER_HOURLY) / 3600.0,
                relaxed_at,
            });
            to_sync -= 1;
            if to_sync == 0 {
                to_sync = d.hpa_sync;
                let samples: Vec<Pod> = pods
                    .iter_mut()
                    .map(|p| {
                        let window = (t + 1)
                            .saturating_sub(p.since.max(p.ready_at.min(t + 1)))
                            .max(1) as f64;
                        let running = p.ready_at <= t;
                        let millis = p.served / window * CPU_PER_REQUEST.as_secs_f64() * 1000.0;
                        p.served = 0.0;
                        p.since = t + 1;
                        Pod {
                            usage_millis: running.then_some(millis),
                            ready: running
                                && t >= p.ready_at + u64::from(INITIAL_READINESS_DELAY_SECONDS),
                        }
                    })
                    .collect();
                let recommended =
                    hpa::recommend(replicas, &samples, self.target_cpu, self.request_millis);
                replicas = history.decide(at(t + 1), &self.hpa, replicas, recommended);
            }
            let Some(rules) = self.autoscaler else {
                continue;
            };
            to_scan -= 1;
            if to_scan != 0 {
                continue;
            }
            to_scan = d.ca_scan;
            let views_of: Vec<NodeGroup> = groups
                .iter()
                .zip(&desired_nodes)
                .map(|(g, desired)| NodeGroup {
                    name: &g.name,
                    min: g.size.0,
                    desired: *desired,
                    max: g.size.2,
                    node: g.node,
                    max_pods: g.fits,
                    hourly_price: g.hourly,
                })
                .collect();
            let pending: Vec<Resources> = pods
                .iter()
                .filter(|p| p.node.is_none())
                .map(|_| request)
                .collect();
            let upcoming: Vec<(Resources, u32)> = nodes
                .iter()
                .filter(|n| !n.gone && n.ready_at > t && groups[n.group].schedulable)
                .map(|n| (groups[n.group].node, groups[n.group].fits))
                .collect();
            let unplaced = beyond_upcoming(&pending, &upcoming);
            if !unplaced.is_empty() {
                // Only the groups the demo's pods may land on can take them; Escala's
                // cluster-autoscaler balances similar groups.
                let open: Vec<usize> = (0..groups.len())
                    .filter(|&g| groups[g].schedulable)
                    .collect();
                let candidates: Vec<NodeGroup> =
                    open.iter().map(|&g| views_of[g].clone()).collect();
                for (i, new) in scale_up(&unplaced, &candidates, self.expander, true, 0) {
                    let g = open[i];
                    for _ in desired_nodes[g]..new {
                        nodes.push(NodeSim {
                            group: g,
                            ready_at: t + 1 + u64::from(d.node_start),
                            gone: false,
                        });
                    }
                    desired_nodes[g] = new;
                    last_up = Some(at(t + 1));
                }
                continue;
            }
            if !pending.is_empty() {
                continue;
            }
            let names: Vec<String> = (0..nodes.len()).map(|n| n.to_string()).collect();
            let views: Vec<Node> = (0..nodes.len())
                .filter(|&n| !nodes[n].gone && nodes[n].ready_at <= t)
                .map(|n| Node {
                    name: &names[n],
                    group: &groups[nodes[n].group].name,
                    allocatable: groups[nodes[n].group].node,
                    max_pods: groups[nodes[n].group].fits,
                    pods: pods
                        .iter()
                        .filter(|p| p.node == Some(n))
                        .map(|_| request)
                        .collect(),
                })
                .collect();
            for gone in unneeded.scale_down(at(t + 1), &views, &views_of, rules, last_up) {
                let n: usize = gone.parse().unwrap_or(usize::MAX);
                if let Some(node) = nodes.get_mut(n) {
                    node.gone = true;
                    desired_nodes[node.group] = desired_nodes[node.group].saturating_sub(1);
                }
                // Its pods are evicted and placed again.
                for p in pods.iter_mut().filter(|p| p.node == Some(n)) {
                    p.node = None;
                    p.ready_at = u64::MAX;
                }
            }
        }
        rec.finish("kubernetes", end.saturating_sub(1))
    }
}

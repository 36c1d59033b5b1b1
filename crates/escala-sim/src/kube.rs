//! The kubernetes route: the demo's pods behind its Service, sized by the HorizontalPodAutoscaler
//! on their CPU against their request, on the first node group's nodes, which cluster-autoscaler
//! adds when pods can't be placed and removes when underused (`escala_core::scaling::hpa` and
//! `cluster_autoscaler`, as the sandbox's runtime runs them).

use escala_core::cost::prices::{instance_hourly, EC2_SPOT_DISCOUNT, EKS_CLUSTER_HOURLY};
use escala_core::routes::kubernetes::{EksSpec, Expander, KubernetesSpec, NodeCapacity};
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
    group: (u32, u32, u32),
    node: Resources,
    max_pods: u32,
    node_hourly: f64,
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

#[derive(Debug, Clone, Copy)]
struct NodeSim {
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
    let group = eks.node_groups.first().ok_or_else(|| {
        SimError::field(
            "route.kubernetes.nodeGroups",
            "the cluster has no node group",
        )
    })?;
    let instance_type = group
        .instance_types
        .first()
        .map(String::as_str)
        .unwrap_or_default();
    let size = escala_core::instances::size(instance_type).ok_or_else(|| {
        SimError::field(
            "route.kubernetes.nodeGroups[0].instanceTypes",
            format!("{instance_type} is not a type the simulator knows the size and price of"),
        )
    })?;
    let demo = &eks.demo;
    if demo.cpu_millis == 0 {
        return Err(SimError::field(
            "route.kubernetes.demo.cpuMillis",
            "a pod without a CPU request gives the HPA nothing to scale on",
        ));
    }
    let spot = if group.capacity == NodeCapacity::Spot {
        1.0 - EC2_SPOT_DISCOUNT
    } else {
        1.0
    };
    let ca = &eks.cluster_autoscaler;
    // The Deployment's limit is 2.5 times its request (escala-kube's demo).
    let limit = f64::from(demo.cpu_millis) * 2.5;
    Ok(KubeModel {
        hpa: Hpa::new(demo.replicas.min, demo.replicas.max),
        target_cpu: demo.target_cpu,
        request_millis: demo.cpu_millis,
        pod_rps: limit / 1000.0 / CPU_PER_REQUEST.as_secs_f64(),
        group: (group.size.min, group.size.desired, group.size.max),
        node: eks_allocatable(size.vcpus, size.memory_mib, size.max_pods),
        max_pods: size.max_pods,
        node_hourly: instance_hourly(instance_type).unwrap_or(0.0) * spot,
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

impl KubeModel {
    fn fits(&self) -> u32 {
        ((self.node.cpu_millis / u64::from(self.request_millis)) as u32).min(self.max_pods)
    }
}

impl crate::model::Model for KubeModel {
    fn run(self: Box<Self>, trace: &Trace, every: u64) -> Outcome {
        let d = self.delays;
        let (min_nodes, mut desired_nodes, max_nodes) = self.group;
        let mut nodes: Vec<NodeSim> = (0..desired_nodes)
            .map(|_| NodeSim {
                ready_at: 0,
                gone: false,
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
        let fits = self.fits();
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
                    let room = (0..nodes.len())
                        .find(|&n| !nodes[n].gone && nodes[n].ready_at <= t && on[n] < fits);
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
            let live_nodes = nodes.iter().filter(|n| !n.gone).count() as u32;
            let ready_nodes = nodes.iter().filter(|n| !n.gone && n.ready_at <= t).count() as u32;
            rec.second(Second {
                t,
                demand,
                capacity: ready as u32,
                desired: replicas,
                machines: ready_nodes,
                unit_rps: self.pod_rps,
                min: self.hpa.min,
                cost: (f64::from(live_nodes) * self.node_hourly + EKS_CLUSTER_HOURLY) / 3600.0,
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
            let groups = [NodeGroup {
                name: "nodes",
                min: min_nodes,
                desired: desired_nodes,
                max: max_nodes,
                node: self.node,
                max_pods: fits,
                hourly_price: self.node_hourly,
            }];
            let pending: Vec<Resources> = pods
                .iter()
                .filter(|p| p.node.is_none())
                .map(|_| request)
                .collect();
            let upcoming: Vec<(Resources, u32)> = nodes
                .iter()
                .filter(|n| !n.gone && n.ready_at > t)
                .map(|_| (self.node, fits))
                .collect();
            let unplaced = beyond_upcoming(&pending, &upcoming);
            if !unplaced.is_empty() {
                for (_, new) in scale_up(&unplaced, &groups, self.expander, false, 0) {
                    for _ in desired_nodes..new {
                        nodes.push(NodeSim {
                            ready_at: t + 1 + u64::from(d.node_start),
                            gone: false,
                        });
                    }
                    desired_nodes = new;
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
                    group: "nodes",
                    allocatable: self.node,
                    max_pods: fits,
                    pods: pods
                        .iter()
                        .filter(|p| p.node == Some(n))
                        .map(|_| request)
                        .collect(),
                })
                .collect();
            for gone in unneeded.scale_down(at(t + 1), &views, &groups, rules, last_up) {
                let n: usize = gone.parse().unwrap_or(usize::MAX);
                if let Some(node) = nodes.get_mut(n) {
                    node.gone = true;
                    desired_nodes = desired_nodes.saturating_sub(1);
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

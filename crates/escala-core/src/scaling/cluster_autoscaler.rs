//! cluster-autoscaler: a node group grows when pods can't be scheduled for want of room, and an
//! underused node goes once its pods fit elsewhere and it has stayed underused long enough.
//! Docs: cluster-autoscaler's FAQ (<https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md>:
//! "How does scale-up work?", "How does scale-down work?", "What are Expanders?", "What are the
//! parameters to CA?") and its binpacking estimator, which places the pending pods, largest
//! first, on as few template nodes as fit them.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};

use crate::routes::kubernetes::Expander;

/// How often cluster-autoscaler looks at the cluster (`--scan-interval`).
pub const SCAN_INTERVAL_SECONDS: u32 = 10;
/// How long after a scale-up scale-down is considered again (`--scale-down-delay-after-add`).
pub const DELAY_AFTER_ADD_SECONDS: u32 = 600;
/// How long a node takes from its group's scale-up to Ready: the instance's boot and the EKS
/// AMI's bootstrap joining it to the cluster. AWS documents no figure; a minute and a half is
/// what managed node groups typically show, and the sandbox and the simulator both use it.
pub const NODE_START_SECONDS: u32 = 90;

/// What kubelet leaves to pods on an EKS node (the EKS AMI's reserves): CPU less 6 % of the
/// first core, 1 % of the second, 0.5 % of the next two and 0.25 % of the rest; memory less
/// 255 MiB and 11 MiB per pod it may hold, and a 100 MiB eviction threshold. The sandbox's
/// launcher (fix 20) works a node's allocatable out the same way.
pub fn eks_allocatable(vcpus: u32, memory_mib: u64, max_pods: u32) -> Resources {
    let v = f64::from(vcpus);
    let reserved = 60.0
        + if vcpus > 1 { 10.0 } else { 0.0 }
        + 5.0 * (v - 2.0).clamp(0.0, 2.0)
        + 2.5 * (v - 4.0).max(0.0);
    Resources {
        cpu_millis: (v * 1000.0 - reserved) as u64,
        memory_mib: memory_mib.saturating_sub(255 + 11 * u64::from(max_pods) + 100),
    }
}

/// CPU and memory: what a node offers its pods (allocatable), or what a pod requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resources {
    pub cpu_millis: u64,
    pub memory_mib: u64,
}

impl Resources {
    fn fits(self, free: Resources) -> bool {
        self.cpu_millis <= free.cpu_millis && self.memory_mib <= free.memory_mib
    }

    fn minus(self, other: Resources) -> Resources {
        Resources {
            cpu_millis: self.cpu_millis.saturating_sub(other.cpu_millis),
            memory_mib: self.memory_mib.saturating_sub(other.memory_mib),
        }
    }

    fn plus(self, other: Resources) -> Resources {
        Resources {
            cpu_millis: self.cpu_millis + other.cpu_millis,
            memory_mib: self.memory_mib + other.memory_mib,
        }
    }

    /// The larger of the two shares of `of` this takes: how the estimator orders pods, and how
    /// scale-down measures a node's use.
    fn share(self, of: Resources) -> f64 {
        let part = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        part(self.cpu_millis, of.cpu_millis).max(part(self.memory_mib, of.memory_mib))
    }
}

/// A node group as cluster-autoscaler sees it: its bounds, its target size, and what one of its
/// nodes offers (from its instance type, the template node).
#[derive(Debug, Clone, PartialEq)]
pub struct NodeGroup<'a> {
    pub name: &'a str,
    pub min: u32,
    pub desired: u32,
    pub max: u32,
    pub node: Resources,
    pub max_pods: u32,
    /// The price of one node an hour, for the price expander.
    pub hourly_price: f64,
}

/// A node in the cluster, and the requests of the pods bound to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    pub name: &'a str,
    pub group: &'a str,
    pub allocatable: Resources,
    pub max_pods: u32,
    pub pods: Vec<Resources>,
}

impl Node<'_> {
    fn requested(&self) -> Resources {
        self.pods
            .iter()
            .fold(Resources::default(), |a, p| a.plus(*p))
    }
}

/// How a group would take the pending pods: the nodes it adds and the pods they hold.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Fit {
    group: usize,
    nodes: u32,
    pods: usize,
    used: Resources,
}

/// The binpacking estimate for one group: the pending pods, largest share of a node first, each
/// on the first new node with room, a new node opened when none has it, up to the group's max.
fn estimate(index: usize, group: &NodeGroup<'_>, pending: &[Resources]) -> Option<Fit> {
    let room = group.max.saturating_sub(group.desired);
    let mut sorted: Vec<Resources> = pending.to_vec();
    sorted.sort_by(|a, b| b.share(group.node).total_cmp(&a.share(group.node)));
    let mut nodes: Vec<(Resources, u32)> = Vec::new();
    let mut fit = Fit {
        group: index,
        nodes: 0,
        pods: 0,
        used: Resources::default(),
    };
    for pod in sorted {
        if !pod.fits(group.node) || group.max_pods == 0 {
            continue;
        }
        let opened = nodes.len() as u32;
        let slot = nodes
            .iter_mut()
            .find(|(free, count)| pod.fits(*free) && *count < group.max_pods);
        match slot {
            Some((free, count)) => {
                *free = free.minus(pod);
                *count += 1;
            }
            None if opened < room => nodes.push((group.node.minus(pod), 1)),
            None => continue,
        }
        fit.pods += 1;
        fit.used = fit.used.plus(pod);
    }
    fit.nodes = nodes.len() as u32;
    (fit.pods > 0).then_some(fit)
}

/// The pending pods that the nodes still starting won't hold: cluster-autoscaler counts upcoming
/// nodes as if they were there, so a scale-up isn't asked for twice while its nodes boot. Each
/// upcoming node is `(what it offers, how many pods it takes)`; pods go largest first, on the
/// first with room.
pub fn beyond_upcoming(pending: &[Resources], upcoming: &[(Resources, u32)]) -> Vec<Resources> {
    let mut room: Vec<(Resources, u32)> = upcoming.to_vec();
    let mut sorted = pending.to_vec();
    sorted.sort_by(|a, b| {
        b.cpu_millis
            .cmp(&a.cpu_millis)
            .then(b.memory_mib.cmp(&a.memory_mib))
    });
    sorted
        .into_iter()
        .filter(
            |pod| match room.iter_mut().find(|(free, n)| *n > 0 && pod.fits(*free)) {
                Some((free, n)) => {
                    *free = free.minus(*pod);
                    *n -= 1;
                    false
                }
                None => true,
            },
        )
        .collect()
}

/// The new desired sizes that schedule the pending pods, as `(group index, desired)`; empty
/// when no group can take any of them.
///
/// Each group's fit is estimated; the expander picks one (`draw` stands in for the random
/// expander's choice, and breaks least-waste's and most-pods' ties, so that a simulation stays
/// deterministic). With `balance` (`--balance-similar-node-groups`), the nodes are then shared
/// among the groups whose nodes offer the same, each going to the smallest of them that has
/// room.
pub fn scale_up(
    pending: &[Resources],
    groups: &[NodeGroup<'_>],
    expander: Expander,
    balance: bool,
    draw: u64,
) -> Vec<(usize, u32)> {
    let fits: Vec<Fit> = groups
        .iter()
        .enumerate()
        .filter_map(|(i, g)| estimate(i, g, pending))
        .collect();
    let Some(best) = pick(&fits, groups, expander, draw) else {
        return Vec::new();
    };
    let chosen = &groups[best.group];
    let similar: Vec<usize> = if balance {
        (0..groups.len())
            .filter(|&i| groups[i].node == chosen.node && groups[i].max_pods == chosen.max_pods)
            .collect()
    } else {
        vec![best.group]
    };
    let mut sizes: BTreeMap<usize, u32> = similar.iter().map(|&i| (i, groups[i].desired)).collect();
    for _ in 0..best.nodes {
        let next = sizes
            .iter()
            .filter(|(i, size)| **size < groups[**i].max)
            .min_by_key(|(i, size)| (**size, **i))
            .map(|(i, _)| *i);
        match next {
            Some(i) => *sizes.entry(i).or_default() += 1,
            None => break,
        }
    }
    sizes
        .into_iter()
        .filter(|(i, size)| *size != groups[*i].desired)
        .collect()
}

fn pick(fits: &[Fit], groups: &[NodeGroup<'_>], expander: Expander, draw: u64) -> Option<Fit> {
    if fits.is_empty() {
        return None;
    }
    let score = |f: &Fit| -> f64 {
        let g = &groups[f.group];
        let total = Resources {
            cpu_millis: g.node.cpu_millis * u64::from(f.nodes),
            memory_mib: g.node.memory_mib * u64::from(f.nodes),
        };
        let idle = |used: u64, of: u64| {
            if of == 0 {
                0.0
            } else {
                (of - used.min(of)) as f64 / of as f64
            }
        };
        match expander {
            // Lower wins: the CPU and memory left idle on the new nodes.
            Expander::LeastWaste => {
                idle(f.used.cpu_millis, total.cpu_millis)
                    + idle(f.used.memory_mib, total.memory_mib)
            }
            Expander::MostPods => -(f.pods as f64),
            Expander::Price => g.hourly_price * f64::from(f.nodes) / f.pods as f64,
            Expander::Random => 0.0,
        }
    };
    let best = fits.iter().map(score).fold(f64::INFINITY, f64::min);
    let tied: Vec<&Fit> = fits
        .iter()
        .filter(|f| (score(f) - best).abs() < 1e-9)
        .collect();
    Some(*tied[(draw % tied.len() as u64) as usize])
}

/// Scale-down's settings: `--scale-down-utilization-threshold`, `--scale-down-unneeded-time`
/// and `--scale-down-delay-after-add`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScaleDown {
    pub utilization: f64,
    pub unneeded_seconds: u32,
    pub delay_after_add_seconds: u32,
}

impl ScaleDown {
    /// From the Spec's percentage and minutes, with the documented delay after a scale-up.
    pub fn new(utilization_percent: u32, unneeded_minutes: u32) -> Self {
        Self {
            utilization: f64::from(utilization_percent) / 100.0,
            unneeded_seconds: unneeded_minutes * 60,
            delay_after_add_seconds: DELAY_AFTER_ADD_SECONDS,
        }
    }
}

/// Since when each node has been unneeded: what cluster-autoscaler keeps between scans.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Unneeded {
    since: BTreeMap<String, Timestamp>,
}

impl Unneeded {
    /// The nodes to remove at `now`.
    ///
    /// A node is unneeded when its pods' requests take less than the threshold of both its CPU
    /// and its memory, its group is above its minimum, and its pods fit on the nodes that stay.
    /// It is removed once it has been unneeded for the unneeded time, and no sooner than the
    /// delay after the last scale-up. Empty nodes go together; a node with pods goes alone, so
    /// that its pods have somewhere known to land.
    pub fn scale_down<'n>(
        &mut self,
        now: Timestamp,
        nodes: &[Node<'n>],
        groups: &[NodeGroup<'_>],
        rules: ScaleDown,
        last_scale_up: Option<Timestamp>,
    ) -> Vec<&'n str> {
        let mut sizes: BTreeMap<&str, (u32, u32)> = groups
            .iter()
            .map(|g| (g.name, (g.desired, g.min)))
            .collect();
        let mut gone: Vec<usize> = Vec::new();
        let mut free: Vec<(Resources, u32)> = nodes
            .iter()
            .map(|n| {
                (
                    n.allocatable.minus(n.requested()),
                    n.max_pods.saturating_sub(n.pods.len() as u32),
                )
            })
            .collect();
        let mut unneeded = Vec::new();
        for (i, node) in nodes.iter().enumerate() {
            let underused = node.requested().share(node.allocatable) < rules.utilization;
            let above_min = sizes
                .get(node.group)
                .is_some_and(|(desired, min)| desired > min);
            if underused && above_min {
                unneeded.push(i);
            }
        }
        self.since
            .retain(|name, _| unneeded.iter().any(|&i| nodes[i].name == name));
        for &i in &unneeded {
            self.since.entry(nodes[i].name.to_string()).or_insert(now);
        }
        let settled = last_scale_up
            .is_none_or(|at| now.duration_since(at) >= secs(rules.delay_after_add_seconds));
        if !settled {
            return Vec::new();
        }
        let ripe = |i: usize| {
            self.since
                .get(nodes[i].name)
                .is_some_and(|at| now.duration_since(*at) >= secs(rules.unneeded_seconds))
        };
        let (empty, busy): (Vec<usize>, Vec<usize>) = unneeded
            .iter()
            .copied()
            .filter(|&i| ripe(i))
            .partition(|&i| nodes[i].pods.is_empty());
        for i in empty {
            if take(&mut sizes, nodes[i].group) {
                gone.push(i);
            }
        }
        if gone.is_empty() {
            for i in busy {
                if moves(&nodes[i], i, &mut free) && take(&mut sizes, nodes[i].group) {
                    gone.push(i);
                    break;
                }
            }
        }
        for &i in &gone {
            self.since.remove(nodes[i].name);
        }
        gone.into_iter().map(|i| nodes[i].name).collect()
    }
}

/// One node fewer in a group, if that keeps it at or above its minimum.
fn take(sizes: &mut BTreeMap<&str, (u32, u32)>, group: &str) -> bool {
    match sizes.get_mut(group) {
        Some((desired, min)) if *desired > *min => {
            *desired -= 1;
            true
        }
        _ => false,
    }
}

/// Whether every pod on node `from` fits on the other nodes' free room; if so the room is taken.
fn moves(node: &Node<'_>, from: usize, free: &mut [(Resources, u32)]) -> bool {
    let mut trial = free.to_vec();
    for pod in &node.pods {
        let slot = trial
            .iter_mut()
            .enumerate()
            .find(|(j, (room, count))| *j != from && pod.fits(*room) && *count > 0);
        match slot {
            Some((_, (room, count))) => {
                *room = room.minus(*pod);
                *count -= 1;
            }
            None => return false,
        }
    }
    trial[from] = (Resources::default(), 0);
    free.copy_from_slice(&trial);
    true
}

fn secs(n: u32) -> SignedDuration {
    SignedDuration::from_secs(i64::from(n))
}

#[cfg(test)]
#[path = "cluster_autoscaler_tests.rs"]
mod tests;

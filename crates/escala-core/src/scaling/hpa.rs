//! The HorizontalPodAutoscaler: Kubernetes keeps a Deployment's average CPU use (as a share of
//! each pod's request) near a target by setting its replicas in proportion, then holds that
//! recommendation back by the stabilization windows and rate policies of its `behavior`.
//! Docs: "Horizontal Pod Autoscaling" (<https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/>:
//! algorithm details, default behavior, stabilization window, scaling policies) and the
//! kube-controller-manager flags it names (`--horizontal-pod-autoscaler-tolerance`, `-sync-period`).
//!
//! The API reference's comment on `scaleUp` still says "per 60 seconds"; the controller's
//! defaults, and the concept page's "Default Behavior", use 15 s periods, which is what runs.

use jiff::{SignedDuration, Timestamp};

/// How often the controller evaluates each HPA (`--horizontal-pod-autoscaler-sync-period`).
pub const SYNC_PERIOD_SECONDS: u32 = 15;
/// How far from 1.0 the usage ratio must be before anything changes
/// (`--horizontal-pod-autoscaler-tolerance`).
pub const TOLERANCE: f64 = 0.1;
/// How long after it starts a pod's CPU counts as not yet ready
/// (`--horizontal-pod-autoscaler-initial-readiness-delay`).
pub const INITIAL_READINESS_DELAY_SECONDS: u32 = 30;

/// One pod as the controller sees it when it reads the metrics API.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pod {
    /// Its CPU use in millicores, or `None` when metrics-server has no sample for it yet.
    pub usage_millis: Option<f64>,
    /// Ready, and past its initialization period: only such a pod's sample is taken as it is.
    pub ready: bool,
}

/// The replicas the usage asks for, before any behavior: `ceil(current × usage ÷ target)`, with
/// the documented handling of pods that have no sample or aren't ready yet.
///
/// The ratio is first computed from the ready pods' samples. Within the tolerance nothing
/// changes. Otherwise, for a scale-up, pods without a sample count as using 0 % and unready pods
/// as 0 %; for a scale-down, pods without a sample count as using 100 % of the target and
/// unready pods are left out. If that second ratio turns the direction round or falls within
/// the tolerance, nothing changes either, so a pod starting up never causes a flap.
pub fn recommend(current: u32, pods: &[Pod], target_percent: u32, request_millis: u32) -> u32 {
    if target_percent == 0 || request_millis == 0 {
        return current;
    }
    let target = f64::from(target_percent) / 100.0 * f64::from(request_millis);
    let sampled: Vec<f64> = pods
        .iter()
        .filter(|p| p.ready)
        .filter_map(|p| p.usage_millis)
        .collect();
    if sampled.is_empty() {
        return current;
    }
    let ratio = sampled.iter().sum::<f64>() / sampled.len() as f64 / target;
    let missing = pods
        .iter()
        .filter(|p| p.ready && p.usage_millis.is_none())
        .count();
    let unready = pods.iter().filter(|p| !p.ready).count();
    if missing == 0 && unready == 0 {
        if (ratio - 1.0).abs() <= TOLERANCE {
            return current;
        }
        return ceil(ratio * sampled.len() as f64);
    }
    let scaling_up = ratio > 1.0;
    let mut total: f64 = sampled.iter().sum();
    let mut counted = sampled.len();
    if scaling_up {
        counted += missing + unready;
    } else {
        total += missing as f64 * target;
        counted += missing;
    }
    let adjusted = total / counted as f64 / target;
    if (adjusted - 1.0).abs() <= TOLERANCE || (adjusted > 1.0) != scaling_up {
        return current;
    }
    // The controller only ever moves in the first ratio's direction, and by what the adjusted
    // ratio allows over the pods it counted.
    let wanted = ceil(adjusted * counted as f64);
    if scaling_up {
        wanted.max(current)
    } else {
        wanted.min(current)
    }
}

fn ceil(x: f64) -> u32 {
    // The margin keeps 4 × (0.75 / 0.75) from becoming 5 through floating-point error.
    (x - 1e-9).ceil().max(0.0) as u32
}

/// How a rate policy limits change: by a number of pods, or a percentage of the replicas at the
/// start of its period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Pods(u32),
    Percent(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub limit: Limit,
    pub period_seconds: u32,
}

/// Which policy applies when several do: the one allowing the most change, the least, or none
/// (scaling that way disabled).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Select {
    Max,
    Min,
    Disabled,
}

/// One direction of `behavior`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    pub stabilization_seconds: u32,
    pub policies: Vec<Policy>,
    pub select: Select,
}

/// An HPA's bounds and behavior.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hpa {
    pub min: u32,
    pub max: u32,
    pub scale_up: Rules,
    pub scale_down: Rules,
}

impl Hpa {
    /// The bounds, with the behavior Kubernetes defaults to: scale up at once by the more of
    /// 100 % or 4 pods per 15 s; scale down by up to 100 % per 15 s, to the highest
    /// recommendation of the last 300 s.
    pub fn new(min: u32, max: u32) -> Self {
        let per_15 = |limit| Policy {
            limit,
            period_seconds: 15,
        };
        Self {
            min,
            max,
            scale_up: Rules {
                stabilization_seconds: 0,
                policies: vec![per_15(Limit::Percent(100)), per_15(Limit::Pods(4))],
                select: Select::Max,
            },
            scale_down: Rules {
                stabilization_seconds: 300,
                policies: vec![per_15(Limit::Percent(100))],
                select: Select::Max,
            },
        }
    }
}

/// What the controller remembers between syncs: its recent recommendations (for the
/// stabilization windows) and the changes it made (for the rate policies).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    recommendations: Vec<(Timestamp, u32)>,
    changes: Vec<(Timestamp, i64)>,
}

impl History {
    /// The replicas to set at `now`, from the current replicas and the usage's recommendation
    /// (see [`recommend`]); the change, if any, is remembered.
    ///
    /// The stabilized recommendation is the lowest of the scale-up window's recommendations
    /// and the highest of the scale-down window's, so a brief dip doesn't remove pods that the
    /// next peak needs. The rate policies then bound the change by what the period's starting
    /// replicas allow, and the result stays within min and max.
    pub fn decide(&mut self, now: Timestamp, hpa: &Hpa, current: u32, recommended: u32) -> u32 {
        let up_cutoff = now - secs(hpa.scale_up.stabilization_seconds);
        let down_cutoff = now - secs(hpa.scale_down.stabilization_seconds);
        let (mut up, mut down) = (recommended, recommended);
        for &(at, r) in &self.recommendations {
            if at > up_cutoff {
                up = up.min(r);
            }
            if at > down_cutoff {
                down = down.max(r);
            }
        }
        let stabilized = current.max(up).min(down);
        self.recommendations.push((now, recommended));
        let longest = hpa
            .scale_up
            .stabilization_seconds
            .max(hpa.scale_down.stabilization_seconds);
        self.recommendations
            .retain(|(at, _)| *at > now - secs(longest));

        let desired = if stabilized > current {
            stabilized.min(self.up_limit(now, &hpa.scale_up, current))
        } else if stabilized < current {
            stabilized.max(self.down_limit(now, &hpa.scale_down, current))
        } else {
            current
        };
        let desired = desired.clamp(hpa.min, hpa.max.max(hpa.min));
        if desired != current {
            self.changes
                .push((now, i64::from(desired) - i64::from(current)));
        }
        let period = hpa
            .scale_up
            .policies
            .iter()
            .chain(&hpa.scale_down.policies)
            .map(|p| p.period_seconds)
            .max()
            .unwrap_or(0);
        self.changes.retain(|(at, _)| *at > now - secs(period));
        desired
    }

    /// The replicas at the start of a policy's period: now's, less what was added and plus what
    /// was removed within it.
    fn period_start(&self, now: Timestamp, period_seconds: u32, current: u32) -> i64 {
        let since = now - secs(period_seconds);
        let changed: i64 = self
            .changes
            .iter()
            .filter(|(at, _)| *at > since)
            .map(|(_, d)| d)
            .sum();
        i64::from(current) - changed
    }

    fn up_limit(&self, now: Timestamp, rules: &Rules, current: u32) -> u32 {
        let proposals = rules.policies.iter().map(|p| {
            let start = self.period_start(now, p.period_seconds, current);
            match p.limit {
                Limit::Pods(n) => start + i64::from(n),
                Limit::Percent(pc) => (start as f64 * (1.0 + f64::from(pc) / 100.0)).ceil() as i64,
            }
        });
        let limit = match rules.select {
            Select::Max => proposals.max(),
            Select::Min => proposals.min(),
            Select::Disabled => None,
        };
        limit.map_or(current, |l| l.max(i64::from(current)) as u32)
    }

    fn down_limit(&self, now: Timestamp, rules: &Rules, current: u32) -> u32 {
        let proposals = rules.policies.iter().map(|p| {
            let start = self.period_start(now, p.period_seconds, current);
            match p.limit {
                Limit::Pods(n) => start - i64::from(n),
                Limit::Percent(pc) => (start as f64 * (1.0 - f64::from(pc) / 100.0)) as i64,
            }
        });
        // For a scale-down, the policy allowing the most change is the one leaving fewest pods.
        let limit = match rules.select {
            Select::Max => proposals.min(),
            Select::Min => proposals.max(),
            Select::Disabled => None,
        };
        limit.map_or(current, |l| l.clamp(0, i64::from(current)) as u32)
    }
}

fn secs(n: u32) -> SignedDuration {
    SignedDuration::from_secs(i64::from(n))
}

#[cfg(test)]
#[path = "hpa_tests.rs"]
mod tests;

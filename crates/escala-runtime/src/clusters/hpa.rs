//! The HorizontalPodAutoscaler controller, on the sandbox's own metrics: every sync period, each
//! HPA's target pods' CPU (what their processes really used since the last sync, against their
//! request) goes through Kubernetes' algorithm in `escala_core::scaling::hpa`, the target's
//! replicas are set through its scale subresource, and the HPA's status says what it saw.
//! Only the spec's default behavior runs, which is what Escala's demo HPA has.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use escala_core::scaling::hpa::{
    self, History, Hpa, Pod, INITIAL_READINESS_DELAY_SECONDS, SYNC_PERIOD_SECONDS,
};
use escala_kube::play::{self, HpaReport, HpaView, PodView};
use escala_kube::KubeError;
use jiff::Timestamp;

use super::pods::PodRun;
use super::round::Round;

#[derive(Debug, Default)]
pub struct Hpas {
    histories: HashMap<String, History>,
    last_scale: HashMap<String, Timestamp>,
    next: Option<Instant>,
}

impl Hpas {
    pub async fn round(
        &mut self,
        r: Round<'_>,
        pods: &[PodView],
        runs: &mut HashMap<String, PodRun>,
    ) -> Result<(), KubeError> {
        let period = r
            .speed
            .wall(Duration::from_secs(SYNC_PERIOD_SECONDS.into()));
        if self.next.is_some_and(|next| Instant::now() < next) {
            return Ok(());
        }
        self.next = Some(Instant::now() + period);
        sample(runs);
        let hpas = play::hpas(r.kube).await?;
        let keys: Vec<String> = hpas.iter().map(key).collect();
        self.histories.retain(|k, _| keys.contains(k));
        for view in &hpas {
            self.sync(r, view, pods, runs).await?;
        }
        Ok(())
    }

    async fn sync(
        &mut self,
        r: Round<'_>,
        view: &HpaView,
        pods: &[PodView],
        runs: &HashMap<String, PodRun>,
    ) -> Result<(), KubeError> {
        let Round {
            kube, speed, now, ..
        } = r;
        let Some(scale) = play::scale_of(kube, view).await? else {
            return Ok(());
        };
        let current = scale.replicas;
        let mine: Vec<&PodView> = pods
            .iter()
            .filter(|p| {
                p.namespace == view.namespace
                    && !p.deleting
                    && play::matches(&scale.selector, &p.labels)
            })
            .collect();
        let request = mine
            .iter()
            .map(|p| p.cpu_millis)
            .find(|&m| m > 0)
            .unwrap_or(0);
        let readiness = speed.wall(Duration::from_secs(INITIAL_READINESS_DELAY_SECONDS.into()));
        let samples: Vec<Pod> = mine
            .iter()
            .map(|p| {
                let run = runs.get(&p.uid);
                Pod {
                    usage_millis: run.and_then(|r| r.millicores),
                    ready: p.phase == "Running"
                        && run.is_some_and(|r| r.started.elapsed() >= readiness),
                }
            })
            .collect();
        let k = key(view);
        let limits = Hpa::new(view.min, view.max);
        let mut conditions = vec![];
        let (desired, cpu) = match view.target_cpu {
            Some(target) if request > 0 => {
                let recommended = hpa::recommend(current, &samples, target, request as u32);
                let desired = self.histories.entry(k.clone()).or_default().decide(
                    now,
                    &limits,
                    current,
                    recommended,
                );
                let sampled: Vec<f64> = samples.iter().filter_map(|s| s.usage_millis).collect();
                let cpu = (!sampled.is_empty()).then(|| {
                    (sampled.iter().sum::<f64>() / sampled.len() as f64 / request as f64 * 100.0)
                        .round() as u32
                });
                conditions.push(("ScalingActive", true, "ValidMetricFound".into(), "the HPA was able to compute the replica count from cpu resource utilization (percentage of request)".into()));
                (desired, cpu)
            }
            _ => {
                conditions.push((
                    "ScalingActive",
                    false,
                    "FailedGetResourceMetric".into(),
                    "the sandbox computes CPU utilization only, for pods with a CPU request".into(),
                ));
                (current.clamp(view.min, view.max.max(view.min)), None)
            }
        };
        if desired != current {
            play::set_replicas(kube, view, desired).await?;
            self.last_scale.insert(k.clone(), now);
            conditions.insert(
                0,
                (
                    "AbleToScale",
                    true,
                    "SucceededRescale".into(),
                    format!("the HPA controller was able to update the target scale to {desired}"),
                ),
            );
        } else {
            conditions.insert(
                0,
                (
                    "AbleToScale",
                    true,
                    "ReadyForNewScale".into(),
                    "recommended size matches current size".into(),
                ),
            );
        }
        let limited = if desired >= view.max {
            Some((
                "TooManyReplicas",
                "the desired replica count is more than the maximum replica count",
            ))
        } else if desired <= view.min {
            Some((
                "TooFewReplicas",
                "the desired replica count is less than the minimum replica count",
            ))
        } else {
            None
        };
        conditions.push(match limited {
            Some((reason, message)) => ("ScalingLimited", true, reason.into(), message.into()),
            None => (
                "ScalingLimited",
                false,
                "DesiredWithinRange".into(),
                "the desired count is within the acceptable range".into(),
            ),
        });
        let report = HpaReport {
            current,
            desired,
            cpu_percent: cpu,
            last_scale: self.last_scale.get(&k).copied(),
            conditions,
        };
        play::report(kube, view, &report, now).await
    }
}

fn key(view: &HpaView) -> String {
    format!("{}/{}", view.namespace, view.name)
}

/// Each process's CPU since the last sync, in millicores, as metrics-server would report it.
fn sample(runs: &mut HashMap<String, PodRun>) {
    for run in runs.values_mut() {
        let Some(process) = &run.process else {
            continue;
        };
        let busy = process
            .usage
            .busy_micros
            .load(std::sync::atomic::Ordering::Relaxed);
        let now = Instant::now();
        if let Some((at, before)) = run.last {
            let wall = now.duration_since(at).as_micros() as f64;
            if wall > 0.0 {
                run.millicores = Some(busy.saturating_sub(before) as f64 / wall * 1000.0);
            }
        }
        run.last = Some((now, busy));
    }
}

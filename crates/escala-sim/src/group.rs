//! A group of like units behind a load balancer that target tracking (or step scaling) sizes: an EC2 Auto Scaling
//! group of instances, or an ECS service's tasks under Application Auto Scaling. Each second the
//! load balancer spreads the demand over the serving units, up to what their CPU serves; each
//! metric period the policy reads the period's CPU (or requests per target) and sets the size.

use escala_core::scaling::{schedule, Group as Bounds};

use crate::outcome::{Outcome, Recorder, Second};
use crate::pool::Pool;
use crate::step::StepPolicy;
use crate::trace::Trace;
use crate::tracking::Tracking;
use crate::warm::Warm;

/// What the policy tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Cpu,
    /// Requests per serving unit per minute (`ALBRequestCountPerTarget`).
    RequestsPerTarget,
}

#[derive(Debug, Clone)]
pub struct GroupModel {
    pub route: &'static str,
    pub min: u32,
    pub desired: u32,
    pub max: u32,
    /// Requests a second one unit serves at 100 % CPU.
    pub unit_rps: f64,
    /// Seconds from a scale-out to serving.
    pub start: u32,
    /// Seconds from a scale-out to counting in the metric (EC2's warm-up).
    pub warmup: u32,
    pub period: u32,
    pub metric: Metric,
    pub tracking: Option<Tracking>,
    /// Step scaling, beside or instead of target tracking: with both, the larger capacity wins.
    pub step: Option<StepPolicy>,
    /// The warm pool, and how long one of its instances takes to serve once taken.
    pub warm: Option<(Warm, u32)>,
    /// What a unit costs a second.
    pub unit_cost: f64,
    /// The scheduled actions' firings, in order: seconds from the trace's start, and what each
    /// sets.
    pub firings: Vec<(u64, crate::schedule::Sets)>,
}

impl GroupModel {
    /// Sizes the pool to `desired` at `t`: a scale-out takes the warm pool's prepared instances
    /// first, which serve sooner, and the warm pool is prepared again.
    fn grow(&mut self, pool: &mut Pool, desired: u32, t: u64) {
        let (start, warmup) = (self.start, self.warmup);
        match &mut self.warm {
            Some((warm, warm_start)) if desired > pool.len() => {
                let taken = warm.draw(desired - pool.len(), t);
                pool.add(taken, t, *warm_start, warmup);
                pool.resize(desired, t, start, warmup);
            }
            _ => pool.resize(desired, t, start, warmup),
        }
        if let Some((warm, _)) = &mut self.warm {
            warm.refill(desired, self.max, t);
        }
    }
}

impl crate::model::Model for GroupModel {
    fn run(mut self: Box<Self>, trace: &Trace, every: u64) -> Outcome {
        let mut pool = Pool::started(self.desired);
        let mut rec = Recorder::new(every);
        let (mut cpu_sum, mut served_sum, mut seconds) = (0.0, 0.0, 0u32);
        let end = trace.seconds();
        let relaxed_at = match (&self.tracking, self.metric) {
            (Some(t), Metric::Cpu) => f64::from(self.min) * self.unit_rps * t.target / 100.0,
            (Some(t), Metric::RequestsPerTarget) => f64::from(self.min) * t.target / 60.0,
            (None, _) => self.step.as_ref().map_or(0.0, |s| {
                f64::from(self.min) * self.unit_rps * s.threshold() / 100.0
            }),
        };
        let mut firings = std::mem::take(&mut self.firings).into_iter().peekable();
        // The serving count changes only when a unit becomes ready or the pool is resized.
        let (mut ready, mut recount_at) = (0, 0);
        let mut to_period = self.period;
        for (t, demand) in (0u64..).zip(trace.per_second()) {
            while let Some((_, (set_min, set_desired, set_max))) =
                firings.next_if(|(at, _)| *at <= t)
            {
                let now = (self.min, self.desired, self.max);
                if let Some((min, desired, max)) =
                    schedule::fire(now, set_min, set_desired, set_max)
                {
                    (self.min, self.desired, self.max) = (min, desired, max);
                    self.grow(&mut pool, desired, t);
                    recount_at = t;
                }
            }
            if t >= recount_at {
                ready = pool.ready(t);
                recount_at = pool.next_ready(t);
            }
            let (served, utilisation) = rec.second(Second {
                t,
                demand,
                capacity: ready,
                desired: self.desired,
                machines: ready,
                unit_rps: self.unit_rps,
                min: self.min,
                cost: f64::from(pool.len()) * self.unit_cost,
                relaxed_at,
            });
            cpu_sum += utilisation;
            served_sum += served;
            seconds += 1;
            to_period -= 1;
            if to_period != 0 {
                continue;
            }
            to_period = self.period;
            // The period's datapoint, from the units that count (those past their warm-up).
            let counted = pool.ready(t).saturating_sub(pool.warming(t));
            let datapoint = (counted > 0).then(|| match self.metric {
                Metric::Cpu => cpu_sum / f64::from(seconds),
                Metric::RequestsPerTarget => {
                    served_sum / f64::from(pool.ready(t).max(1)) * 60.0 / f64::from(seconds)
                }
            });
            (cpu_sum, served_sum, seconds) = (0.0, 0.0, 0);
            let bounds = Bounds {
                min: self.min,
                desired: self.desired,
                max: self.max,
                warming: pool.warming(t),
            };
            // EC2 Auto Scaling: of its policies' answers, the one with the largest capacity.
            let tracked = self
                .tracking
                .as_mut()
                .and_then(|tt| tt.period(t, datapoint, bounds));
            let stepped = self.step.as_mut().and_then(|s| s.period(datapoint, bounds));
            if let Some(new) = tracked.into_iter().chain(stepped).max() {
                self.desired = new;
                self.grow(&mut pool, new, t + 1);
                recount_at = t + 1;
            }
        }
        rec.finish(self.route, end.saturating_sub(1))
    }
}

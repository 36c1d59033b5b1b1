//! What a route did over the trace: its timeline (a point a sample), and the figures a user
//! compares routes by.

use serde::Serialize;

/// One sample of the timeline: averages over the sample's seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sample {
    pub t: u64,
    /// The seconds it averages.
    pub span: u64,
    pub demand: f64,
    /// Units serving (instances, tasks, pods).
    pub capacity: f64,
    pub desired: f64,
    /// Nodes, for Kubernetes; the same as capacity elsewhere.
    pub machines: f64,
    /// The serving units' CPU, in percent.
    pub utilisation: f64,
    /// Requests served and lost over its span.
    pub served: f64,
    pub lost: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub requests: f64,
    pub served: f64,
    /// Requests beyond the serving capacity: lost (the model has no queue).
    pub lost: f64,
    pub lost_percent: f64,
    /// From the first second demand outran capacity to the second capacity caught up.
    pub time_to_scale_out: Option<u64>,
    /// From when the demand falls back to what the minimum serves at the target, to when the
    /// desired capacity is back at its minimum.
    pub time_to_scale_in: Option<u64>,
    pub peak_capacity: u32,
    /// The serving units' idle share over the trace, in unit-hours: what they would have
    /// served at 100 % CPU and didn't.
    pub overprovisioned_unit_hours: f64,
    /// What the scaled capacity cost over the trace, on-demand, and with the route's Spot share
    /// where it has one.
    pub cost: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub route: String,
    pub timeline: Vec<Sample>,
    pub summary: Summary,
}

/// Adds up a run second by second.
#[derive(Debug, Clone)]
pub struct Recorder {
    every: u64,
    acc: Sample,
    n: u64,
    pub timeline: Vec<Sample>,
    requests: f64,
    served: f64,
    lost: f64,
    short_since: Option<u64>,
    time_to_scale_out: Option<u64>,
    relaxed_since: Option<u64>,
    time_to_scale_in: Option<u64>,
    peak_capacity: u32,
    /// Unit-seconds serving, and the requests a unit serves a second: the idle share is
    /// worked out from them at the end.
    unit_seconds: u64,
    unit_rps: f64,
    /// The sample's unit counts, added as whole numbers.
    counts: (u64, u64, u64),
    cost: f64,
    /// The capacity the ceiling below was worked out for, and that ceiling's reciprocal: a
    /// run's capacity changes rarely, its seconds are many.
    ceiling_of: Option<(u32, f64)>,
    ceiling: f64,
    per_ceiling: f64,
}

/// One second of a run.
#[derive(Debug, Clone, Copy)]
pub struct Second {
    pub t: u64,
    pub demand: f64,
    pub capacity: u32,
    pub desired: u32,
    pub machines: u32,
    /// Requests a second one unit serves at 100 % CPU.
    pub unit_rps: f64,
    pub min: u32,
    /// What this second of capacity costs.
    pub cost: f64,
    /// The demand the minimum capacity serves at the policy's target.
    pub relaxed_at: f64,
}

impl Recorder {
    pub fn new(every: u64) -> Self {
        Self {
            every: every.max(1),
            acc: Sample::default(),
            n: 0,
            timeline: Vec::new(),
            requests: 0.0,
            served: 0.0,
            lost: 0.0,
            short_since: None,
            time_to_scale_out: None,
            relaxed_since: None,
            time_to_scale_in: None,
            peak_capacity: 0,
            unit_seconds: 0,
            unit_rps: 0.0,
            counts: (0, 0, 0),
            cost: 0.0,
            ceiling_of: None,
            ceiling: 0.0,
            per_ceiling: 0.0,
        }
    }

    /// Records a second; returns what was served and the serving units' CPU.
    #[inline]
    pub fn second(&mut self, s: Second) -> (f64, f64) {
        if self.ceiling_of != Some((s.capacity, s.unit_rps)) {
            self.ceiling = f64::from(s.capacity) * s.unit_rps;
            self.per_ceiling = if self.ceiling > 0.0 {
                100.0 / self.ceiling
            } else {
                0.0
            };
            self.ceiling_of = Some((s.capacity, s.unit_rps));
        }
        let served = s.demand.min(self.ceiling);
        let lost = s.demand - served;
        let utilisation = served * self.per_ceiling;
        self.requests += s.demand;
        self.served += served;
        self.lost += lost;
        self.cost += s.cost;
        self.peak_capacity = self.peak_capacity.max(s.capacity);
        self.unit_seconds += u64::from(s.capacity);
        self.unit_rps = s.unit_rps;
        if lost > 1e-9 {
            self.short_since.get_or_insert(s.t);
        } else if let Some(since) = self.short_since.take() {
            self.time_to_scale_out.get_or_insert(s.t - since);
        }
        if self.time_to_scale_out.is_some() && self.time_to_scale_in.is_none() {
            if s.demand <= s.relaxed_at {
                let since = *self.relaxed_since.get_or_insert(s.t);
                if s.desired <= s.min {
                    self.time_to_scale_in = Some(s.t - since);
                }
            } else {
                self.relaxed_since = None;
            }
        }
        let a = &mut self.acc;
        a.demand += s.demand;
        self.counts.0 += u64::from(s.capacity);
        self.counts.1 += u64::from(s.desired);
        self.counts.2 += u64::from(s.machines);
        a.utilisation += utilisation;
        a.served += served;
        a.lost += lost;
        self.n += 1;
        if self.n == self.every {
            self.flush(s.t + 1 - self.every);
        }
        (served, utilisation)
    }

    fn flush(&mut self, t: u64) {
        let n = self.n as f64;
        let a = self.acc;
        self.timeline.push(Sample {
            t,
            span: self.n,
            demand: a.demand / n,
            capacity: self.counts.0 as f64 / n,
            desired: self.counts.1 as f64 / n,
            machines: self.counts.2 as f64 / n,
            utilisation: a.utilisation / n,
            served: a.served,
            lost: a.lost,
        });
        self.acc = Sample::default();
        self.counts = (0, 0, 0);
        self.n = 0;
    }

    pub fn finish(mut self, route: &str, last: u64) -> Outcome {
        if self.n > 0 {
            self.flush(last + 1 - self.n);
        }
        if let Some(since) = self.short_since {
            self.time_to_scale_out.get_or_insert(last + 1 - since);
        }
        Outcome {
            route: route.to_string(),
            timeline: self.timeline,
            summary: Summary {
                requests: self.requests,
                served: self.served,
                lost: self.lost,
                lost_percent: if self.requests > 0.0 {
                    self.lost / self.requests * 100.0
                } else {
                    0.0
                },
                time_to_scale_out: self.time_to_scale_out,
                time_to_scale_in: self.time_to_scale_in,
                peak_capacity: self.peak_capacity,
                // The serving units' idle share: what they would have served and didn't.
                overprovisioned_unit_hours: if self.unit_rps > 0.0 {
                    (self.unit_seconds as f64 - self.served / self.unit_rps).max(0.0) / 3600.0
                } else {
                    0.0
                },
                cost: self.cost,
            },
        }
    }
}

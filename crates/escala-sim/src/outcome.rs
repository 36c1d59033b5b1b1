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
    /// Unit-hours serving beyond what the demand needed at 100 % CPU.
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
    over_unit_seconds: f64,
    cost: f64,
}

/// One second of a run.
#[derive(Debug, Clone, Copy)]
pub struct Second {
    pub t: u64,
    pub demand: f64,
    pub capacity: u32,
    pub desired: u32,
    pub machines: u32,
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
            over_unit_seconds: 0.0,
            cost: 0.0,
        }
    }

    /// Records a second; returns what was served and the serving units' CPU.
    pub fn second(&mut self, s: Second) -> (f64, f64) {
        let ceiling = f64::from(s.capacity) * s.unit_rps;
        let served = s.demand.min(ceiling);
        let lost = s.demand - served;
        let utilisation = if ceiling > 0.0 {
            served / ceiling * 100.0
        } else {
            0.0
        };
        self.requests += s.demand;
        self.served += served;
        self.lost += lost;
        self.cost += s.cost;
        self.peak_capacity = self.peak_capacity.max(s.capacity);
        let needed = if s.unit_rps > 0.0 {
            (s.demand / s.unit_rps).ceil()
        } else {
            0.0
        };
        self.over_unit_seconds += (f64::from(s.capacity) - needed).max(0.0);
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
        a.capacity += f64::from(s.capacity);
        a.desired += f64::from(s.desired);
        a.machines += f64::from(s.machines);
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
            capacity: a.capacity / n,
            desired: a.desired / n,
            machines: a.machines / n,
            utilisation: a.utilisation / n,
            served: a.served,
            lost: a.lost,
        });
        self.acc = Sample::default();
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
                overprovisioned_unit_hours: self.over_unit_seconds / 3600.0,
                cost: self.cost,
            },
        }
    }
}

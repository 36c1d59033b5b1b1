//! Target tracking as EC2 Auto Scaling and Application Auto Scaling run it: a datapoint a metric
//! period, the policy's two alarms evaluated by CloudWatch's rules, and while one is in ALARM the
//! capacity that brings the metric to its target (`escala_core::scaling`, as the sandbox's
//! runtime runs them).

use escala_core::scaling::alarm::{self, AlarmRule, AlarmState};
use escala_core::scaling::{target_tracking, Group, Service};

#[derive(Debug, Clone)]
pub struct Tracking {
    pub target: f64,
    pub service: Service,
    high: AlarmRule,
    low: AlarmRule,
    states: (AlarmState, AlarmState),
    datapoints: Vec<Option<f64>>,
    /// Application Auto Scaling's cooldowns, in seconds (EC2's warm-up is the pool's).
    pub cooldowns: Option<(u32, u32)>,
    last_out: Option<(u64, u32)>,
    last_in: Option<u64>,
    pub scale_in: bool,
}

impl Tracking {
    pub fn new(target: f64, service: Service) -> Self {
        Self {
            target,
            service,
            high: target_tracking::alarm_high(target),
            low: target_tracking::alarm_low(target, service),
            states: (AlarmState::InsufficientData, AlarmState::InsufficientData),
            datapoints: Vec::new(),
            cooldowns: None,
            last_out: None,
            last_in: None,
            scale_in: true,
        }
    }

    /// The end of a metric period at `t`, with its datapoint: the new desired capacity, if the
    /// policy changes it. For EC2, `group.warming` holds the instances in their warm-up; for
    /// Application Auto Scaling it is worked out here from the scale-out cooldown.
    pub fn period(&mut self, t: u64, datapoint: Option<f64>, mut group: Group) -> Option<u32> {
        self.datapoints.push(datapoint);
        let keep = self
            .high
            .evaluation_range()
            .max(self.low.evaluation_range());
        if self.datapoints.len() > keep {
            self.datapoints.drain(..self.datapoints.len() - keep);
        }
        let last = |rule: &AlarmRule| {
            &self.datapoints[self
                .datapoints
                .len()
                .saturating_sub(rule.evaluation_range())..]
        };
        let high = alarm::evaluate(&self.high, last(&self.high), self.states.0);
        let low = alarm::evaluate(&self.low, last(&self.low), self.states.1);
        self.states = (high, low);
        let metric = datapoint?;
        if high != AlarmState::Alarm && low != AlarmState::Alarm {
            return None;
        }
        let mut scale_in = self.scale_in;
        if let Some((out_cooldown, in_cooldown)) = self.cooldowns {
            let within = |at: u64, secs: u32| t < at + u64::from(secs);
            group.warming = self
                .last_out
                .filter(|(at, _)| within(*at, out_cooldown))
                .map_or(0, |(_, n)| n);
            scale_in &= !self.last_in.is_some_and(|at| within(at, in_cooldown));
        }
        let new = target_tracking::desired(group, metric, self.target, scale_in)?;
        if new > group.desired {
            self.last_out = Some((t, new - group.desired));
            // A scale-out ends Application Auto Scaling's scale-in cooldown.
            self.last_in = None;
        } else {
            self.last_in = Some(t);
        }
        Some(new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(desired: u32, warming: u32) -> Group {
        Group {
            min: 1,
            desired,
            max: 10,
            warming,
        }
    }

    // The scale-out alarm: 3 datapoints of 3 above the target; its first datapoints don't fire it.
    #[test]
    fn three_high_minutes_scale_out_in_proportion() {
        let mut tt = Tracking::new(50.0, Service::Ec2AutoScaling);
        assert_eq!(tt.period(60, Some(100.0), group(2, 0)), None);
        assert_eq!(tt.period(120, Some(100.0), group(2, 0)), None);
        assert_eq!(tt.period(180, Some(100.0), group(2, 0)), Some(4));
    }

    // Application Auto Scaling: what a scale-out added counts as warming during its cooldown.
    #[test]
    fn application_auto_scaling_waits_out_its_cooldowns() {
        let mut tt = Tracking::new(50.0, Service::ApplicationAutoScaling);
        tt.cooldowns = Some((300, 300));
        for t in [60, 120] {
            tt.period(t, Some(100.0), group(2, 0));
        }
        assert_eq!(tt.period(180, Some(100.0), group(2, 0)), Some(4));
        // Still above the target a minute later: the 2 added count as warming, so 2 × 2 = 4 stays.
        assert_eq!(tt.period(240, Some(100.0), group(4, 0)), None);
    }
}

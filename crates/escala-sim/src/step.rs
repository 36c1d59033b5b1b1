//! Step scaling as Escala's asg route puts it: an alarm on the group's average CPU above a
//! threshold for N one-minute datapoints of N, and a policy that adds a fixed number of instances
//! each period it is in ALARM, the instances still warming left out of the count it adds to
//! (`escala_core::scaling::step`, as the sandbox's runtime runs it).

use escala_core::scaling::alarm::{self, AlarmRule, AlarmState, Comparison, TreatMissing};
use escala_core::scaling::step::{self, AdjustmentType, StepAdjustment};
use escala_core::scaling::Group;

#[derive(Debug, Clone)]
pub struct StepPolicy {
    rule: AlarmRule,
    state: AlarmState,
    datapoints: Vec<Option<f64>>,
    add: u32,
}

impl StepPolicy {
    pub fn new(cpu_above: f64, add: u32, minutes: u32) -> Self {
        Self {
            rule: AlarmRule {
                threshold: cpu_above,
                comparison: Comparison::GreaterThanThreshold,
                period_seconds: 60,
                evaluation_periods: minutes.max(1),
                datapoints_to_alarm: minutes.max(1),
                treat_missing: TreatMissing::Missing,
            },
            state: AlarmState::InsufficientData,
            datapoints: Vec::new(),
            add,
        }
    }

    pub fn threshold(&self) -> f64 {
        self.rule.threshold
    }

    /// The end of a metric period, with its datapoint: the new desired capacity while the alarm
    /// is in ALARM.
    pub fn period(&mut self, datapoint: Option<f64>, group: Group) -> Option<u32> {
        self.datapoints.push(datapoint);
        let keep = self.rule.evaluation_range();
        if self.datapoints.len() > keep {
            self.datapoints.drain(..self.datapoints.len() - keep);
        }
        self.state = alarm::evaluate(&self.rule, &self.datapoints, self.state);
        let value = datapoint?;
        if self.state != AlarmState::Alarm {
            return None;
        }
        // Escala's one step: from the threshold up, add `add`.
        let steps = [StepAdjustment {
            lower: Some(0.0),
            upper: None,
            adjustment: self.add as i32,
        }];
        let s = step::step_for(&steps, value - self.rule.threshold)?;
        step::desired(group, AdjustmentType::ChangeInCapacity, s.adjustment, 0)
            .filter(|d| *d != group.desired)
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

    // The alarm needs its N datapoints above the threshold; then each period in ALARM adds the
    // step, counting from the instances that no longer warm up.
    #[test]
    fn two_high_minutes_add_the_step_each_period_in_alarm() {
        let mut p = StepPolicy::new(80.0, 2, 2);
        assert_eq!(p.period(Some(90.0), group(1, 0)), None);
        assert_eq!(p.period(Some(90.0), group(1, 0)), Some(3));
        assert_eq!(
            p.period(Some(90.0), group(3, 2)),
            None,
            "1 counted + 2 = 3: no change"
        );
        assert_eq!(p.period(Some(90.0), group(3, 0)), Some(5));
        assert_eq!(p.period(Some(50.0), group(5, 0)), None);
    }
}

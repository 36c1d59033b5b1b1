//! Target tracking: AWS keeps a metric near a target by creating two alarms and, when one fires,
//! setting the capacity in proportion to how far the metric is from the target.
//! Docs: "Target tracking scaling policies for Amazon EC2 Auto Scaling" (how it works, instance
//! warm-up, "Considerations"), and Application Auto Scaling's page of the same name.

use super::alarm::{AlarmRule, Comparison, TreatMissing};
use super::Group;

/// The scale-out alarm AWS creates: the metric above the target for 3 one-minute periods of 3.
pub fn alarm_high(target: f64) -> AlarmRule {
    AlarmRule {
        threshold: target,
        comparison: Comparison::GreaterThan,
        period_seconds: 60,
        evaluation_periods: 3,
        datapoints_to_alarm: 3,
        treat_missing: TreatMissing::Missing,
    }
}

/// The scale-in alarm: below 90% of the target for 15 periods of 15. The 10% gap keeps a group
/// at the target from flapping between sizes.
pub fn alarm_low(target: f64) -> AlarmRule {
    AlarmRule {
        threshold: target * 0.9,
        comparison: Comparison::LessThan,
        period_seconds: 60,
        evaluation_periods: 15,
        datapoints_to_alarm: 15,
        treat_missing: TreatMissing::Missing,
    }
}

/// The capacity target tracking asks for when one of its alarms fires, or `None` to stay.
///
/// The metric is an average over the instances that count (warming instances are left out of
/// it by the caller), so the capacity that brings it back to the target is
/// `ceil(serving × metric / target)`; instances still warming up are already on their way and
/// are not asked for twice. A scale-in waits until no instance is warming up, never goes below
/// the group's minimum, and doesn't happen when the policy disables it.
pub fn desired(group: Group, metric: f64, target: f64, scale_in: bool) -> Option<u32> {
    if target <= 0.0 || !metric.is_finite() {
        return None;
    }
    let serving = group.desired.saturating_sub(group.warming).max(1);
    let wanted = (serving as f64 * metric / target).ceil() as i64;
    if metric > target {
        let new = group.clamp(wanted.max(group.desired as i64));
        return (new > group.desired).then_some(new);
    }
    if !scale_in || group.warming > 0 {
        return None;
    }
    let new = group.clamp(wanted);
    (new < group.desired).then_some(new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(min: u32, desired: u32, max: u32, warming: u32) -> Group {
        Group {
            min,
            desired,
            max,
            warming,
        }
    }

    /// The docs' example: a target of 50% CPU, 10 instances at 70%: the policy asks for
    /// ceil(10 × 70 / 50) = 14 instances.
    #[test]
    fn scale_out_in_proportion_to_the_metric() {
        assert_eq!(desired(group(1, 10, 20, 0), 70.0, 50.0, true), Some(14));
    }

    #[test]
    fn never_above_max_nor_below_min() {
        assert_eq!(desired(group(1, 3, 4, 0), 100.0, 50.0, true), Some(4));
        assert_eq!(
            desired(group(1, 4, 4, 0), 100.0, 50.0, true),
            None,
            "already at max"
        );
        assert_eq!(desired(group(2, 4, 8, 0), 1.0, 50.0, true), Some(2));
        assert_eq!(
            desired(group(2, 2, 8, 0), 1.0, 50.0, true),
            None,
            "already at min"
        );
    }

    #[test]
    fn warming_instances_are_not_asked_for_twice() {
        // 2 serving at 90% with a target of 60 want 3; the group already launched a third.
        assert_eq!(desired(group(1, 3, 10, 1), 90.0, 60.0, true), None);
        // Hotter: 2 serving at 120% want 4, one more than the 3 already coming.
        assert_eq!(desired(group(1, 3, 10, 1), 120.0, 60.0, true), Some(4));
    }

    #[test]
    fn scale_in_waits_for_warm_up_and_can_be_disabled() {
        assert_eq!(desired(group(1, 4, 10, 0), 20.0, 60.0, true), Some(2));
        assert_eq!(desired(group(1, 4, 10, 1), 20.0, 60.0, true), None);
        assert_eq!(desired(group(1, 4, 10, 0), 20.0, 60.0, false), None);
    }

    #[test]
    fn the_alarms_aws_creates() {
        let high = alarm_high(70.0);
        assert_eq!(
            (
                high.threshold,
                high.evaluation_periods,
                high.datapoints_to_alarm
            ),
            (70.0, 3, 3)
        );
        let low = alarm_low(70.0);
        assert!((low.threshold - 63.0).abs() < 1e-9);
        assert_eq!((low.evaluation_periods, low.datapoints_to_alarm), (15, 15));
        assert_eq!(low.comparison, Comparison::LessThan);
    }
}

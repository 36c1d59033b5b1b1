//! Target tracking: AWS keeps a metric near a target by creating two alarms and, while one is in
//! ALARM, setting the capacity in proportion to how far the metric is from the target.
//! Docs: "Target tracking scaling policies for Amazon EC2 Auto Scaling"
//! (<https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html>:
//! considerations, instance warm-up) and Application Auto Scaling's page of the same name, whose
//! scale-out and scale-in cooldowns play the part of the warm-up.

use super::alarm::{AlarmRule, Comparison, TreatMissing};
use super::{Group, Service};

/// The scale-out alarm AWS creates (`TargetTracking-…-AlarmHigh-…`): the metric's average above
/// the target for 3 one-minute datapoints of 3. AWS doesn't document the alarms' settings (it
/// asks that they not be edited); these are what both services' alarms show.
pub fn alarm_high(target: f64) -> AlarmRule {
    AlarmRule {
        threshold: target,
        comparison: Comparison::GreaterThanThreshold,
        period_seconds: 60,
        evaluation_periods: 3,
        datapoints_to_alarm: 3,
        treat_missing: TreatMissing::Missing,
    }
}

/// The scale-in alarm (`…-AlarmLow-…`): below a share of the target for 15 datapoints of 15, so
/// a group at the target doesn't flap between sizes. The share isn't documented either:
/// Application Auto Scaling's alarms show 90 % (ECS targets of 70 and 80 give 63 and 72), EC2
/// Auto Scaling's recent ones 70 % (targets of 50 and 40 give 35 and 28).
pub fn alarm_low(target: f64, service: Service) -> AlarmRule {
    let share = match service {
        Service::Ec2AutoScaling => 0.7,
        Service::ApplicationAutoScaling => 0.9,
    };
    AlarmRule {
        threshold: target * share,
        comparison: Comparison::LessThanThreshold,
        period_seconds: 60,
        evaluation_periods: 15,
        datapoints_to_alarm: 15,
        treat_missing: TreatMissing::Missing,
    }
}

/// The desired capacity target tracking asks for while one of its alarms is in ALARM, or `None`
/// to stay.
///
/// `metric` comes from the capacity that counts, `group.desired − group.warming` (warming
/// instances are left out of the metric), so the capacity that brings it to the target is
/// `ceil(counted × metric / target)`. Rounding up adds 2 where 1.5 would do and removes 1 where
/// 1.5 could go, as AWS does to stay on the side of availability. A scale-out only ever raises
/// the desired capacity: what is still warming is already counted in it, so a further breach
/// adds only what goes beyond. A scale-in never goes below the minimum and waits while anything
/// is warming; `scale_in` is false when the policy disables it (or, for Application Auto
/// Scaling, while its scale-in cooldown runs).
pub fn desired(group: Group, metric: f64, target: f64, scale_in: bool) -> Option<u32> {
    if target <= 0.0 || !metric.is_finite() {
        return None;
    }
    let counted = group.desired.saturating_sub(group.warming);
    if counted == 0 {
        return None;
    }
    // The tolerance keeps 3 × (0.7 / 0.7) from becoming 4 through floating-point error.
    let wanted = (f64::from(counted) * metric / target - 1e-9).ceil() as i64;
    let new = group.clamp(wanted);
    if metric > target {
        (new > group.desired).then_some(new)
    } else if scale_in && group.warming == 0 {
        (new < group.desired).then_some(new)
    } else {
        None
    }
}

#[cfg(test)]
#[path = "target_tracking_tests.rs"]
mod tests;

//! Step and simple scaling: an alarm's breach picks a step by how far the metric is past the
//! threshold, and the step says how to change the capacity.
//! Docs: "Step and simple scaling policies for Amazon EC2 Auto Scaling" (step adjustments,
//! scaling adjustment types, instance warm-up, cooldowns).

use super::Group;

/// A step, its bounds relative to the alarm's threshold: lower inclusive, upper exclusive, a
/// missing bound unbounded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepAdjustment {
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub adjustment: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdjustmentType {
    ChangeInCapacity,
    ExactCapacity,
    PercentChangeInCapacity,
}

impl AdjustmentType {
    pub fn from_aws(s: &str) -> Option<Self> {
        Some(match s {
            "ChangeInCapacity" => AdjustmentType::ChangeInCapacity,
            "ExactCapacity" => AdjustmentType::ExactCapacity,
            "PercentChangeInCapacity" => AdjustmentType::PercentChangeInCapacity,
            _ => return None,
        })
    }
}

/// The step a breach falls in: `metric − threshold` within its bounds.
pub fn step_for(steps: &[StepAdjustment], breach: f64) -> Option<&StepAdjustment> {
    steps
        .iter()
        .find(|s| s.lower.is_none_or(|l| breach >= l) && s.upper.is_none_or(|u| breach < u))
}

/// A percent change in instances, rounded as AWS does: between 0 and 1 up to 1, above 1 down;
/// between −1 and 0 to −1, below −1 toward zero; then at least `min_magnitude` either way.
pub fn percent_change(current: u32, percent: i64, min_magnitude: u32) -> i64 {
    let raw = current as f64 * percent as f64 / 100.0;
    let rounded = if raw > 0.0 && raw < 1.0 {
        1
    } else if raw < 0.0 && raw > -1.0 {
        -1
    } else {
        raw.trunc() as i64
    };
    let min = min_magnitude as i64;
    if rounded > 0 && rounded < min {
        min
    } else if rounded < 0 && -rounded < min {
        -min
    } else {
        rounded
    }
}

/// The capacity an adjustment asks for, or `None` to stay. While instances warm up they count
/// toward the current capacity, and a further scale-out only adds what goes beyond them: a
/// breach that hits the same step again adds nothing, a higher step adds the difference.
pub fn desired(
    group: Group,
    kind: AdjustmentType,
    adjustment: i64,
    min_magnitude: u32,
) -> Option<u32> {
    let base = group.desired.saturating_sub(group.warming);
    let new = match kind {
        AdjustmentType::ExactCapacity => adjustment,
        AdjustmentType::ChangeInCapacity => base as i64 + adjustment,
        AdjustmentType::PercentChangeInCapacity => {
            base as i64 + percent_change(base, adjustment, min_magnitude)
        }
    };
    let new = if adjustment > 0 && group.warming > 0 {
        new.max(group.desired as i64)
    } else {
        new
    };
    let new = group.clamp(new);
    (new != group.desired).then_some(new)
}

/// Simple scaling waits out its cooldown after each activity (default 300 s) before it acts
/// again; `since_last` is the time since the group's last scaling activity, in seconds.
pub fn cooled_down(since_last: Option<f64>, cooldown_seconds: u32) -> bool {
    since_last.is_none_or(|s| s >= cooldown_seconds as f64)
}

/// A step list AWS would refuse: overlapping or gapped steps, or an unbounded end in the middle.
pub fn problem(steps: &[StepAdjustment]) -> Option<String> {
    let mut sorted: Vec<_> = steps.to_vec();
    sorted.sort_by(|a, b| {
        a.lower
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&b.lower.unwrap_or(f64::NEG_INFINITY))
    });
    for pair in sorted.windows(2) {
        match (pair[0].upper, pair[1].lower) {
            (Some(u), Some(l)) if (u - l).abs() < f64::EPSILON => {}
            (u, l) => return Some(format!(
                "steps must meet without gaps or overlaps: one ends at {}, the next starts at {}",
                u.map_or("no bound".into(), |v| v.to_string()),
                l.map_or("no bound".into(), |v| v.to_string())
            )),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(desired: u32, warming: u32) -> Group {
        Group {
            min: 1,
            desired,
            max: 20,
            warming,
        }
    }

    /// The docs' example: an alarm at 50% with steps 0–10 → +0%... here as instance counts:
    /// a threshold of 50, steps [0,10) +1, [10,20) +2, [20,∞) +3; the metric at 60 is 10 past.
    fn steps() -> Vec<StepAdjustment> {
        vec![
            StepAdjustment {
                lower: Some(0.0),
                upper: Some(10.0),
                adjustment: 1,
            },
            StepAdjustment {
                lower: Some(10.0),
                upper: Some(20.0),
                adjustment: 2,
            },
            StepAdjustment {
                lower: Some(20.0),
                upper: None,
                adjustment: 3,
            },
        ]
    }

    #[test]
    fn a_breach_picks_its_step_lower_bound_inclusive() {
        let s = steps();
        assert_eq!(step_for(&s, 5.0).unwrap().adjustment, 1);
        assert_eq!(step_for(&s, 10.0).unwrap().adjustment, 2);
        assert_eq!(step_for(&s, 45.0).unwrap().adjustment, 3);
        assert!(step_for(&s, -1.0).is_none());
        assert!(problem(&s).is_none());
        let gapped = [s[0], s[2]];
        assert!(problem(&gapped).unwrap().contains("gaps"));
    }

    /// The docs' rounding rule: "If the PercentChangeInCapacity returns a value between 0 and 1,
    /// Amazon EC2 Auto Scaling rounds it to 1; above 1 it rounds down (12.7 → 12); between 0 and
    /// −1 to −1; below −1 up (−6.67 → −6)."
    #[test]
    fn percent_changes_round_as_documented() {
        assert_eq!(percent_change(4, 10, 0), 1); // 0.4 → 1
        assert_eq!(percent_change(127, 10, 0), 12); // 12.7 → 12
        assert_eq!(percent_change(4, -10, 0), -1); // −0.4 → −1
        assert_eq!(percent_change(667, -1, 0), -6); // −6.67 → −6
        assert_eq!(percent_change(10, 10, 2), 2, "MinAdjustmentMagnitude");
    }

    #[test]
    fn adjustment_types() {
        assert_eq!(
            desired(group(4, 0), AdjustmentType::ChangeInCapacity, 2, 0),
            Some(6)
        );
        assert_eq!(
            desired(group(4, 0), AdjustmentType::ExactCapacity, 7, 0),
            Some(7)
        );
        assert_eq!(
            desired(group(10, 0), AdjustmentType::PercentChangeInCapacity, 50, 0),
            Some(15)
        );
        assert_eq!(
            desired(group(4, 0), AdjustmentType::ChangeInCapacity, -10, 0),
            Some(1),
            "min"
        );
        assert_eq!(
            desired(group(19, 0), AdjustmentType::ChangeInCapacity, 5, 0),
            Some(20),
            "max"
        );
    }

    /// The docs' warm-up example: a step adds 1 while that instance warms up; the same step again
    /// adds nothing, a step of +2 adds 1 more.
    #[test]
    fn warming_instances_count_toward_capacity() {
        assert_eq!(
            desired(group(11, 1), AdjustmentType::ChangeInCapacity, 1, 0),
            None
        );
        assert_eq!(
            desired(group(11, 1), AdjustmentType::ChangeInCapacity, 2, 0),
            Some(12)
        );
    }

    #[test]
    fn simple_scaling_waits_out_its_cooldown() {
        assert!(cooled_down(None, 300));
        assert!(!cooled_down(Some(299.0), 300));
        assert!(cooled_down(Some(300.0), 300));
    }
}

//! Step and simple scaling: an alarm's breach picks a step by how far the metric is past the
//! threshold, and the step's adjustment changes the capacity. Simple scaling is one adjustment
//! without steps, that waits out a cooldown after each activity (see [`super::cooldown`]).
//! Docs: "Step and simple scaling policies for Amazon EC2 Auto Scaling"
//! (<https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html>: step
//! adjustments, scaling adjustment types, instance warm-up); Application Auto Scaling's step
//! scaling follows the same rules.

use super::Group;

/// A step, its bounds relative to the alarm's threshold, `None` unbounded. Above the threshold
/// the lower bound is inclusive and the upper exclusive; below it, the other way round.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepAdjustment {
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub adjustment: i32,
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

/// The step a breach falls in, `breach` being the metric less the alarm's threshold. At the
/// threshold itself both readings of the bounds apply, so a scale-out step starting at 0 and a
/// scale-in step ending at 0 both take it.
pub fn step_for(steps: &[StepAdjustment], breach: f64) -> Option<&StepAdjustment> {
    let above = |s: &StepAdjustment| {
        s.lower.is_none_or(|l| breach >= l) && s.upper.is_none_or(|u| breach < u)
    };
    let below = |s: &StepAdjustment| {
        s.lower.is_none_or(|l| breach > l) && s.upper.is_none_or(|u| breach <= u)
    };
    steps
        .iter()
        .find(|s| (breach >= 0.0 && above(s)) || (breach <= 0.0 && below(s)))
}

/// A `PercentChangeInCapacity` of `current` in capacity units, rounded as AWS does: above 1
/// down (12.7 → 12), between 0 and 1 to 1, between −1 and 0 to −1, below −1 up (−6.67 → −6);
/// then at least `min_magnitude` (MinAdjustmentMagnitude, 0 for none) in the percentage's
/// direction. That floor also applies when the change rounds to 0 (a group at 0), which AWS
/// doesn't spell out; it is what the setting is for.
pub fn percent_change(current: u32, percent: i32, min_magnitude: u32) -> i64 {
    let raw = f64::from(current) * f64::from(percent) / 100.0;
    let rounded = if raw > 0.0 && raw < 1.0 {
        1
    } else if raw < 0.0 && raw > -1.0 {
        -1
    } else {
        raw.trunc() as i64
    };
    let floor = i64::from(min_magnitude);
    match percent.signum() {
        1 => rounded.max(floor),
        -1 => rounded.min(-floor),
        _ => 0,
    }
}

/// The desired capacity an adjustment asks for, or `None` to stay.
///
/// The current capacity it applies to leaves out instances still warming up, and a scale-out
/// only raises the desired capacity past what they already make: a second breach in the same
/// step adds nothing, a breach in a higher step adds the difference. A scale-in waits while
/// anything warms up. Simple scaling has no warm-up: pass `warming: 0` and check its cooldown.
pub fn desired(
    group: Group,
    kind: AdjustmentType,
    adjustment: i32,
    min_magnitude: u32,
) -> Option<u32> {
    let current = group.desired.saturating_sub(group.warming);
    let wanted = match kind {
        AdjustmentType::ExactCapacity => i64::from(adjustment),
        AdjustmentType::ChangeInCapacity => i64::from(current) + i64::from(adjustment),
        AdjustmentType::PercentChangeInCapacity => {
            i64::from(current) + percent_change(current, adjustment, min_magnitude)
        }
    };
    let new = group.clamp(wanted);
    if new > group.desired || (new < group.desired && group.warming == 0) {
        Some(new)
    } else {
        None
    }
}

/// What AWS would refuse in a policy's steps, as a sentence; `None` when they are valid. The
/// steps must not overlap nor leave a gap, only one may lack a lower bound and only one an
/// upper, none both, and a negative lower bound (positive upper) needs a step unbounded below
/// (above).
pub fn problem(steps: &[StepAdjustment]) -> Option<String> {
    let show = |b: f64| format!("{b}");
    if steps.is_empty() {
        return Some("a step scaling policy needs at least one step adjustment".into());
    }
    for s in steps {
        match (s.lower, s.upper) {
            (None, None) => {
                return Some("a step can't be unbounded both below and above".into());
            }
            (Some(l), Some(u)) if l >= u => {
                return Some(format!(
                    "a step's lower bound ({}) must be below its upper bound ({})",
                    show(l),
                    show(u)
                ));
            }
            _ => {}
        }
    }
    let unbounded_below = steps.iter().filter(|s| s.lower.is_none()).count();
    let unbounded_above = steps.iter().filter(|s| s.upper.is_none()).count();
    if unbounded_below > 1 || unbounded_above > 1 {
        return Some("only one step may be unbounded below, and only one above".into());
    }
    if unbounded_below == 0 && steps.iter().any(|s| s.lower.is_some_and(|l| l < 0.0)) {
        return Some("a negative lower bound needs a step unbounded below".into());
    }
    if unbounded_above == 0 && steps.iter().any(|s| s.upper.is_some_and(|u| u > 0.0)) {
        return Some("a positive upper bound needs a step unbounded above".into());
    }
    let mut sorted = steps.to_vec();
    sorted.sort_by(|a, b| {
        let key = |s: &StepAdjustment| s.lower.unwrap_or(f64::NEG_INFINITY);
        key(a).total_cmp(&key(b))
    });
    for pair in sorted.windows(2) {
        let (end, start) = (pair[0].upper, pair[1].lower);
        if end != start {
            // Sorted by lower bound, only the first step can lack one; a step unbounded above
            // followed by another overlaps it.
            let overlap = match (end, start) {
                (Some(e), Some(s)) => e > s,
                _ => true,
            };
            let word = |b: Option<f64>| b.map_or("no bound".into(), show);
            return Some(format!(
                "steps {}: one ends at {}, the next starts at {}",
                if overlap { "overlap" } else { "leave a gap" },
                word(end),
                word(start)
            ));
        }
    }
    None
}

#[cfg(test)]
#[path = "step_tests.rs"]
mod tests;

//! Rules more than one route's section shares: a size range (min ≤ desired ≤ max, with a cap) and
//! a scheduled action's name.

/// The most units a route's Spec may scale to: so a typo can't run up a bill.
pub const MAX_UNITS: u32 = 100;

/// What is wrong with `min` ≤ `desired` ≤ `max` of `unit`s (`instance`) in `whole` (`a group`).
pub fn range_problem(
    (min, desired, max): (u32, u32, u32),
    unit: &str,
    whole: &str,
) -> Option<String> {
    if max == 0 {
        Some(format!(
            "max is 0: {whole} needs room for at least one {unit}"
        ))
    } else if min > max {
        Some(format!("min {min} is above max {max}: min ≤ desired ≤ max"))
    } else if desired < min || desired > max {
        Some(format!(
            "desired {desired} is outside min {min} … max {max}: min ≤ desired ≤ max"
        ))
    } else if max > MAX_UNITS {
        Some(format!(
            "max {max}: Escala caps {whole} at {MAX_UNITS} {unit}s so a typo can't run up a bill"
        ))
    } else {
        None
    }
}

/// A scheduled action's name, as Auto Scaling and Application Auto Scaling both take it.
pub fn valid_action_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_name_what_is_wrong() {
        assert!(range_problem((1, 1, 2), "task", "a service").is_none());
        assert!(range_problem((0, 0, 0), "task", "a service")
            .unwrap()
            .contains("a service needs room for at least one task"));
        assert!(range_problem((1, 1, 101), "instance", "a group")
            .unwrap()
            .contains("caps a group at 100 instances"));
        assert!(valid_action_name("business-hours_1"));
        assert!(!valid_action_name("business hours"));
    }
}

//! Rules more than one route's section shares: a size range (min ≤ desired ≤ max, with a cap), a
//! scheduled action's name, and an EC2 instance type's shape and architecture.

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

/// An EC2 instance type's shape, `family.size`: `t3.micro`, `m7g.large`, `c6in.2xlarge`, `u-6tb1.metal`.
pub fn valid_instance_type(name: &str) -> bool {
    let ok = |s: &str, extra: &[u8]| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || extra.contains(&b))
    };
    matches!(name.split_once('.'), Some((family, size)) if ok(family, b"-") && ok(size, b""))
}

/// Whether an instance type is Graviton (arm64): its generation is followed by `g` (`t4g`, `m7gd`,
/// `c6gn`), where `g5` (a GPU family) and `m7i` are x86.
pub fn graviton(instance_type: &str) -> bool {
    let family = instance_type.split('.').next().unwrap_or_default();
    let after_generation = family
        .trim_start_matches(|c: char| c.is_ascii_lowercase())
        .trim_start_matches(|c: char| c.is_ascii_digit());
    after_generation.starts_with('g')
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
        assert!(valid_instance_type("m7i-flex.large") && !valid_instance_type("m7i"));
        for arm in ["t4g.small", "m7gd.large", "c6gn.xlarge", "g5g.xlarge"] {
            assert!(graviton(arm), "{arm}");
        }
        for x86 in ["t3.small", "g5.xlarge", "m7i.large", "m5ad.large"] {
            assert!(!graviton(x86), "{x86}");
        }
    }
}

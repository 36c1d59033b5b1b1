//! The Kubernetes versions EKS offers, from AWS's release calendar ("Understand the Kubernetes
//! version lifecycle on EKS", docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html):
//! a minor version has 14 months of standard support from its EKS release, then 12 of extended
//! support at six times the control plane's price, and then it is upgraded by AWS.

use jiff::civil::{date, Date};

/// One minor version's EKS dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EksVersion {
    pub minor: u32,
    pub released: Date,
    pub end_of_standard: Date,
    pub end_of_extended: Date,
}

/// Newest first. The calendar is AWS's as published; a version released since is still offered
/// by EKS itself, which `escala-aws` asks before planning.
pub const EKS_VERSIONS: [EksVersion; 6] = [
    v(35, date(2026, 1, 28), date(2027, 3, 27), date(2028, 3, 27)),
    v(34, date(2025, 10, 2), date(2026, 12, 2), date(2027, 12, 2)),
    v(33, date(2025, 5, 29), date(2026, 7, 29), date(2027, 7, 29)),
    v(32, date(2025, 1, 23), date(2026, 3, 23), date(2027, 3, 23)),
    v(
        31,
        date(2024, 9, 26),
        date(2025, 11, 26),
        date(2026, 11, 26),
    ),
    v(30, date(2024, 5, 23), date(2025, 7, 23), date(2026, 7, 23)),
];

const fn v(minor: u32, released: Date, end_of_standard: Date, end_of_extended: Date) -> EksVersion {
    EksVersion {
        minor,
        released,
        end_of_standard,
        end_of_extended,
    }
}

/// Where a version is in its life on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    Standard,
    /// Six times the control plane's hourly price.
    Extended,
    /// Past extended support, or not released: EKS doesn't create clusters on it.
    Unsupported,
}

/// The minor of a version written as EKS writes it ("1.35"), if it is one.
pub fn parse_minor(version: &str) -> Option<u32> {
    let minor = version.strip_prefix("1.")?;
    if minor.is_empty() || minor.starts_with('0') && minor.len() > 1 {
        return None;
    }
    minor.parse().ok()
}

pub fn known(minor: u32) -> Option<&'static EksVersion> {
    EKS_VERSIONS.iter().find(|v| v.minor == minor)
}

/// A version's support on `day`, from the calendar; `None` for a version the calendar doesn't list.
pub fn support(minor: u32, day: Date) -> Option<Support> {
    let v = known(minor)?;
    Some(if day < v.released || day >= v.end_of_extended {
        Support::Unsupported
    } else if day < v.end_of_standard {
        Support::Standard
    } else {
        Support::Extended
    })
}

/// The versions EKS creates clusters on, on `day`, newest first, for an error to name.
pub fn offered(day: Date) -> Vec<String> {
    EKS_VERSIONS
        .iter()
        .filter(|v| support(v.minor, day) != Some(Support::Unsupported))
        .map(|v| format!("1.{}", v.minor))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_is_standard_then_extended_then_gone() {
        assert_eq!(support(34, date(2026, 12, 1)), Some(Support::Standard));
        assert_eq!(support(34, date(2026, 12, 2)), Some(Support::Extended));
        assert_eq!(support(31, date(2026, 11, 26)), Some(Support::Unsupported));
        assert_eq!(support(35, date(2026, 1, 1)), Some(Support::Unsupported));
        assert_eq!(support(20, date(2026, 1, 1)), None);
        assert_eq!(offered(date(2026, 12, 4)), ["1.35", "1.34", "1.33", "1.32"]);
    }

    #[test]
    fn versions_are_read_as_eks_writes_them() {
        assert_eq!(parse_minor("1.35"), Some(35));
        for bad in ["1.", "1.035", "2.1", "1.35.2", "v1.35", "135"] {
            assert_eq!(parse_minor(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_calendar_is_newest_first_and_each_version_has_14_then_12_months() {
        for pair in EKS_VERSIONS.windows(2) {
            assert_eq!(pair[0].minor, pair[1].minor + 1);
        }
        for v in EKS_VERSIONS {
            assert_eq!(
                v.end_of_extended,
                v.end_of_standard.saturating_add(jiff::Span::new().years(1))
            );
            let standard = v.released.until(v.end_of_standard).unwrap();
            let months = standard.total((jiff::Unit::Month, v.released)).unwrap();
            assert!(
                (13.5..14.5).contains(&months),
                "1.{}: {months} months",
                v.minor
            );
        }
    }
}

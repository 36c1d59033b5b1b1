//! Target health as ALB works it out: a check every interval on the group's path, healthy after
//! `healthyThreshold` passes in a row, unhealthy after `unhealthyThreshold` failures in a row.

use std::time::{Duration, Instant};

use crate::world::HealthCheck;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// Registered, not yet through its first checks.
    Initial,
    Healthy,
    Unhealthy,
}

impl Health {
    /// DescribeTargetHealth's state, reason and description.
    pub fn as_aws(self) -> (&'static str, Option<&'static str>, Option<&'static str>) {
        match self {
            Health::Initial => (
                "initial",
                Some("Elb.RegistrationInProgress"),
                Some("Target registration is in progress"),
            ),
            Health::Healthy => ("healthy", None, None),
            Health::Unhealthy => (
                "unhealthy",
                Some("Target.FailedHealthChecks"),
                Some("Health checks failed"),
            ),
        }
    }
}

/// One target's run of checks.
#[derive(Debug, Clone)]
pub struct Checks {
    pub health: Health,
    passes: u32,
    failures: u32,
    last: Option<Instant>,
}

impl Default for Checks {
    fn default() -> Self {
        Self {
            health: Health::Initial,
            passes: 0,
            failures: 0,
            last: None,
        }
    }
}

impl Checks {
    /// Whether a check is due, `interval` (wall time) after the last.
    pub fn due(&self, now: Instant, interval: Duration) -> bool {
        self.last.is_none_or(|l| now.duration_since(l) >= interval)
    }

    /// Records a check's result; returns the new health when it changed.
    pub fn record(&mut self, now: Instant, passed: bool, rule: &HealthCheck) -> Option<Health> {
        self.last = Some(now);
        let before = self.health;
        if passed {
            self.passes += 1;
            self.failures = 0;
            if self.passes >= rule.healthy_threshold {
                self.health = Health::Healthy;
            }
        } else {
            self.failures += 1;
            self.passes = 0;
            if self.failures >= rule.unhealthy_threshold {
                self.health = Health::Unhealthy;
            }
        }
        (self.health != before).then_some(self.health)
    }
}

/// Whether a status code passes the group's matcher: "200", "200,302", "200-299".
pub fn matches(matcher: &str, status: u16) -> bool {
    matcher.split(',').any(|part| match part.trim().split_once('-') {
        Some((lo, hi)) => matches!((lo.parse::<u16>(), hi.parse::<u16>()), (Ok(lo), Ok(hi)) if (lo..=hi).contains(&status)),
        None => part.trim().parse::<u16>() == Ok(status),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> HealthCheck {
        HealthCheck {
            enabled: true,
            path: "/".into(),
            interval_seconds: 30,
            timeout_seconds: 5,
            healthy_threshold: 3,
            unhealthy_threshold: 2,
            matcher: "200".into(),
        }
    }

    #[test]
    fn healthy_after_the_threshold_of_passes_and_unhealthy_after_failures() {
        let mut c = Checks::default();
        let now = Instant::now();
        assert_eq!(c.record(now, true, &rule()), None);
        assert_eq!(c.record(now, true, &rule()), None);
        assert_eq!(c.record(now, true, &rule()), Some(Health::Healthy));
        assert_eq!(
            c.record(now, false, &rule()),
            None,
            "one failure is not enough"
        );
        assert_eq!(
            c.record(now, true, &rule()),
            None,
            "a pass resets the failures"
        );
        assert_eq!(c.record(now, false, &rule()), None);
        assert_eq!(c.record(now, false, &rule()), Some(Health::Unhealthy));
        assert_eq!(c.record(now, true, &rule()), None);
        assert_eq!(c.record(now, true, &rule()), None);
        assert_eq!(c.record(now, true, &rule()), Some(Health::Healthy));
    }

    #[test]
    fn checks_are_due_each_interval() {
        let mut c = Checks::default();
        let t = Instant::now();
        assert!(c.due(t, Duration::from_secs(3)));
        c.record(t, true, &rule());
        assert!(!c.due(t + Duration::from_secs(2), Duration::from_secs(3)));
        assert!(c.due(t + Duration::from_secs(3), Duration::from_secs(3)));
    }

    #[test]
    fn matchers_take_codes_lists_and_ranges() {
        assert!(matches("200", 200));
        assert!(!matches("200", 204));
        assert!(matches("200,302", 302));
        assert!(matches("200-299", 204));
        assert!(!matches("200-299", 301));
    }
}

//! The sandbox's time factor: how many times faster than AWS every period runs.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::SandboxError;

/// `escala sandbox start --speed N`: metric periods, alarm evaluation, grace periods, warm-up,
/// cooldowns, health-check intervals and the scheduled clock all run N times faster, so a
/// scale-out that takes minutes on AWS can be watched in seconds.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Speed(f64);

impl Speed {
    /// AWS's own pace.
    pub const REAL: Speed = Speed(1.0);
    /// At 100×, AWS's one-minute metric period is 0.6 s and a 5 s health check 50 ms: faster, and
    /// the runtime's own round trips to the emulator (a few ms each) would be a visible share of
    /// every period.
    pub const MAX: f64 = 100.0;

    pub fn new(factor: f64) -> Result<Self, SandboxError> {
        if !factor.is_finite() || factor <= 0.0 {
            return Err(SandboxError::Speed(format!(
                "{factor} is not a time factor: it must be a number above 0 (1 is AWS's own pace)"
            )));
        }
        if factor > Self::MAX {
            return Err(SandboxError::Speed(format!(
                "{factor} is above the largest time factor, {}",
                Self::MAX
            )));
        }
        Ok(Self(factor))
    }

    pub fn factor(self) -> f64 {
        self.0
    }

    /// The wall-clock time that stands for `aws` of AWS's time.
    pub fn wall(self, aws: Duration) -> Duration {
        aws.div_f64(self.0)
    }

    /// The AWS time that `wall` of wall-clock time stands for.
    pub fn aws(self, wall: Duration) -> Duration {
        wall.mul_f64(self.0)
    }
}

impl Default for Speed {
    fn default() -> Self {
        Self::REAL
    }
}

impl TryFrom<f64> for Speed {
    type Error = SandboxError;
    fn try_from(f: f64) -> Result<Self, SandboxError> {
        Self::new(f)
    }
}

impl From<Speed> for f64 {
    fn from(s: Speed) -> f64 {
        s.0
    }
}

impl FromStr for Speed {
    type Err = SandboxError;
    fn from_str(s: &str) -> Result<Self, SandboxError> {
        let trimmed = s.trim().trim_end_matches(['x', '×']);
        let factor: f64 = trimmed.parse().map_err(|_| {
            SandboxError::Speed(format!(
                "'{s}' is not a number: give the time factor as 1, 10 or 2.5"
            ))
        })?;
        Self::new(factor)
    }
}

impl fmt::Display for Speed {
    /// `10×`, `2.5×`: how the factor is shown wherever time is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}×", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_in_range_parse_and_scale_periods() {
        let s: Speed = "10".parse().unwrap();
        assert_eq!(s.wall(Duration::from_secs(60)), Duration::from_secs(6));
        assert_eq!(s.aws(Duration::from_secs(6)), Duration::from_secs(60));
        assert_eq!("2.5x".parse::<Speed>().unwrap().factor(), 2.5);
        assert_eq!(s.to_string(), "10×");
        assert_eq!(Speed::default(), Speed::REAL);
    }

    #[test]
    fn bad_factors_say_why() {
        for (input, says) in [
            ("0", "above 0"),
            ("-3", "above 0"),
            ("NaN", "above 0"),
            ("101", "largest time factor, 100"),
            ("fast", "'fast' is not a number"),
            ("", "not a number"),
        ] {
            let e = input.parse::<Speed>().unwrap_err().to_string();
            assert!(e.contains(says), "{input}: {e}");
        }
    }
}

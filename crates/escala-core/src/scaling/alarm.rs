//! CloudWatch metric alarms: each period's samples make one datapoint by the alarm's statistic,
//! and the alarm is in ALARM when M of its last N datapoints (datapoints to alarm, evaluation
//! periods) breach the threshold. Periods without data are handled as AWS documents in
//! "Configuring how CloudWatch alarms treat missing data"
//! (<https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html>,
//! formerly a section of "Using Amazon CloudWatch alarms").

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlarmState {
    Ok,
    Alarm,
    InsufficientData,
}

impl AlarmState {
    pub fn as_aws(self) -> &'static str {
        match self {
            AlarmState::Ok => "OK",
            AlarmState::Alarm => "ALARM",
            AlarmState::InsufficientData => "INSUFFICIENT_DATA",
        }
    }

    /// Anything but `OK` and `ALARM` reads as `INSUFFICIENT_DATA`, the state a new alarm is in.
    pub fn from_aws(s: &str) -> Self {
        match s {
            "ALARM" => AlarmState::Alarm,
            "OK" => AlarmState::Ok,
            _ => AlarmState::InsufficientData,
        }
    }
}

/// `ComparisonOperator`, for the four static thresholds (anomaly bands are left out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    GreaterThanThreshold,
    GreaterThanOrEqualToThreshold,
    LessThanThreshold,
    LessThanOrEqualToThreshold,
}

impl Comparison {
    pub fn from_aws(s: &str) -> Option<Self> {
        Some(match s {
            "GreaterThanThreshold" => Comparison::GreaterThanThreshold,
            "GreaterThanOrEqualToThreshold" => Comparison::GreaterThanOrEqualToThreshold,
            "LessThanThreshold" => Comparison::LessThanThreshold,
            "LessThanOrEqualToThreshold" => Comparison::LessThanOrEqualToThreshold,
            _ => return None,
        })
    }

    pub fn as_aws(self) -> &'static str {
        match self {
            Comparison::GreaterThanThreshold => "GreaterThanThreshold",
            Comparison::GreaterThanOrEqualToThreshold => "GreaterThanOrEqualToThreshold",
            Comparison::LessThanThreshold => "LessThanThreshold",
            Comparison::LessThanOrEqualToThreshold => "LessThanOrEqualToThreshold",
        }
    }

    pub fn breaches(self, value: f64, threshold: f64) -> bool {
        match self {
            Comparison::GreaterThanThreshold => value > threshold,
            Comparison::GreaterThanOrEqualToThreshold => value >= threshold,
            Comparison::LessThanThreshold => value < threshold,
            Comparison::LessThanOrEqualToThreshold => value <= threshold,
        }
    }

    /// How a state reason words it: "greater than the threshold".
    pub fn words(self) -> &'static str {
        match self {
            Comparison::GreaterThanThreshold => "greater than",
            Comparison::GreaterThanOrEqualToThreshold => "greater than or equal to",
            Comparison::LessThanThreshold => "less than",
            Comparison::LessThanOrEqualToThreshold => "less than or equal to",
        }
    }
}

/// The statistic that makes a period's datapoint from its samples (percentiles are left out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statistic {
    Average,
    Sum,
    Minimum,
    Maximum,
    SampleCount,
}

impl Statistic {
    pub fn from_aws(s: &str) -> Option<Self> {
        Some(match s {
            "Average" => Statistic::Average,
            "Sum" => Statistic::Sum,
            "Minimum" => Statistic::Minimum,
            "Maximum" => Statistic::Maximum,
            "SampleCount" => Statistic::SampleCount,
            _ => return None,
        })
    }

    /// One period's datapoint from its raw samples; `None` (a missing datapoint) without any.
    pub fn of(self, samples: &[f64]) -> Option<f64> {
        if samples.is_empty() {
            return None;
        }
        let sum: f64 = samples.iter().sum();
        Some(match self {
            Statistic::Average => sum / samples.len() as f64,
            Statistic::Sum => sum,
            Statistic::Minimum => samples.iter().copied().fold(f64::INFINITY, f64::min),
            Statistic::Maximum => samples.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            Statistic::SampleCount => samples.len() as f64,
        })
    }
}

/// `TreatMissingData`: what a missing datapoint counts as when too few real ones are left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreatMissing {
    /// AWS's default: missing data counts as neither; all missing is INSUFFICIENT_DATA.
    Missing,
    NotBreaching,
    Breaching,
    /// The alarm keeps its state where missing data would have to decide it.
    Ignore,
}

impl TreatMissing {
    /// An absent or unknown value is AWS's default, `missing`.
    pub fn from_aws(s: &str) -> Self {
        match s {
            "notBreaching" => TreatMissing::NotBreaching,
            "breaching" => TreatMissing::Breaching,
            "ignore" => TreatMissing::Ignore,
            _ => TreatMissing::Missing,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlarmRule {
    pub threshold: f64,
    pub comparison: Comparison,
    pub period_seconds: u32,
    pub evaluation_periods: u32,
    /// 0 stands for unset, which AWS takes as `evaluation_periods`.
    pub datapoints_to_alarm: u32,
    pub treat_missing: TreatMissing,
}

impl AlarmRule {
    /// How many periods to hand [`evaluate`]: CloudWatch retrieves more than N, so that older
    /// real datapoints can stand in for missing recent ones. AWS doesn't publish the number (it
    /// "depends on the length of the alarm period"); its examples retrieve 5 for N = 3, so we
    /// take N + 2.
    pub fn evaluation_range(&self) -> usize {
        self.evaluation_periods as usize + 2
    }

    fn m_and_n(&self) -> (usize, usize) {
        let n = self.evaluation_periods.max(1) as usize;
        let m = match self.datapoints_to_alarm as usize {
            0 => n,
            m => m.min(n),
        };
        (m, n)
    }
}

/// The alarm's state after the periods of its evaluation range: `datapoints` holds one per
/// period, oldest first, `None` where a period has no data (see [`AlarmRule::evaluation_range`];
/// exactly `evaluation_periods` of them also works, without the older stand-ins).
///
/// As AWS documents: with at least N real datapoints in the range, the N most recent real ones
/// decide and missing ones are skipped. With fewer, all real ones count and N − real missing
/// ones are filled as the alarm treats missing data; `missing` and `ignore` fill nothing, and
/// then an alarm whose real datapoints all breach goes to ALARM only once the oldest breaching
/// one within the last N periods is at least M periods old ("avoiding premature transitions"),
/// `ignore` keeping its state instead. When they are too few and too recent for that, AWS says
/// only that the alarm "does not go immediately into ALARM"; it then keeps its state.
pub fn evaluate(rule: &AlarmRule, datapoints: &[Option<f64>], previous: AlarmState) -> AlarmState {
    let (m, n) = rule.m_and_n();
    let breaching = |v: &f64| rule.comparison.breaches(*v, rule.threshold);
    let real: Vec<bool> = datapoints.iter().flatten().map(breaching).collect();
    let alarm_if = |alarm: bool| {
        if alarm {
            AlarmState::Alarm
        } else {
            AlarmState::Ok
        }
    };
    if real.len() >= n {
        let recent = real[real.len() - n..].iter().filter(|b| **b).count();
        return alarm_if(recent >= m);
    }
    let breaches = real.iter().filter(|b| **b).count();
    let filled = n - real.len();
    let ignore = rule.treat_missing == TreatMissing::Ignore;
    match rule.treat_missing {
        TreatMissing::Breaching => alarm_if(breaches + filled >= m),
        TreatMissing::NotBreaching => alarm_if(breaches >= m),
        TreatMissing::Missing | TreatMissing::Ignore => {
            if real.is_empty() {
                if ignore {
                    previous
                } else {
                    AlarmState::InsufficientData
                }
            } else if breaches >= m {
                AlarmState::Alarm
            } else if breaches < real.len() {
                AlarmState::Ok
            } else if oldest_in_window(datapoints, n) >= m && !ignore {
                AlarmState::Alarm
            } else {
                previous
            }
        }
    }
}

/// How many periods old (the newest being 1) the oldest real datapoint within the last `n`
/// periods is; 0 when there is none.
fn oldest_in_window(datapoints: &[Option<f64>], n: usize) -> usize {
    let window = &datapoints[datapoints.len().saturating_sub(n)..];
    window
        .iter()
        .position(Option::is_some)
        .map_or(0, |i| window.len() - i)
}

#[cfg(test)]
#[path = "alarm_tests.rs"]
mod tests;

//! CloudWatch alarm evaluation: of the last N periods (evaluation periods), the alarm goes to
//! ALARM when M of them (datapoints to alarm) breach the threshold; missing periods count as the
//! alarm's `TreatMissingData` says.
//! Docs: "Using Amazon CloudWatch alarms", sections "Evaluating an alarm" and "Configuring how
//! CloudWatch alarms treat missing data".

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

    pub fn from_aws(s: &str) -> Self {
        match s {
            "ALARM" => AlarmState::Alarm,
            "OK" => AlarmState::Ok,
            _ => AlarmState::InsufficientData,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
}

impl Comparison {
    pub fn from_aws(s: &str) -> Option<Self> {
        Some(match s {
            "GreaterThanThreshold" => Comparison::GreaterThan,
            "GreaterThanOrEqualToThreshold" => Comparison::GreaterThanOrEqual,
            "LessThanThreshold" => Comparison::LessThan,
            "LessThanOrEqualToThreshold" => Comparison::LessThanOrEqual,
            _ => return None,
        })
    }

    pub fn breaches(self, value: f64, threshold: f64) -> bool {
        match self {
            Comparison::GreaterThan => value > threshold,
            Comparison::GreaterThanOrEqual => value >= threshold,
            Comparison::LessThan => value < threshold,
            Comparison::LessThanOrEqual => value <= threshold,
        }
    }

    /// How AWS words it in a state reason: "greater than the threshold".
    pub fn words(self) -> &'static str {
        match self {
            Comparison::GreaterThan => "greater than",
            Comparison::GreaterThanOrEqual => "greater than or equal to",
            Comparison::LessThan => "less than",
            Comparison::LessThanOrEqual => "less than or equal to",
        }
    }
}

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

    /// One period's value from its samples; `None` when there are none.
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreatMissing {
    /// The default: missing periods are neither breaching nor not; all missing is
    /// INSUFFICIENT_DATA.
    Missing,
    NotBreaching,
    Breaching,
    /// The alarm keeps its state when the present periods can't decide.
    Ignore,
}

impl TreatMissing {
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
    pub datapoints_to_alarm: u32,
    pub treat_missing: TreatMissing,
}

/// The alarm's state after its last `evaluation_periods` periods (`datapoints`, oldest first,
/// `None` where a period has no data), given the state it was in.
pub fn evaluate(rule: &AlarmRule, datapoints: &[Option<f64>], previous: AlarmState) -> AlarmState {
    let n = rule.evaluation_periods as usize;
    let window = &datapoints[datapoints.len().saturating_sub(n)..];
    let mut breaching = 0usize;
    let mut deciding = 0usize;
    for point in window {
        match (point, rule.treat_missing) {
            (Some(v), _) => {
                deciding += 1;
                if rule.comparison.breaches(*v, rule.threshold) {
                    breaching += 1;
                }
            }
            (None, TreatMissing::Breaching) => {
                deciding += 1;
                breaching += 1;
            }
            (None, TreatMissing::NotBreaching) => deciding += 1,
            (None, TreatMissing::Missing | TreatMissing::Ignore) => {}
        }
    }
    if breaching >= rule.datapoints_to_alarm.max(1) as usize {
        return AlarmState::Alarm;
    }
    if deciding == 0 {
        return match rule.treat_missing {
            TreatMissing::Ignore => previous,
            _ => AlarmState::InsufficientData,
        };
    }
    // Fewer breaching than M, but could the missing periods still make M? Then the periods
    // present don't decide, and an alarm in ALARM stays there (the docs' "0 - X - X" rows).
    let missing = window.len() - deciding;
    if previous == AlarmState::Alarm && breaching + missing >= rule.datapoints_to_alarm as usize {
        return AlarmState::Alarm;
    }
    AlarmState::Ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(m: u32, n: u32, treat: TreatMissing) -> AlarmRule {
        AlarmRule {
            threshold: 70.0,
            comparison: Comparison::GreaterThan,
            period_seconds: 60,
            evaluation_periods: n,
            datapoints_to_alarm: m,
            treat_missing: treat,
        }
    }

    const X: Option<f64> = Some(90.0); // breaching
    const O: Option<f64> = Some(10.0); // not breaching
    const MISSING: Option<f64> = None;

    /// The docs' table ("Configuring how CloudWatch alarms treat missing data"), for an alarm of
    /// 3 datapoints to alarm out of 3 evaluation periods; rows are oldest first.
    #[test]
    fn the_docs_missing_data_table_three_of_three() {
        use AlarmState::*;
        use TreatMissing::*;
        let r = |t| rule(3, 3, t);
        // 0 - 0 - 0: all present, none breaching.
        for t in [Missing, Ignore, Breaching, NotBreaching] {
            assert_eq!(evaluate(&r(t), &[O, O, O], Ok), Ok);
        }
        // 0 - 0 - X.
        assert_eq!(evaluate(&r(Missing), &[O, O, X], Ok), Ok);
        // 0 - - -  (one present, not breaching, two missing).
        assert_eq!(evaluate(&r(Breaching), &[O, MISSING, MISSING], Ok), Ok);
        // - - -  all missing.
        assert_eq!(evaluate(&r(Missing), &[MISSING; 3], Ok), InsufficientData);
        assert_eq!(
            evaluate(&r(Ignore), &[MISSING; 3], Ok),
            Ok,
            "ignore keeps the state"
        );
        assert_eq!(evaluate(&r(Breaching), &[MISSING; 3], Ok), Alarm);
        assert_eq!(evaluate(&r(NotBreaching), &[MISSING; 3], Alarm), Ok);
        // X - X - -: two breaching and a missing: breaching makes 3.
        assert_eq!(evaluate(&r(Breaching), &[X, X, MISSING], Ok), Alarm);
        assert_eq!(evaluate(&r(NotBreaching), &[X, X, MISSING], Ok), Ok);
    }

    #[test]
    fn m_out_of_n() {
        let r = rule(2, 3, TreatMissing::Missing);
        assert_eq!(evaluate(&r, &[X, O, X], AlarmState::Ok), AlarmState::Alarm);
        assert_eq!(evaluate(&r, &[X, O, O], AlarmState::Alarm), AlarmState::Ok);
        // Only the last N periods count.
        assert_eq!(
            evaluate(&r, &[X, X, O, O, O], AlarmState::Ok),
            AlarmState::Ok
        );
    }

    #[test]
    fn statistics_aggregate_a_periods_samples() {
        let s = [1.0, 2.0, 6.0];
        assert_eq!(Statistic::Average.of(&s), Some(3.0));
        assert_eq!(Statistic::Sum.of(&s), Some(9.0));
        assert_eq!(Statistic::Minimum.of(&s), Some(1.0));
        assert_eq!(Statistic::Maximum.of(&s), Some(6.0));
        assert_eq!(Statistic::SampleCount.of(&s), Some(3.0));
        assert_eq!(Statistic::Average.of(&[]), None);
    }

    #[test]
    fn comparisons_match_their_names() {
        let c = |s| Comparison::from_aws(s).unwrap();
        assert!(c("GreaterThanThreshold").breaches(71.0, 70.0));
        assert!(!c("GreaterThanThreshold").breaches(70.0, 70.0));
        assert!(c("GreaterThanOrEqualToThreshold").breaches(70.0, 70.0));
        assert!(c("LessThanThreshold").breaches(62.9, 63.0));
        assert!(c("LessThanOrEqualToThreshold").breaches(63.0, 63.0));
        assert!(Comparison::from_aws("Sideways").is_none());
    }
}

use super::*;
use AlarmState::{Alarm, InsufficientData, Ok};
use TreatMissing::{Breaching, Ignore, Missing, NotBreaching};

fn rule(m: u32, n: u32, treat: TreatMissing) -> AlarmRule {
    AlarmRule {
        threshold: 70.0,
        comparison: Comparison::GreaterThanThreshold,
        period_seconds: 60,
        evaluation_periods: n,
        datapoints_to_alarm: m,
        treat_missing: treat,
    }
}

/// The docs' notation, oldest first: `0` not breaching, `X` breaching, `-` missing.
fn points(row: &str) -> Vec<Option<f64>> {
    row.split_whitespace()
        .map(|p| match p {
            "0" => Some(10.0),
            "X" => Some(90.0),
            _ => None,
        })
        .collect()
}

/// `None` stands for the table's "Retain current state": checked from two different states.
type Row = (&'static str, [Option<AlarmState>; 4]);

fn check(m: u32, table: &[Row]) {
    for (row, expected) in table {
        let treats = [Missing, Ignore, Breaching, NotBreaching];
        for (treat, want) in treats.into_iter().zip(expected) {
            for previous in [Ok, Alarm, InsufficientData] {
                let got = evaluate(&rule(m, 3, treat), &points(row), previous);
                assert_eq!(
                    got,
                    want.unwrap_or(previous),
                    "{m} of 3, {row}, {treat:?}, from {previous:?}"
                );
            }
        }
    }
}

// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html
// ("How alarm state is evaluated when data is missing", first table: 3 datapoints to alarm of 3
// evaluation periods, an evaluation range of 5; columns MISSING, IGNORE, BREACHING, NOT
// BREACHING).
#[test]
fn the_docs_missing_data_table_three_of_three() {
    check(
        3,
        &[
            ("0 - X - X", [Some(Ok), Some(Ok), Some(Ok), Some(Ok)]),
            ("0 - - - -", [Some(Ok), Some(Ok), Some(Ok), Some(Ok)]),
            (
                "- - - - -",
                [Some(InsufficientData), None, Some(Alarm), Some(Ok)],
            ),
            (
                "0 X X - X",
                [Some(Alarm), Some(Alarm), Some(Alarm), Some(Alarm)],
            ),
            ("- - X - -", [Some(Alarm), None, Some(Alarm), Some(Ok)]),
        ],
    );
}

// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html
// (second table: the M out of N alarm, 2 of 3).
#[test]
fn the_docs_missing_data_table_two_of_three() {
    check(
        2,
        &[
            (
                "0 - X - X",
                [Some(Alarm), Some(Alarm), Some(Alarm), Some(Alarm)],
            ),
            (
                "0 0 X 0 X",
                [Some(Alarm), Some(Alarm), Some(Alarm), Some(Alarm)],
            ),
            ("0 - X - -", [Some(Ok), Some(Ok), Some(Alarm), Some(Ok)]),
            ("- - - - 0", [Some(Ok), Some(Ok), Some(Alarm), Some(Ok)]),
            ("- - - X -", [Some(Alarm), None, Some(Alarm), Some(Ok)]),
        ],
    );
}

// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html
// ("Avoiding premature transitions to alarm state": with 3 of 3, `- - - - X` and `- - - X -`
// don't go to ALARM, since the next datapoint may not breach).
#[test]
fn a_lone_recent_breach_is_not_yet_an_alarm() {
    for row in ["- - - - X", "- - - X -"] {
        for previous in [Ok, InsufficientData] {
            assert_eq!(
                evaluate(&rule(3, 3, Missing), &points(row), previous),
                previous,
                "{row}"
            );
        }
    }
    // One period on, the breach is old enough: `- - X - -` (the tables' row 5).
    assert_eq!(
        evaluate(&rule(3, 3, Missing), &points("- - X - -"), Ok),
        Alarm
    );
}

// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
// ("Evaluating an alarm": threshold 3, 3 of 3; ALARM once periods 3 to 5 are above it, OK
// again when period 6 dips below, and a single breach in period 9 leaves it OK).
#[test]
fn the_docs_figure_of_a_three_of_three_alarm() {
    let rule = AlarmRule {
        threshold: 3.0,
        ..rule(3, 3, Missing)
    };
    let values = [1.0, 2.0, 4.0, 5.0, 4.0, 2.0, 1.0, 2.0, 4.0, 2.0];
    let mut state = InsufficientData;
    let mut states = Vec::new();
    for end in 1..=values.len() {
        let range: Vec<Option<f64>> = values[end.saturating_sub(rule.evaluation_range())..end]
            .iter()
            .copied()
            .map(Some)
            .collect();
        state = evaluate(&rule, &range, state);
        states.push(state);
    }
    assert_eq!(states[3], Ok, "period 4: two breaching");
    assert_eq!(states[4], Alarm, "period 5: three breaching");
    assert_eq!(states[5], Ok, "period 6 dips below");
    assert_eq!(states[8], Ok, "period 9 breaches alone");
}

// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
// ("The breaching data points don't have to be consecutive, but they must all be within the
// last number of data points equal to Evaluation Period").
#[test]
fn m_out_of_n_counts_breaches_anywhere_in_the_last_n() {
    let r = rule(2, 3, Missing);
    assert_eq!(evaluate(&r, &points("X 0 X"), Ok), Alarm);
    assert_eq!(evaluate(&r, &points("X 0 0"), Alarm), Ok);
    assert_eq!(
        evaluate(&r, &points("X X 0 0 0"), Ok),
        Ok,
        "older breaches are out of the window"
    );
}

#[test]
fn unset_datapoints_to_alarm_means_all_of_the_evaluation_periods() {
    let r = rule(0, 3, Missing);
    assert_eq!(evaluate(&r, &points("0 X X"), Ok), Ok);
    assert_eq!(evaluate(&r, &points("X X X"), Ok), Alarm);
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
fn comparisons_match_their_names_both_ways() {
    for name in [
        "GreaterThanThreshold",
        "GreaterThanOrEqualToThreshold",
        "LessThanThreshold",
        "LessThanOrEqualToThreshold",
    ] {
        assert_eq!(Comparison::from_aws(name).unwrap().as_aws(), name);
    }
    let c = |s| Comparison::from_aws(s).unwrap();
    assert!(c("GreaterThanThreshold").breaches(71.0, 70.0));
    assert!(!c("GreaterThanThreshold").breaches(70.0, 70.0));
    assert!(c("GreaterThanOrEqualToThreshold").breaches(70.0, 70.0));
    assert!(c("LessThanThreshold").breaches(62.9, 63.0));
    assert!(!c("LessThanThreshold").breaches(63.0, 63.0));
    assert!(c("LessThanOrEqualToThreshold").breaches(63.0, 63.0));
    assert!(Comparison::from_aws("Sideways").is_none());
}

#[test]
fn states_and_treatments_read_from_aws() {
    for state in [Ok, Alarm, InsufficientData] {
        assert_eq!(AlarmState::from_aws(state.as_aws()), state);
    }
    assert_eq!(TreatMissing::from_aws("notBreaching"), NotBreaching);
    assert_eq!(TreatMissing::from_aws("breaching"), Breaching);
    assert_eq!(TreatMissing::from_aws("ignore"), Ignore);
    assert_eq!(TreatMissing::from_aws(""), Missing);
}

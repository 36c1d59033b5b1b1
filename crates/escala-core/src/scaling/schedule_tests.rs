use super::*;

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn timing(
    schedule: Option<&str>,
    tz: Option<&str>,
    start: Option<&str>,
    end: Option<&str>,
) -> Timing {
    Timing {
        schedule: schedule.map(|s| Schedule::parse(s).expect("a schedule")),
        time_zone: time_zone(tz).expect("a time zone"),
        start: start.map(at),
        end: end.map(at),
    }
}

/// Every firing after `from`, up to `limit` of them.
fn firings(t: &Timing, from: &str, limit: usize) -> Vec<String> {
    let mut after = at(from);
    let mut out = Vec::new();
    while let Some(next) = t.next_after(after) {
        out.push(next.to_string());
        if out.len() == limit {
            break;
        }
        after = next;
    }
    out
}

// https://docs.aws.amazon.com/autoscaling/application/userguide/examples-scheduled-actions.html
// ("at(2021-03-31T22:00:00)": 10:00 PM UTC on March 31, 2021, once).
#[test]
fn the_docs_one_off_at() {
    let t = timing(Some("at(2021-03-31T22:00:00)"), None, None, None);
    assert_eq!(
        firings(&t, "2021-03-01T00:00:00Z", 5),
        ["2021-03-31T22:00:00Z"]
    );
}

// https://docs.aws.amazon.com/autoscaling/application/userguide/examples-scheduled-actions.html
// ("at(2021-01-31T17:00:00)" with --timezone "America/New_York": 5:00 PM local time).
#[test]
fn the_docs_one_off_at_in_a_time_zone() {
    let t = timing(
        Some("at(2021-01-31T17:00:00)"),
        Some("America/New_York"),
        None,
        None,
    );
    assert_eq!(
        firings(&t, "2021-01-01T00:00:00Z", 5),
        ["2021-01-31T22:00:00Z"]
    );
}

// https://docs.aws.amazon.com/autoscaling/application/userguide/examples-scheduled-actions.html
// ("rate(5 hours)": "every 5 hours starting on January 30, 2021 at 12:00 PM UTC and ending on
// January 31, 2021 at 10:00 PM UTC").
#[test]
fn the_docs_rate_between_a_start_and_an_end() {
    let t = timing(
        Some("rate(5 hours)"),
        None,
        Some("2021-01-30T12:00:00Z"),
        Some("2021-01-31T22:00:00Z"),
    );
    assert_eq!(
        firings(&t, "2021-01-01T00:00:00Z", 20),
        [
            "2021-01-30T12:00:00Z",
            "2021-01-30T17:00:00Z",
            "2021-01-30T22:00:00Z",
            "2021-01-31T03:00:00Z",
            "2021-01-31T08:00:00Z",
            "2021-01-31T13:00:00Z",
            "2021-01-31T18:00:00Z"
        ]
    );
    // Asked mid-period, the next is still on the start's grid.
    assert_eq!(
        t.next_after(at("2021-01-30T13:30:00Z")),
        Some(at("2021-01-30T17:00:00Z"))
    );
    assert_eq!(
        timing(Some("rate(1 minute)"), None, None, None).next_after(at("2021-01-30T13:30:00Z")),
        None,
        "a rate needs its start"
    );
}

// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scheduled-scaling.html
// (a one-time action: "--start-time "2021-03-31T08:00:00Z" --desired-capacity 3": "if the
// group currently has fewer than 3 instances, it scales out to 3 instances"; and the scale-in
// one to 1).
#[test]
fn the_docs_one_time_actions() {
    let t = timing(None, None, Some("2021-03-31T08:00:00Z"), None);
    assert_eq!(
        firings(&t, "2021-03-01T00:00:00Z", 5),
        ["2021-03-31T08:00:00Z"]
    );
    assert_eq!(fire((1, 2, 5), None, Some(3), None), Some((1, 3, 5)));
    assert_eq!(fire((1, 3, 5), None, Some(1), None), Some((1, 1, 5)));
}

// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scheduled-scaling.html
// ("--recurrence "0 18 * * 1-5" --time-zone "America/New_York"": every Monday through Friday at
// 6:00 PM local time).
#[test]
fn the_docs_recurring_action_in_a_time_zone() {
    let t = timing(Some("0 18 * * 1-5"), Some("America/New_York"), None, None);
    // Friday 2026-12-04, then Monday; EST is UTC−5.
    assert_eq!(
        firings(&t, "2026-12-04T12:00:00Z", 2),
        ["2026-12-04T23:00:00Z", "2026-12-07T23:00:00Z"]
    );
}

// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scheduled-scaling.html
// ("If you specify a start time, Amazon EC2 Auto Scaling performs the action at this time, and
// then performs the action based on the specified recurrence"; "If you specify an end time, the
// action stops repeating after this time").
#[test]
fn the_docs_start_and_end_of_a_recurrence() {
    let t = timing(
        Some("0 9 * * *"),
        None,
        Some("2026-12-02T10:00:00Z"),
        Some("2026-12-04T09:00:00Z"),
    );
    assert_eq!(
        firings(&t, "2026-12-01T00:00:00Z", 10),
        [
            "2026-12-02T10:00:00Z",
            "2026-12-03T09:00:00Z",
            "2026-12-04T09:00:00Z"
        ]
    );
}

// https://docs.aws.amazon.com/autoscaling/application/userguide/examples-scheduled-actions.html
// (MinCapacity=3 alone: "if the value specified for MinCapacity is above the current capacity,
// Application Auto Scaling scales out to MinCapacity"; MinCapacity=0,MaxCapacity=0 scales in to
// 0; and with a maximum below the new minimum "you must specify a new minimum and maximum").
#[test]
fn the_docs_firings_bring_the_capacity_within_the_new_bounds() {
    assert_eq!(fire((1, 2, 5), Some(3), None, None), Some((3, 3, 5)));
    assert_eq!(fire((1, 4, 5), Some(3), None, None), Some((3, 4, 5)));
    assert_eq!(fire((1, 3, 5), Some(0), None, Some(0)), Some((0, 0, 0)));
    assert_eq!(fire((1, 3, 5), None, None, Some(2)), Some((1, 2, 2)));
    assert_eq!(fire((1, 3, 5), Some(10), None, None), None);
}

// https://repost.aws/knowledge-center/auto-scaling-scale-down ("At 2016-02-12T16:01:25Z a
// scheduled action update of AutoScalingGroup constraints to min: 1, max: 5, desired: 2
// changing the desired capacity from 3 to 2.").
#[test]
fn the_cause_a_firing_records() {
    assert_eq!(
        cause(at("2016-02-12T16:01:25Z"), 3, (1, 2, 5)),
        "At 2016-02-12T16:01:25Z a scheduled action update of AutoScalingGroup constraints to min: 1, max: 5, desired: 2 changing the desired capacity from 3 to 2."
    );
}

#[test]
fn schedules_parse_or_say_why() {
    assert_eq!(
        Schedule::parse("rate(1 minute)"),
        Some(Schedule::Rate(SignedDuration::from_secs(60)))
    );
    assert_eq!(
        Schedule::parse("rate(2 days)"),
        Some(Schedule::Rate(SignedDuration::from_secs(172_800)))
    );
    assert!(matches!(
        Schedule::parse("0 8 * * 1-5"),
        Some(Schedule::Cron(_))
    ));
    let why = |s: &str| Schedule::problem(s).expect("a problem");
    assert!(why("rate(0 minutes)").contains("rate(...) takes"));
    assert!(why("rate(5 weeks)").contains("rate(...) takes"));
    assert!(why("at(2021-02-30T10:00:00)").contains("at(...) takes"));
    assert!(why("cron(0 9 * * ? *)").contains("isn't supported"));
    assert!(why("0 25 * * *").contains("25 is not an hour"));
    assert_eq!(Schedule::problem("at(2021-03-31T22:00:00)"), None);
}

#[test]
fn time_zones_are_iana_names_defaulting_to_utc() {
    assert_eq!(time_zone(None), Some(TimeZone::UTC));
    assert_eq!(time_zone(Some("")), Some(TimeZone::UTC));
    assert!(time_zone(Some("Etc/GMT+9")).is_some());
    assert!(time_zone(Some("Mars/Olympus_Mons")).is_none());
}

use super::*;

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap()
}

/// The next `count` firings after `from`, in UTC unless `tz` says otherwise.
fn firings(cron: &str, from: &str, tz: &TimeZone, count: usize) -> Vec<String> {
    let cron = Cron::parse(cron).unwrap();
    let mut t = at(from);
    (0..count)
        .map(|_| {
            t = cron.next_after(t, tz).expect("a firing");
            t.to_string()
        })
        .collect()
}

// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scheduled-scaling.html
// ("the cron expression `30 6 * * 2` configures a scheduled action that recurs every Tuesday at
// 6:30 AM").
#[test]
fn the_docs_tuesday_at_six_thirty() {
    // 2026-12-02 is a Wednesday.
    assert_eq!(
        firings("30 6 * * 2", "2026-12-02T00:00:00Z", &TimeZone::UTC, 2),
        ["2026-12-08T06:30:00Z", "2026-12-15T06:30:00Z"]
    );
}

// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scheduled-scaling.html
// (Verify the time, date, and time zone: a recurring schedule in America/New_York runs at
// 8:00 AM UTC−5 before DST starts and at 8:00 AM UTC−4 after).
#[test]
fn the_docs_new_york_schedule_keeps_its_wall_time_across_spring_forward() {
    // DST starts on Sunday 2026-03-08.
    assert_eq!(
        firings(
            "0 8 * * *",
            "2026-03-06T14:00:00Z",
            &zone("America/New_York"),
            3
        ),
        [
            "2026-03-07T13:00:00Z",
            "2026-03-08T12:00:00Z",
            "2026-03-09T12:00:00Z"
        ]
    );
}

#[test]
fn a_wall_time_the_clocks_skip_fires_after_the_jump() {
    // 02:30 doesn't exist in New York on 2026-03-08: it fires at 03:30 EDT, 07:30Z.
    assert_eq!(
        firings(
            "30 2 * * *",
            "2026-03-07T12:00:00Z",
            &zone("America/New_York"),
            2
        ),
        ["2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z"]
    );
}

#[test]
fn a_wall_time_that_happens_twice_fires_once() {
    // 01:30 happens twice in New York on 2026-11-01 (EDT, then EST): only the first fires.
    assert_eq!(
        firings(
            "30 1 * * *",
            "2026-11-01T00:00:00Z",
            &zone("America/New_York"),
            2
        ),
        ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"]
    );
}

// http://crontab.org (crontab(5): "30 4 1,15 * 5 would cause a command to be run at 4:30 am on
// the 1st and 15th of each month, plus every Friday").
#[test]
fn both_day_fields_restricted_means_either_day() {
    // 2026-12-01 is a Tuesday; the Fridays are the 4th, 11th and 18th.
    assert_eq!(
        firings("30 4 1,15 * 5", "2026-11-30T12:00:00Z", &TimeZone::UTC, 5),
        [
            "2026-12-01T04:30:00Z",
            "2026-12-04T04:30:00Z",
            "2026-12-11T04:30:00Z",
            "2026-12-15T04:30:00Z",
            "2026-12-18T04:30:00Z"
        ]
    );
    // With one of them `*`, both must match: Fridays only, in any month.
    assert_eq!(
        firings("30 4 * * 5", "2026-11-30T12:00:00Z", &TimeZone::UTC, 1),
        ["2026-12-04T04:30:00Z"]
    );
    // A field starting with `*` is unrestricted even with a step: the 1st–7th that are Sundays.
    assert_eq!(
        firings("0 0 1-7 * */7", "2026-11-30T12:00:00Z", &TimeZone::UTC, 1),
        ["2026-12-06T00:00:00Z"]
    );
}

// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scheduled-scaling.html
// (describe-scheduled-actions' example recurrence "30 0 1 1,6,12 *").
#[test]
fn the_docs_lists_of_months() {
    assert_eq!(
        firings("30 0 1 1,6,12 *", "2026-01-01T00:30:00Z", &TimeZone::UTC, 3),
        [
            "2026-06-01T00:30:00Z",
            "2026-12-01T00:30:00Z",
            "2027-01-01T00:30:00Z"
        ]
    );
}

#[test]
fn steps_ranges_and_names() {
    assert_eq!(
        firings("*/15 * * * *", "2026-12-02T10:16:00Z", &TimeZone::UTC, 2),
        ["2026-12-02T10:30:00Z", "2026-12-02T10:45:00Z"]
    );
    assert_eq!(
        firings("5/20 * * * *", "2026-12-02T10:46:00Z", &TimeZone::UTC, 2),
        ["2026-12-02T11:05:00Z", "2026-12-02T11:25:00Z"]
    );
    assert_eq!(
        firings("0 8-17/4 * * *", "2026-12-02T09:00:00Z", &TimeZone::UTC, 3),
        [
            "2026-12-02T12:00:00Z",
            "2026-12-02T16:00:00Z",
            "2026-12-03T08:00:00Z"
        ]
    );
    // Friday the 4th at 18:00, then Monday.
    assert_eq!(
        firings(
            "0 18 * * mon-FRI",
            "2026-12-04T17:00:00Z",
            &TimeZone::UTC,
            2
        ),
        ["2026-12-04T18:00:00Z", "2026-12-07T18:00:00Z"]
    );
    assert_eq!(
        firings("0 9 * JAN MON", "2026-12-02T00:00:00Z", &TimeZone::UTC, 1),
        ["2027-01-04T09:00:00Z"]
    );
    assert_eq!(
        Cron::parse("0 0 * * 7").unwrap(),
        Cron::parse("0 0 * * 0").unwrap()
    );
    assert_eq!(
        Cron::parse("0 0 * * 5-7").unwrap(),
        Cron::parse("0 0 * * 0,5,6").unwrap()
    );
}

#[test]
fn the_next_firing_is_strictly_after() {
    assert_eq!(
        firings("0 9 * * *", "2026-12-02T09:00:00Z", &TimeZone::UTC, 1),
        ["2026-12-03T09:00:00Z"]
    );
    assert_eq!(
        firings("0 9 * * *", "2026-12-02T08:59:59.999Z", &TimeZone::UTC, 1),
        ["2026-12-02T09:00:00Z"]
    );
}

#[test]
fn rare_and_impossible_days() {
    // The 29th of February skips 2100, which isn't a leap year.
    assert_eq!(
        firings("0 0 29 2 *", "2097-01-01T00:00:00Z", &TimeZone::UTC, 1),
        ["2104-02-29T00:00:00Z"]
    );
    let never = Cron::parse("0 0 31 2 *").unwrap();
    assert_eq!(
        never.next_after(at("2026-01-01T00:00:00Z"), &TimeZone::UTC),
        None
    );
}

#[test]
fn bad_crons_say_why() {
    let why = |cron: &str| Cron::problem(cron).expect("a problem");
    assert!(why("0 8 * *").contains("4 field(s)"), "{}", why("0 8 * *"));
    assert!(why("61 8 * * *").contains("61 is not a minute (0–59)"));
    assert!(why("0 24 * * *").contains("24 is not an hour (0–23)"));
    assert!(why("0 0 0 * *").contains("0 is not a day of the month (1–31)"));
    assert!(why("0 0 * 13 *").contains("13 is not a month (1–12)"));
    assert!(why("0 8 * * FUNDAY").contains("'FUNDAY' is not a day of the week"));
    assert!(why("0 9-5 * * *").contains("'9-5' runs backwards"));
    assert!(why("*/0 * * * *").contains("'0' is not a step"));
    assert!(why("61 8 * * *").starts_with("'61 8 * * *' is not a valid cron: "));
    assert_eq!(Cron::problem("0 8 * * 1-5"), None);
    assert!(Cron::parse("0 8 * * FUNDAY").is_none());
}

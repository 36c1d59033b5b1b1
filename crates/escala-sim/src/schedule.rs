//! Scheduled actions over a trace: each action's firings between the trace's start and end
//! (`escala_core::scaling::schedule`, in UTC as the Spec writes them), as seconds from the start
//! with the bounds and size each sets.

use escala_core::scaling::schedule::{Schedule, Timing};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::SimError;

/// What a firing sets: `(min, desired, max)`, each `None` when the action leaves it.
pub type Sets = (Option<u32>, Option<u32>, Option<u32>);

/// Each firing of `cron` (at `field` in the Spec) within `seconds` of `start`.
pub fn firings(
    field: &str,
    cron: &str,
    sets: Sets,
    start: Timestamp,
    seconds: u64,
) -> Result<Vec<(u64, Sets)>, SimError> {
    let schedule = Schedule::parse(cron).ok_or_else(|| {
        SimError::field(
            field,
            Schedule::problem(cron).unwrap_or_else(|| format!("'{cron}' is not a schedule")),
        )
    })?;
    let timing = Timing {
        schedule: Some(schedule),
        time_zone: TimeZone::UTC,
        start: None,
        end: None,
    };
    let end = start
        .checked_add(SignedDuration::from_secs(seconds as i64))
        .unwrap_or(start);
    let mut out = Vec::new();
    // The firing at the start itself counts, as the group would be at its schedule then.
    let mut after = start - SignedDuration::from_secs(1);
    while let Some(at) = timing.next_after(after) {
        if at >= end {
            break;
        }
        out.push((at.duration_since(start).as_secs() as u64, sets));
        after = at;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weekday_morning_action_fires_each_weekday_of_the_trace() {
        // 2026-01-05 is a Monday.
        let start: Timestamp = "2026-01-05T00:00:00Z".parse().unwrap();
        let week = 7 * 86_400;
        let f = firings(
            "scheduled[0].cron",
            "0 8 * * 1-5",
            (Some(2), Some(2), Some(4)),
            start,
            week,
        )
        .unwrap();
        let times: Vec<u64> = f.iter().map(|(t, _)| *t).collect();
        assert_eq!(
            times,
            (0..5).map(|d| d * 86_400 + 8 * 3600).collect::<Vec<_>>()
        );
        let e = firings(
            "scheduled[0].cron",
            "every day",
            (None, None, None),
            start,
            week,
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("scheduled[0].cron: "), "{e}");
    }
}

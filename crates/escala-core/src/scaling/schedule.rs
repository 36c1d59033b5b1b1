//! Scheduled actions: a Unix cron (minute hour day-of-month month day-of-week) in an IANA time
//! zone, as EC2 Auto Scaling's `Recurrence` and `TimeZone` take it.
//! Docs: "Scheduled scaling for Amazon EC2 Auto Scaling" (recurring schedules, time zones).

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// A parsed cron: each field the set of values it matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    minutes: u64,
    hours: u64,
    days: u64,
    months: u64,
    weekdays: u64,
    /// Unix cron: when both day fields are restricted, a day matching either fires.
    either_day: bool,
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

fn field(text: &str, lo: u32, hi: u32, names: &[&str], name: &str) -> Result<u64, String> {
    let value = |s: &str| -> Result<u32, String> {
        let upper = s.to_ascii_uppercase();
        if let Some(i) = names.iter().position(|n| *n == upper) {
            return Ok(i as u32 + lo);
        }
        s.parse::<u32>()
            .map_err(|_| format!("'{s}' is not a {name}"))
            .and_then(|v| {
                // Sunday is 0 or 7.
                let v = if name == "day of the week" && v == 7 {
                    0
                } else {
                    v
                };
                (lo..=hi)
                    .contains(&v)
                    .then_some(v)
                    .ok_or_else(|| format!("{v} is not a {name} ({lo}–{hi})"))
            })
    };
    let mut bits = 0u64;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (
                r,
                s.parse::<u32>()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("'{s}' is not a step"))?,
            ),
            None => (part, 1),
        };
        let (start, end) = if range == "*" {
            (lo, hi)
        } else if let Some((a, b)) = range.split_once('-') {
            (value(a)?, value(b)?)
        } else {
            let v = value(range)?;
            (v, if step > 1 { hi } else { v })
        };
        if start > end {
            return Err(format!("'{range}' runs backwards"));
        }
        for v in (start..=end).step_by(step as usize) {
            bits |= 1 << v;
        }
    }
    Ok(bits)
}

impl Cron {
    pub fn parse(text: &str) -> Result<Self, String> {
        let f: Vec<&str> = text.split_whitespace().collect();
        let [min, hour, dom, month, dow] = f[..] else {
            return Err(format!(
                "'{text}' has {} fields; a cron has 5 (minute hour day-of-month month day-of-week)",
                f.len()
            ));
        };
        Ok(Self {
            minutes: field(min, 0, 59, &[], "minute")?,
            hours: field(hour, 0, 23, &[], "hour")?,
            days: field(dom, 1, 31, &[], "day of the month")?,
            months: field(month, 1, 12, &MONTHS, "month")?,
            weekdays: field(dow, 0, 6, &WEEKDAYS, "day of the week")?,
            either_day: dom != "*" && dow != "*",
        })
    }

    fn day_matches(&self, dt: DateTime) -> bool {
        let dom = self.days & (1 << dt.day()) != 0;
        let dow = self.weekdays & (1 << dt.weekday().to_sunday_zero_offset()) != 0;
        let month = self.months & (1 << dt.month()) != 0;
        month
            && if self.either_day {
                dom || dow
            } else {
                dom && dow
            }
    }

    /// The first firing strictly after `after`, in `tz`'s wall clock. A wall time the clocks
    /// skip (spring forward) fires at the same instant as the time after the gap, as cron
    /// daemons do; `None` for a cron that never fires (the 31st of February).
    pub fn next_after(&self, after: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        let start = after.to_zoned(tz.clone()).datetime();
        let mut dt = start
            .checked_add(1.minute())
            .ok()?
            .with()
            .second(0)
            .subsec_nanosecond(0)
            .build()
            .ok()?;
        // Eight years bound the search: every valid cron fires within four.
        let limit = start.checked_add(8.years()).ok()?;
        while dt < limit {
            if !self.day_matches(dt) {
                dt = dt
                    .date()
                    .tomorrow()
                    .ok()?
                    .to_datetime(jiff::civil::Time::midnight());
                continue;
            }
            if self.hours & (1 << dt.hour()) == 0 {
                dt = dt
                    .with()
                    .minute(0)
                    .build()
                    .ok()?
                    .checked_add(1.hour())
                    .ok()?;
                continue;
            }
            if self.minutes & (1 << dt.minute()) == 0 {
                dt = dt.checked_add(1.minute()).ok()?;
                continue;
            }
            let at = tz.to_ambiguous_timestamp(dt).compatible().ok()?;
            if at > after {
                return Some(at);
            }
            dt = dt.checked_add(1.minute()).ok()?;
        }
        None
    }
}

/// The time zone of a scheduled action: an IANA name, UTC when none is given.
pub fn time_zone(name: Option<&str>) -> Result<TimeZone, String> {
    match name {
        None | Some("") => Ok(TimeZone::UTC),
        Some(n) => TimeZone::get(n).map_err(|_| format!("'{n}' is not an IANA time zone")),
    }
}

/// A firing's new bounds and size: what the action sets, the rest kept, desired brought into
/// the new bounds.
pub fn fire(
    (min, desired, max): (u32, u32, u32),
    set_min: Option<u32>,
    set_desired: Option<u32>,
    set_max: Option<u32>,
) -> (u32, u32, u32) {
    let min = set_min.unwrap_or(min);
    let max = set_max.unwrap_or(max).max(min);
    let desired = set_desired.unwrap_or(desired).clamp(min, max);
    (min, desired, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    /// The docs' example recurrence: "0 8 * * 1-5" — 08:00 on weekdays.
    #[test]
    fn business_hours_fire_on_weekdays_at_eight() {
        let cron = Cron::parse("0 8 * * 1-5").unwrap();
        // 2026-12-04 is a Friday: next is Friday 08:00, then Monday 08:00.
        let friday = cron
            .next_after(at("2026-12-04T07:59:00Z"), &TimeZone::UTC)
            .unwrap();
        assert_eq!(friday, at("2026-12-04T08:00:00Z"));
        let monday = cron.next_after(friday, &TimeZone::UTC).unwrap();
        assert_eq!(monday, at("2026-12-07T08:00:00Z"));
    }

    #[test]
    fn a_time_zone_moves_the_firing() {
        let cron = Cron::parse("0 8 * * *").unwrap();
        let tz = time_zone(Some("Europe/Madrid")).unwrap();
        // 08:00 in Madrid in winter (CET, UTC+1) is 07:00 UTC.
        assert_eq!(
            cron.next_after(at("2026-12-02T00:00:00Z"), &tz),
            Some(at("2026-12-02T07:00:00Z"))
        );
        assert!(time_zone(Some("Mars/Olympus"))
            .unwrap_err()
            .contains("IANA"));
    }

    #[test]
    fn spring_forward_fires_once_after_the_gap() {
        // America/New_York skips 02:00–03:00 on 2026-03-08: 02:30 fires at 03:30 EDT (07:30Z).
        let cron = Cron::parse("30 2 * * *").unwrap();
        let tz = time_zone(Some("America/New_York")).unwrap();
        let next = cron.next_after(at("2026-03-08T05:00:00Z"), &tz).unwrap();
        assert_eq!(next, at("2026-03-08T07:30:00Z"));
    }

    #[test]
    fn lists_steps_names_and_either_day() {
        let every_15 = Cron::parse("*/15 * * * *").unwrap();
        assert_eq!(
            every_15.next_after(at("2026-12-02T10:16:00Z"), &TimeZone::UTC),
            Some(at("2026-12-02T10:30:00Z"))
        );
        let named = Cron::parse("0 9 * JAN MON").unwrap();
        assert_eq!(
            named.next_after(at("2026-12-02T00:00:00Z"), &TimeZone::UTC),
            Some(at("2027-01-04T09:00:00Z"))
        );
        // The 1st of the month or any Sunday (Unix cron's either-day rule).
        let either = Cron::parse("0 0 1 * 0").unwrap();
        assert_eq!(
            either.next_after(at("2026-12-02T00:00:00Z"), &TimeZone::UTC),
            Some(at("2026-12-06T00:00:00Z"))
        );
        assert!(Cron::parse("0 0 31 2 *")
            .unwrap()
            .next_after(at("2026-01-01T00:00:00Z"), &TimeZone::UTC)
            .is_none());
    }

    #[test]
    fn bad_crons_say_why() {
        assert!(Cron::parse("0 8 * *").unwrap_err().contains("4 fields"));
        assert!(Cron::parse("61 8 * * *")
            .unwrap_err()
            .contains("61 is not a minute"));
        assert!(Cron::parse("0 8 * * FUNDAY")
            .unwrap_err()
            .contains("'FUNDAY'"));
        assert!(Cron::parse("0 9-5 * * *")
            .unwrap_err()
            .contains("backwards"));
    }

    #[test]
    fn a_firing_sets_its_bounds_and_brings_desired_into_them() {
        assert_eq!(fire((1, 1, 4), Some(2), Some(2), Some(4)), (2, 2, 4));
        assert_eq!(fire((1, 3, 4), Some(1), None, Some(2)), (1, 2, 2));
        assert_eq!(fire((1, 1, 4), Some(3), None, None), (3, 3, 4));
    }
}

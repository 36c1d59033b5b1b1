//! Unix cron, as EC2 Auto Scaling's scheduled actions take it in `Recurrence`: five fields,
//! minute hour day-of-month month day-of-week, each `*`, a value, a range `a-b`, a step `/n`
//! after either, or a comma list of those; months and weekdays also by name (`JAN`, `MON`, any
//! case, in ranges too), Sunday being 0 or 7. `a/n` counts from `a` to the field's end, as AWS's
//! own examples write `0/15`. Docs: "Scheduled scaling for Amazon EC2 Auto Scaling"
//! (<https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scheduled-scaling.html>,
//! recurring schedules), which defers to crontab(5) (<http://crontab.org>) for the syntax and for
//! the day rule: when both day fields are restricted (neither starts with `*`), a day matching
//! either fires.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// A parsed cron: each field the set of values it matches, as bits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    minutes: u64,
    hours: u64,
    days: u64,
    months: u64,
    weekdays: u64,
    either_day: bool,
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// A field's bounds, its names (the first naming `lo`), and how an error calls one value.
struct Field {
    lo: u32,
    hi: u32,
    names: &'static [&'static str],
    what: &'static str,
}

const FIELDS: [Field; 5] = [
    Field::new(0, 59, &[], "a minute"),
    Field::new(0, 23, &[], "an hour"),
    Field::new(1, 31, &[], "a day of the month"),
    Field::new(1, 12, &MONTHS, "a month"),
    // 7 is Sunday too; its bit is folded onto 0's.
    Field::new(0, 7, &WEEKDAYS, "a day of the week"),
];

/// The most days between two firings of a cron that fires at all: the 29th of February skips
/// 2100, eight years.
const SEARCH_DAYS: usize = 9 * 366;

impl Field {
    const fn new(lo: u32, hi: u32, names: &'static [&'static str], what: &'static str) -> Self {
        Self {
            lo,
            hi,
            names,
            what,
        }
    }

    fn value(&self, s: &str) -> Result<u32, String> {
        let upper = s.to_ascii_uppercase();
        if let Some(i) = self.names.iter().position(|n| *n == upper) {
            return Ok(self.lo + i as u32);
        }
        let v: u32 = s
            .parse()
            .map_err(|_| format!("'{s}' is not {}", self.what))?;
        if (self.lo..=self.hi).contains(&v) {
            Ok(v)
        } else {
            Err(format!(
                "{v} is not {} ({}–{})",
                self.what, self.lo, self.hi
            ))
        }
    }

    fn bits(&self, text: &str) -> Result<u64, String> {
        let mut bits = 0u64;
        for part in text.split(',') {
            let (range, step) = match part.split_once('/') {
                Some((range, step)) => match step.parse::<u32>() {
                    Ok(n) if n > 0 => (range, n),
                    _ => return Err(format!("'{step}' is not a step (a whole number from 1)")),
                },
                None => (part, 1),
            };
            let (start, end) = if range == "*" {
                (self.lo, self.hi)
            } else if let Some((a, b)) = range.split_once('-') {
                (self.value(a)?, self.value(b)?)
            } else {
                let v = self.value(range)?;
                (v, if part.contains('/') { self.hi } else { v })
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
}

impl Cron {
    /// The cron `text` says, or `None` when it isn't one ([`Cron::problem`] says why).
    pub fn parse(text: &str) -> Option<Self> {
        Self::read(text).ok()
    }

    /// Why `text` isn't a cron, as a sentence quoting it; `None` when it is one.
    pub fn problem(text: &str) -> Option<String> {
        Self::read(text).err()
    }

    pub(super) fn read(text: &str) -> Result<Self, String> {
        let invalid = |why: String| format!("'{text}' is not a valid cron: {why}");
        let fields: Vec<&str> = text.split_whitespace().collect();
        let [minute, hour, day, month, weekday] = fields[..] else {
            return Err(invalid(format!(
                "it has {} field(s), and a cron has 5 (minute hour day-of-month month day-of-week)",
                fields.len()
            )));
        };
        let bits = |i: usize, text: &str| FIELDS[i].bits(text).map_err(invalid);
        let weekdays = bits(4, weekday)?;
        Ok(Self {
            minutes: bits(0, minute)?,
            hours: bits(1, hour)?,
            days: bits(2, day)?,
            months: bits(3, month)?,
            weekdays: (weekdays | weekdays >> 7) & 0x7f,
            either_day: !day.starts_with('*') && !weekday.starts_with('*'),
        })
    }

    fn fires_on(&self, date: Date) -> bool {
        let bit = |set: u64, v: i8| set & (1 << v) != 0;
        let day = bit(self.days, date.day());
        let weekday = bit(self.weekdays, date.weekday().to_sunday_zero_offset());
        bit(self.months, date.month())
            && if self.either_day {
                day || weekday
            } else {
                day && weekday
            }
    }

    /// The first firing strictly after `after`, on `tz`'s wall clock; `None` for a cron that
    /// never fires (the 31st of February).
    ///
    /// A wall time that happens twice (clocks going back) fires once, the first time; one the
    /// clocks skip (going forward) fires when the clocks have jumped, at the same distance past
    /// the gap (02:30 in a 02:00–03:00 gap fires at 03:30). AWS says only that its schedules
    /// "adjust for DST"; this is crontab(5)'s and RFC 5545's reading.
    pub fn next_after(&self, after: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        // From the day before: a transition can move a wall time across midnight.
        let mut date = tz.to_datetime(after).date().yesterday().ok()?;
        for _ in 0..SEARCH_DAYS {
            if self.fires_on(date) {
                let firing = (0..24)
                    .filter(|h| self.hours & (1 << h) != 0)
                    .flat_map(|h| {
                        (0..60)
                            .filter(|m| self.minutes & (1 << m) != 0)
                            .map(move |m| (h, m))
                    })
                    .filter_map(|(h, m)| {
                        tz.to_ambiguous_timestamp(date.at(h, m, 0, 0))
                            .compatible()
                            .ok()
                    })
                    .filter(|at| *at > after)
                    .min();
                if firing.is_some() {
                    return firing;
                }
            }
            date = date.tomorrow().ok()?;
        }
        None
    }
}

#[cfg(test)]
#[path = "cron_tests.rs"]
mod tests;

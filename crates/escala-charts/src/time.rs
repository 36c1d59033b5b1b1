//! The time axis in UTC: where its ticks go and how they read. Dates are computed here rather than
//! with a date crate: the civil calendar from unix days is a few lines, and nothing else is needed.

const MINUTE: i64 = 60;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;

/// Tick steps that land on round clock times; ticks sit on multiples of the step from the epoch,
/// which in UTC are whole minutes, hours and midnights. The seconds are for a sandbox at a time
/// factor, whose hour passes in a few wall minutes.
const STEPS: [i64; 19] = [
    5,
    10,
    15,
    30,
    MINUTE,
    5 * MINUTE,
    10 * MINUTE,
    15 * MINUTE,
    30 * MINUTE,
    HOUR,
    2 * HOUR,
    3 * HOUR,
    6 * HOUR,
    12 * HOUR,
    DAY,
    2 * DAY,
    7 * DAY,
    14 * DAY,
    28 * DAY,
];

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// How a range's ticks are labelled: with seconds up to a quarter of an hour (ticks closer than a
/// minute), clock time up to a day, day and time beyond.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Labels {
    ClockSeconds,
    Clock,
    DayAndClock,
}

impl Labels {
    pub(crate) fn for_range(from: i64, to: i64) -> Self {
        match to - from {
            span if span <= 15 * MINUTE => Self::ClockSeconds,
            span if span <= DAY => Self::Clock,
            _ => Self::DayAndClock,
        }
    }

    pub(crate) fn format(self, t: i64) -> String {
        let (h, m) = clock(t);
        match self {
            Self::ClockSeconds => format!("{h:02}:{m:02}:{:02}", t.rem_euclid(MINUTE)),
            Self::Clock => format!("{h:02}:{m:02}"),
            Self::DayAndClock => {
                let (_, _, day) = civil(t);
                format!("{} {day} {h:02}:{m:02}", weekday(t))
            }
        }
    }

    /// A generous width for one label, so neighbours never touch.
    fn width_px(self) -> i64 {
        match self {
            Self::ClockSeconds => 95,
            Self::Clock => 80,
            Self::DayAndClock => 110,
        }
    }
}

/// Ticks on the first step whose labels fit side by side in `width_px`.
pub(crate) fn ticks(from: i64, to: i64, width_px: u32) -> Vec<i64> {
    let fit = (i64::from(width_px) / Labels::for_range(from, to).width_px()).max(2);
    let step = STEPS
        .into_iter()
        .find(|s| (to - from) / s <= fit)
        .unwrap_or(STEPS[STEPS.len() - 1]);
    let first = from.div_euclid(step) * step + if from.rem_euclid(step) == 0 { 0 } else { step };
    (0..)
        .map(|i| first + i * step)
        .take_while(|t| *t <= to)
        .collect()
}

/// "2023-11-14 22:13" in UTC, for the range in the dashboard's header.
pub(crate) fn date_time(t: i64) -> String {
    let (y, mo, d) = civil(t);
    let (h, m) = clock(t);
    format!("{y}-{mo:02}-{d:02} {h:02}:{m:02}")
}

fn clock(t: i64) -> (i64, i64) {
    let s = t.rem_euclid(DAY);
    (s / HOUR, s % HOUR / MINUTE)
}

fn weekday(t: i64) -> &'static str {
    // 1970-01-01 was a Thursday.
    WEEKDAYS[(t.div_euclid(DAY) + 4).rem_euclid(7) as usize]
}

/// Year, month and day of a unix time (Howard Hinnant's days-to-civil, proleptic Gregorian).
fn civil(t: i64) -> (i64, i64, i64) {
    let z = t.div_euclid(DAY) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2023-11-14 22:13:20 UTC, a Tuesday.
    const T: i64 = 1_700_000_000;

    #[test]
    fn dates_are_utc() {
        assert_eq!(date_time(T), "2023-11-14 22:13");
        assert_eq!(date_time(0), "1970-01-01 00:00");
        assert_eq!(date_time(951_782_400), "2000-02-29 00:00");
        assert_eq!(Labels::ClockSeconds.format(T), "22:13:20");
        assert_eq!(Labels::Clock.format(T), "22:13");
        assert_eq!(Labels::DayAndClock.format(T), "Tue 14 22:13");
    }

    #[test]
    fn a_day_or_less_reads_as_clock_time_and_a_week_as_days() {
        assert_eq!(Labels::for_range(T, T + 2 * MINUTE), Labels::ClockSeconds);
        assert_eq!(Labels::for_range(T, T + HOUR), Labels::Clock);
        assert_eq!(Labels::for_range(T, T + DAY), Labels::Clock);
        assert_eq!(Labels::for_range(T, T + 7 * DAY), Labels::DayAndClock);
    }

    #[test]
    fn ticks_are_round_times_inside_the_range_that_fit() {
        let three_hours = ticks(T, T + 3 * HOUR, 900);
        assert_eq!(three_hours.len(), 6, "every 30 minutes");
        assert!(three_hours.iter().all(|t| t % (30 * MINUTE) == 0));
        let week = ticks(T, T + 7 * DAY, 1_000);
        assert!(week
            .iter()
            .all(|t| t % (12 * HOUR) == 0 && (T..=T + 7 * DAY).contains(t)));
        assert!(week.len() * 110 <= 1_000 && week.len() >= 7, "{week:?}");
        // A sandbox hour at 30: two wall minutes, ticked every 15 s.
        let sandbox_hour = ticks(T - 20, T + 100, 900);
        assert_eq!(sandbox_hour.len(), 9, "{sandbox_hour:?}");
        assert!(sandbox_hour.iter().all(|t| t % 15 == 0));
    }
}

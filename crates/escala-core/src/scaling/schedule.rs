//! Scheduled actions: when one fires (a recurrence in an IANA time zone, bounded by a start and
//! an end, or a one-off time) and what a firing does to the group's bounds and size.
//! Docs: "Scheduled scaling for Amazon EC2 Auto Scaling"
//! (<https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scheduled-scaling.html>)
//! and Application Auto Scaling's "Scheduled scaling" with its examples
//! (<https://docs.aws.amazon.com/autoscaling/application/userguide/examples-scheduled-actions.html>).

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

pub use super::cron::Cron;

/// A schedule expression: EC2 Auto Scaling's `Recurrence` (a bare Unix cron), or Application
/// Auto Scaling's one-off `at(yyyy-mm-ddThh:mm:ss)` (a wall time in the action's time zone) and
/// recurring `rate(N unit)`. Application Auto Scaling's six-field `cron(...)`, which numbers
/// weekdays from 1 and has `?`, `L`, `W` and `#`, isn't read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    Cron(Cron),
    At(DateTime),
    /// Every this long from the action's start time.
    Rate(SignedDuration),
}

impl Schedule {
    /// The schedule `expr` says, or `None` when it isn't one ([`Schedule::problem`] says why).
    pub fn parse(expr: &str) -> Option<Self> {
        Self::read(expr).ok()
    }

    /// Why `expr` isn't a schedule, as a sentence quoting it; `None` when it is one.
    pub fn problem(expr: &str) -> Option<String> {
        Self::read(expr).err()
    }

    fn read(expr: &str) -> Result<Self, String> {
        let expr = expr.trim();
        let inner = |prefix: &str| expr.strip_prefix(prefix)?.strip_suffix(')');
        if let Some(time) = inner("at(") {
            return time.parse::<DateTime>().map(Schedule::At).map_err(|_| {
                format!("'{expr}' is not a valid schedule: at(...) takes yyyy-mm-ddThh:mm:ss")
            });
        }
        if let Some(rate) = inner("rate(") {
            return read_rate(rate).map(Schedule::Rate).ok_or_else(|| {
                format!(
                    "'{expr}' is not a valid schedule: rate(...) takes a whole number from 1 and minute(s), hour(s) or day(s)"
                )
            });
        }
        if expr.starts_with("cron(") {
            return Err(format!(
                "'{expr}' is Application Auto Scaling's cron(...), which isn't supported: use a five-field Unix cron, at(...) or rate(...)"
            ));
        }
        Cron::read(expr).map(Schedule::Cron)
    }
}

/// `5 hours` → five hours.
fn read_rate(rate: &str) -> Option<SignedDuration> {
    let (value, unit) = rate.trim().split_once(char::is_whitespace)?;
    let value: i64 = value.parse().ok().filter(|v| *v >= 1)?;
    let unit = match unit.trim() {
        "minute" | "minutes" => 60,
        "hour" | "hours" => 3600,
        "day" | "days" => 86_400,
        _ => return None,
    };
    Some(SignedDuration::from_secs(value.checked_mul(unit)?))
}

/// The time zone of a scheduled action: an IANA name from the bundled tz database, UTC when none
/// is given (as AWS defaults); `None` for a name the database doesn't know.
pub fn time_zone(name: Option<&str>) -> Option<TimeZone> {
    match name {
        None | Some("") => Some(TimeZone::UTC),
        Some(name) => TimeZone::get(name).ok(),
    }
}

/// When a scheduled action fires.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// `None` for EC2 Auto Scaling's one-off action, which fires once at `start`.
    pub schedule: Option<Schedule>,
    pub time_zone: TimeZone,
    /// A recurring action fires at its start time, then as its schedule says. A `rate(...)`
    /// counts from it and fires only with one (AWS counts from the action's creation when none
    /// is given: pass that).
    pub start: Option<Timestamp>,
    /// No firing after this time.
    pub end: Option<Timestamp>,
}

impl Timing {
    /// The first firing strictly after `after`.
    pub fn next_after(&self, after: Timestamp) -> Option<Timestamp> {
        let next = match &self.schedule {
            None => self.start.filter(|start| *start > after),
            Some(Schedule::At(wall)) => self
                .time_zone
                .to_ambiguous_timestamp(*wall)
                .compatible()
                .ok()
                .filter(|at| *at > after),
            Some(Schedule::Cron(cron)) => {
                let first = self.start.filter(|start| *start > after);
                let from = self.start.map_or(after, |start| start.max(after));
                first
                    .into_iter()
                    .chain(cron.next_after(from, &self.time_zone))
                    .min()
            }
            Some(Schedule::Rate(every)) => {
                let start = self.start?;
                if start > after {
                    Some(start)
                } else {
                    let every = every.as_secs().max(1);
                    let periods = after.duration_since(start).as_secs() / every + 1;
                    start
                        .checked_add(SignedDuration::from_secs(periods.checked_mul(every)?))
                        .ok()
                }
            }
        };
        next.filter(|at| self.end.is_none_or(|end| *at <= end))
    }
}

/// A firing's new `(min, desired, max)`: what the action sets, the rest kept, and the desired
/// capacity brought within the new bounds (a group below a new minimum scales out to it, one
/// above a new maximum scales in to it). `None` when the new minimum would exceed the new
/// maximum, which AWS refuses.
pub fn fire(
    (min, desired, max): (u32, u32, u32),
    set_min: Option<u32>,
    set_desired: Option<u32>,
    set_max: Option<u32>,
) -> Option<(u32, u32, u32)> {
    let min = set_min.unwrap_or(min);
    let max = set_max.unwrap_or(max);
    (min <= max).then(|| (min, set_desired.unwrap_or(desired).clamp(min, max), max))
}

/// The cause EC2 Auto Scaling records for a firing that changed the group to `(min, desired,
/// max)` from a desired capacity of `from`.
pub fn cause(at: Timestamp, from: u32, (min, desired, max): (u32, u32, u32)) -> String {
    format!(
        "At {} a scheduled action update of AutoScalingGroup constraints to min: {min}, max: {max}, desired: {desired} changing the desired capacity from {from} to {desired}.",
        super::aws_time(at)
    )
}

#[cfg(test)]
#[path = "schedule_tests.rs"]
mod tests;

//! A demand trace: requests per second, one value per step, from second 0. It comes from a
//! built-in shape ([`crate::shapes`]), a CSV a user brings (`timestamp,rps` with RFC 3339 times,
//! or seconds from 0), or what the sandbox recorded.

use jiff::Timestamp;

use crate::SimError;

/// The longest trace: 31 days at 1-second resolution.
pub const MAX_POINTS: usize = 31 * 24 * 3600;

#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// Seconds each value lasts.
    pub step: u32,
    pub rps: Vec<f64>,
    /// When its first value is, for scheduled actions: a CSV's first time, else [`START`].
    pub start: Timestamp,
}

/// Where a trace without times of its own starts: a Monday at midnight UTC, so a week's
/// scheduled actions fall on the days they name.
pub const START: Timestamp = Timestamp::constant(1_767_571_200, 0);

impl Trace {
    /// A trace of `rps` at `step` seconds each, checked: not empty, no longer than
    /// [`MAX_POINTS`], no negative or non-finite rate.
    pub fn new(step: u32, rps: Vec<f64>) -> Result<Self, SimError> {
        if step == 0 {
            return Err(SimError::trace(
                None,
                "the step is 0 seconds: each value must last at least 1 s",
            ));
        }
        if rps.is_empty() {
            return Err(SimError::trace(
                None,
                "the trace is empty: give at least one rate",
            ));
        }
        if rps.len() > MAX_POINTS {
            return Err(SimError::trace(
                None,
                format!("the trace has {} points; at most {MAX_POINTS} (31 days a second apart) are simulated", rps.len()),
            ));
        }
        if let Some(i) = rps.iter().position(|r| !r.is_finite() || *r < 0.0) {
            return Err(SimError::trace(
                None,
                format!(
                    "point {}: the rate {} is not a number of requests a second of 0 or more",
                    i + 1,
                    rps[i]
                ),
            ));
        }
        Ok(Self {
            step,
            rps,
            start: START,
        })
    }

    /// How long it lasts, in seconds.
    pub fn seconds(&self) -> u64 {
        self.rps.len() as u64 * u64::from(self.step)
    }

    /// The demand at second `t`.
    pub fn at(&self, t: u64) -> f64 {
        self.rps
            .get((t / u64::from(self.step)) as usize)
            .copied()
            .unwrap_or(0.0)
    }

    /// The demand of each second, in order: what a run steps through.
    pub fn per_second(&self) -> impl Iterator<Item = f64> + '_ {
        self.rps
            .iter()
            .flat_map(|r| std::iter::repeat_n(*r, self.step as usize))
    }

    pub fn peak(&self) -> f64 {
        self.rps.iter().copied().fold(0.0, f64::max)
    }

    /// A CSV of `timestamp,rps` lines (a header line is allowed), the timestamps RFC 3339 or
    /// seconds from 0, strictly increasing and evenly spaced; each error names its line.
    pub fn from_csv(text: &str) -> Result<Self, SimError> {
        let mut rows: Vec<(usize, f64, f64)> = Vec::new();
        let mut first_time = None;
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let raw = raw.trim();
            if raw.is_empty() || raw.starts_with('#') {
                continue;
            }
            let Some((when, rate)) = raw.split_once(',') else {
                return Err(SimError::trace(Some(line), "expected `timestamp,rps`"));
            };
            let (when, rate) = (when.trim(), rate.trim());
            let at = match when.parse::<f64>() {
                Ok(s) => s,
                Err(_) => match when.parse::<Timestamp>() {
                    Ok(ts) => {
                        first_time.get_or_insert(ts);
                        ts.as_millisecond() as f64 / 1000.0
                    }
                    Err(_) if rows.is_empty() && rate.parse::<f64>().is_err() => continue,
                    Err(_) => {
                        return Err(SimError::trace(
                            Some(line),
                            format!("`{when}` is neither seconds from 0 nor an RFC 3339 time"),
                        ))
                    }
                },
            };
            let rps: f64 = rate.parse().map_err(|_| {
                SimError::trace(
                    Some(line),
                    format!("`{rate}` is not a rate of requests a second"),
                )
            })?;
            if !rps.is_finite() || rps < 0.0 {
                return Err(SimError::trace(
                    Some(line),
                    format!("the rate {rps} is negative: requests a second are 0 or more"),
                ));
            }
            if let Some((_, before, _)) = rows.last() {
                if at == *before {
                    return Err(SimError::trace(
                        Some(line),
                        "this timestamp repeats the line before's",
                    ));
                }
                if at < *before {
                    return Err(SimError::trace(
                        Some(line),
                        "this timestamp is earlier than the line before's: sort the trace by time",
                    ));
                }
            }
            rows.push((line, at, rps));
        }
        if rows.is_empty() {
            return Err(SimError::trace(
                None,
                "the trace is empty: give at least one `timestamp,rps` line",
            ));
        }
        let step = if rows.len() > 1 {
            rows[1].1 - rows[0].1
        } else {
            1.0
        };
        if step.fract() != 0.0 || step < 1.0 {
            return Err(SimError::trace(
                Some(rows[1].0),
                "the points are less than a whole second apart",
            ));
        }
        for pair in rows.windows(2) {
            if (pair[1].1 - pair[0].1 - step).abs() > 1e-9 {
                return Err(SimError::trace(
                    Some(pair[1].0),
                    format!("the points are {step} s apart until here: space them evenly"),
                ));
            }
        }
        let mut trace = Trace::new(step as u32, rows.into_iter().map(|(_, _, r)| r).collect())?;
        trace.start = first_time.unwrap_or(START);
        Ok(trace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> String {
        Trace::from_csv(text).unwrap_err().to_string()
    }

    #[test]
    fn a_csv_reads_in_seconds_or_rfc3339_with_a_header() {
        let t = Trace::from_csv("timestamp,rps\n0,10\n60,20\n120,5\n").unwrap();
        assert_eq!((t.step, t.rps.clone()), (60, vec![10.0, 20.0, 5.0]));
        assert_eq!((t.at(59), t.at(60), t.at(1000)), (10.0, 20.0, 0.0));
        let seconds: Vec<f64> = t.per_second().collect();
        assert_eq!((seconds.len(), seconds[59], seconds[60]), (180, 10.0, 20.0));
        let t = Trace::from_csv("2026-12-08T10:00:00Z,1\n2026-12-08T10:00:01Z,2\n").unwrap();
        assert_eq!((t.step, t.seconds()), (1, 2));
        assert_eq!(t.start.to_string(), "2026-12-08T10:00:00Z");
        assert_eq!(START.to_string(), "2026-01-05T00:00:00Z", "a Monday");
    }

    #[test]
    fn bad_traces_name_their_line() {
        assert_eq!(
            refused("0,10\n1,-3\n"),
            "line 2: the rate -3 is negative: requests a second are 0 or more"
        );
        assert_eq!(
            refused("0,1\n10,2\n5,3\n"),
            "line 3: this timestamp is earlier than the line before's: sort the trace by time"
        );
        assert_eq!(
            refused("0,1\n0,2\n"),
            "line 2: this timestamp repeats the line before's"
        );
        assert_eq!(
            refused("timestamp,rps\n"),
            "the trace is empty: give at least one `timestamp,rps` line"
        );
        assert_eq!(
            refused("0,1\n1,x\n"),
            "line 2: `x` is not a rate of requests a second"
        );
        assert_eq!(
            refused("0,1\nsoon,2\n"),
            "line 2: `soon` is neither seconds from 0 nor an RFC 3339 time"
        );
        assert_eq!(
            refused("0,1\n1,2\n3,2\n"),
            "line 3: the points are 1 s apart until here: space them evenly"
        );
        assert_eq!(refused("0 1\n"), "line 1: expected `timestamp,rps`");
    }

    #[test]
    fn a_trace_is_bounded() {
        assert!(Trace::new(1, vec![1.0; MAX_POINTS]).is_ok());
        let long = Trace::new(1, vec![1.0; MAX_POINTS + 1])
            .unwrap_err()
            .to_string();
        assert!(long.contains("at most 2678400"), "{long}");
        assert!(Trace::new(1, vec![]).is_err());
        assert!(Trace::new(0, vec![1.0]).is_err());
        assert!(Trace::new(1, vec![f64::NAN]).is_err());
    }
}

//! Built-in demand shapes, each with its parameters, at 1-second resolution:
//! - `flash-crowd`: the seed's unpredictable peak: a base rate, a rise to a peak in `rise`
//!   seconds at `at`, held for `hold`, then a decay back over `decay`;
//! - `daily`: a day's cycle between `low` and `high` (peak at 14:00), for `days`;
//! - `ramp`: from `from` to `to` over `duration`;
//! - `step`: `before`, then `after` from `at` on, for `duration`.
//!
//! Named as `name` or `name:key=value,key=value`, every key optional.

use crate::trace::Trace;
use crate::SimError;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    FlashCrowd {
        base: f64,
        peak: f64,
        at: u32,
        rise: u32,
        hold: u32,
        decay: u32,
        duration: u32,
    },
    Daily {
        low: f64,
        high: f64,
        days: u32,
    },
    Ramp {
        from: f64,
        to: f64,
        duration: u32,
    },
    Step {
        before: f64,
        after: f64,
        at: u32,
        duration: u32,
    },
}

pub const NAMES: [&str; 4] = ["flash-crowd", "daily", "ramp", "step"];

impl Shape {
    /// `name` or `name:key=value,…`; an unknown name or key, or a value out of range, is refused
    /// by name.
    pub fn parse(text: &str) -> Result<Self, SimError> {
        let (name, params) = text.split_once(':').unwrap_or((text, ""));
        let mut shape = match name.trim() {
            "flash-crowd" => Shape::FlashCrowd {
                base: 20.0,
                peak: 400.0,
                at: 600,
                rise: 60,
                hold: 900,
                decay: 600,
                duration: 3600,
            },
            "daily" => Shape::Daily {
                low: 10.0,
                high: 200.0,
                days: 1,
            },
            "ramp" => Shape::Ramp {
                from: 10.0,
                to: 300.0,
                duration: 3600,
            },
            "step" => Shape::Step {
                before: 20.0,
                after: 200.0,
                at: 600,
                duration: 3600,
            },
            other => {
                return Err(SimError::field(
                    "trace",
                    format!(
                        "`{other}` is not a shape: use {}, or a CSV file",
                        NAMES.join(", ")
                    ),
                ))
            }
        };
        for pair in params.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| SimError::field("trace", format!("`{pair}` is not key=value")))?;
            shape.set(key.trim(), value.trim())?;
        }
        shape.check()?;
        Ok(shape)
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), SimError> {
        let field = format!("trace.{key}");
        let rate = || {
            value.parse::<f64>().map_err(|_| {
                SimError::field(
                    &field,
                    format!("`{value}` is not a number of requests a second"),
                )
            })
        };
        let secs = || {
            value.parse::<u32>().map_err(|_| {
                SimError::field(
                    &field,
                    format!("`{value}` is not a whole number of seconds"),
                )
            })
        };
        match (self, key) {
            (Shape::FlashCrowd { base, .. }, "base") => *base = rate()?,
            (Shape::FlashCrowd { peak, .. }, "peak") => *peak = rate()?,
            (Shape::FlashCrowd { at, .. }, "at") => *at = secs()?,
            (Shape::FlashCrowd { rise, .. }, "rise") => *rise = secs()?,
            (Shape::FlashCrowd { hold, .. }, "hold") => *hold = secs()?,
            (Shape::FlashCrowd { decay, .. }, "decay") => *decay = secs()?,
            (Shape::FlashCrowd { duration, .. }, "duration") => *duration = secs()?,
            (Shape::Daily { low, .. }, "low") => *low = rate()?,
            (Shape::Daily { high, .. }, "high") => *high = rate()?,
            (Shape::Daily { days, .. }, "days") => {
                *days = value.parse().map_err(|_| {
                    SimError::field(&field, format!("`{value}` is not a whole number of days"))
                })?
            }
            (Shape::Ramp { from, .. }, "from") => *from = rate()?,
            (Shape::Ramp { to, .. }, "to") => *to = rate()?,
            (Shape::Ramp { duration, .. }, "duration") => *duration = secs()?,
            (Shape::Step { before, .. }, "before") => *before = rate()?,
            (Shape::Step { after, .. }, "after") => *after = rate()?,
            (Shape::Step { at, .. }, "at") => *at = secs()?,
            (Shape::Step { duration, .. }, "duration") => *duration = secs()?,
            (shape, _) => {
                return Err(SimError::field(
                    &field,
                    format!("`{key}` is not a setting of {}", shape.name()),
                ))
            }
        }
        Ok(())
    }

    pub fn name(&self) -> &'static str {
        match self {
            Shape::FlashCrowd { .. } => NAMES[0],
            Shape::Daily { .. } => NAMES[1],
            Shape::Ramp { .. } => NAMES[2],
            Shape::Step { .. } => NAMES[3],
        }
    }

    fn check(&self) -> Result<(), SimError> {
        let rates: Vec<(&str, f64)> = match *self {
            Shape::FlashCrowd { base, peak, .. } => vec![("base", base), ("peak", peak)],
            Shape::Daily { low, high, .. } => vec![("low", low), ("high", high)],
            Shape::Ramp { from, to, .. } => vec![("from", from), ("to", to)],
            Shape::Step { before, after, .. } => vec![("before", before), ("after", after)],
        };
        for (key, r) in rates {
            if !r.is_finite() || r < 0.0 {
                return Err(SimError::field(
                    &format!("trace.{key}"),
                    format!("{r} is negative: requests a second are 0 or more"),
                ));
            }
        }
        let seconds = self.seconds();
        if seconds == 0 {
            return Err(SimError::field(
                "trace.duration",
                "the trace lasts 0 seconds",
            ));
        }
        if seconds > crate::trace::MAX_POINTS as u64 {
            return Err(SimError::field(
                "trace.duration",
                format!("{seconds} s is longer than the 31 days simulated at most"),
            ));
        }
        Ok(())
    }

    fn seconds(&self) -> u64 {
        match *self {
            Shape::FlashCrowd { duration, .. }
            | Shape::Ramp { duration, .. }
            | Shape::Step { duration, .. } => u64::from(duration),
            Shape::Daily { days, .. } => u64::from(days) * 86_400,
        }
    }

    /// The trace, a value a second.
    pub fn trace(&self) -> Result<Trace, SimError> {
        self.check()?;
        let n = self.seconds();
        let rps = (0..n).map(|t| self.rate(t)).collect();
        Trace::new(1, rps)
    }

    fn rate(&self, t: u64) -> f64 {
        let t = t as f64;
        match *self {
            Shape::FlashCrowd {
                base,
                peak,
                at,
                rise,
                hold,
                decay,
                ..
            } => {
                let (at, rise, hold, decay) = (
                    f64::from(at),
                    f64::from(rise).max(1.0),
                    f64::from(hold),
                    f64::from(decay).max(1.0),
                );
                if t < at {
                    base
                } else if t < at + rise {
                    base + (peak - base) * (t - at) / rise
                } else if t < at + rise + hold {
                    peak
                } else if t < at + rise + hold + decay {
                    peak - (peak - base) * (t - at - rise - hold) / decay
                } else {
                    base
                }
            }
            Shape::Daily { low, high, .. } => {
                // A cosine with its top at 14:00 and its bottom at 02:00.
                let phase = ((t % 86_400.0) / 86_400.0 - 14.0 / 24.0) * std::f64::consts::TAU;
                low + (high - low) * (1.0 + phase.cos()) / 2.0
            }
            Shape::Ramp { from, to, duration } => {
                from + (to - from) * t / f64::from(duration).max(1.0)
            }
            Shape::Step {
                before, after, at, ..
            } => {
                if t < f64::from(at) {
                    before
                } else {
                    after
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flash_crowd_rises_holds_and_decays() {
        let t = Shape::parse(
            "flash-crowd:base=10,peak=110,at=100,rise=10,hold=50,decay=100,duration=400",
        )
        .unwrap()
        .trace()
        .unwrap();
        assert_eq!(t.rps.len(), 400);
        assert_eq!(
            (t.at(0), t.at(99), t.at(105), t.at(110), t.at(159)),
            (10.0, 10.0, 60.0, 110.0, 110.0)
        );
        assert_eq!((t.at(210), t.at(260), t.at(399)), (60.0, 10.0, 10.0));
    }

    #[test]
    fn the_daily_cycle_peaks_at_two_in_the_afternoon() {
        let t = Shape::parse("daily:low=0,high=100")
            .unwrap()
            .trace()
            .unwrap();
        assert_eq!(t.rps.len(), 86_400);
        assert!((t.at(14 * 3600) - 100.0).abs() < 1e-9);
        assert!(t.at(2 * 3600).abs() < 1e-9);
    }

    #[test]
    fn ramps_and_steps() {
        let r = Shape::parse("ramp:from=0,to=100,duration=100")
            .unwrap()
            .trace()
            .unwrap();
        assert_eq!((r.at(0), r.at(50)), (0.0, 50.0));
        let s = Shape::parse("step:before=1,after=9,at=5,duration=10")
            .unwrap()
            .trace()
            .unwrap();
        assert_eq!((s.at(4), s.at(5)), (1.0, 9.0));
    }

    #[test]
    fn bad_shapes_are_refused_by_field() {
        let e = |s: &str| Shape::parse(s).unwrap_err().to_string();
        assert_eq!(
            e("tsunami"),
            "trace: `tsunami` is not a shape: use flash-crowd, daily, ramp, step, or a CSV file"
        );
        assert_eq!(
            e("ramp:peak=3"),
            "trace.peak: `peak` is not a setting of ramp"
        );
        assert_eq!(
            e("step:after=-5"),
            "trace.after: -5 is negative: requests a second are 0 or more"
        );
        assert_eq!(
            e("step:at=soon"),
            "trace.at: `soon` is not a whole number of seconds"
        );
        assert_eq!(
            e("ramp:duration=0"),
            "trace.duration: the trace lasts 0 seconds"
        );
        assert_eq!(
            e("daily:days=40"),
            "trace.duration: 3456000 s is longer than the 31 days simulated at most"
        );
    }
}

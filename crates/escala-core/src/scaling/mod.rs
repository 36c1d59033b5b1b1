//! AWS's scaling algorithms, pure: no I/O and no clock of their own (times are passed in), so the
//! sandbox runtime runs them on what it measured, and the what-if simulator on a model, at any
//! time factor. The Fargate route's Application Auto Scaling uses the same target tracking and
//! step rules (AWS documents them once for both).
//!
//! - [`alarm`]: CloudWatch's M-out-of-N evaluation, with missing data as the alarm says;
//! - [`target_tracking`]: the two alarms AWS makes for a policy, and the capacity it asks for;
//! - [`step`]: step (and simple) scaling's adjustments, percent rounding and cooldown;
//! - [`schedule`]: scheduled actions' Unix cron in a time zone;
//! - [`warm_pool`]: how many instances the warm pool keeps prepared.

pub mod alarm;
pub mod schedule;
pub mod step;
pub mod target_tracking;
pub mod warm_pool;

/// A group's bounds and size, as a policy sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    pub min: u32,
    pub desired: u32,
    pub max: u32,
    /// Instances launched by a scale-out still in their warm-up.
    pub warming: u32,
}

impl Group {
    /// `n` within the group's bounds.
    pub fn clamp(&self, n: i64) -> u32 {
        n.clamp(self.min as i64, self.max as i64) as u32
    }
}

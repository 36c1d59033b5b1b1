//! The settings a sweep varies, and reading one as a number of units.

use crate::SimError;

/// The settings a sweep varies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// The policy's target: target tracking's, or the HPA's CPU.
    Target,
    /// The minimum size: instances, tasks, or the HPA's replicas.
    Min,
    /// The maximum size.
    Max,
}

impl Setting {
    pub fn name(self) -> &'static str {
        match self {
            Setting::Target => "target",
            Setting::Min => "min",
            Setting::Max => "max",
        }
    }
}

/// A setting's value as a whole number of units, refused when it isn't one.
pub(crate) fn whole(field: &str, value: f64) -> Result<u32, SimError> {
    if value < 0.0 || value.fract() != 0.0 || value > f64::from(u32::MAX) {
        return Err(SimError::field(
            field,
            format!("{value} is not a whole number of units"),
        ));
    }
    Ok(value as u32)
}

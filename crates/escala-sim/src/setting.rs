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

/// A group's size and its tracking target, as a sweep changes them: `route` names the Spec
/// section in errors, `sizes` the field holding min, desired and max.
pub(crate) struct Sized<'a> {
    pub route: &'static str,
    pub sizes: &'static str,
    pub target: Option<&'a mut f64>,
    pub min: &'a mut u32,
    pub desired: &'a mut u32,
    pub max: &'a mut u32,
}

impl Sized<'_> {
    /// Sets `setting` to `value`, keeping the desired size within the bounds.
    pub fn set(self, setting: Setting, value: f64) -> Result<(), SimError> {
        let field = |name: &str| format!("route.{}.{}.{name}", self.route, self.sizes);
        match setting {
            Setting::Target => {
                let target = self.target.ok_or_else(|| {
                    SimError::field(
                        &format!("route.{}.scaling.targetTracking", self.route),
                        "the Spec has no target tracking policy to vary",
                    )
                })?;
                *target = value;
            }
            Setting::Min => *self.min = whole(&field("min"), value)?,
            Setting::Max => *self.max = whole(&field("max"), value)?,
        }
        *self.desired = (*self.desired).clamp(*self.min, (*self.max).max(*self.min));
        Ok(())
    }
}

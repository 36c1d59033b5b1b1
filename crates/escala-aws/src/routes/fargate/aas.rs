//! What Application Auto Scaling's kinds share: the scalable target's ARN pattern, which their
//! grants name, and the answer for an object already gone with its service.

use escala_core::task::TaskError;

pub const TARGETS: &[&str] = &["arn:aws:application-autoscaling:*:*:scalable-target/*"];

/// Application Auto Scaling's answer for a target or policy already gone with its service.
pub fn gone(r: Result<(), TaskError>) -> Result<(), TaskError> {
    match r {
        Err(e) if e.code == "ObjectNotFoundException" => Ok(()),
        other => other,
    }
}

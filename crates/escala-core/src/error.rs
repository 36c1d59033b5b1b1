//! The core crate's one error type, and the validation errors it carries: every rule a Spec
//! breaks, each at its field.

use std::fmt;

use serde::Serialize;

use crate::failure::TaskFailure;
use crate::routes::Rule;

/// Everything that can go wrong in the engine core.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The YAML could not be read as a Spec (syntax, unknown field, wrong type).
    #[error("the spec is not valid YAML for escala/v1: {0}")]
    SpecSyntax(String),
    /// The Spec was read but breaks one or more rules; nothing was touched.
    #[error("{0}")]
    Validation(#[from] ValidationErrors),
    /// One or more tasks failed while applying or destroying; the failures keep the cloud's error codes.
    #[error("{} task(s) failed: {}", .0.len(), summarize(.0))]
    TasksFailed(Vec<TaskFailure>),
    /// The user cancelled; tasks already running were allowed to finish their current call.
    #[error("cancelled by the user")]
    Cancelled,
    /// The dependency graph has a cycle or names a task that does not exist (a programming error).
    #[error("invalid task graph: {0}")]
    Graph(String),
    /// The Spec names a stack that already lives in another region.
    #[error("stack '{stack}' already lives in {region}; destroy it there first or give this Spec another name")]
    RegionChange { stack: String, region: String },
    /// One of Escala's own files exists but can't be read (edited by hand, or from another version).
    #[error(
        "Escala's record of a stack is damaged ({0}); delete that file and run the operation again"
    )]
    State(String),
    /// Reading or writing Escala's own files failed.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

fn summarize(failures: &[TaskFailure]) -> String {
    failures
        .iter()
        .map(|f| format!("{} ({}: {})", f.id, f.code, f.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The Spec's own rules: its header and its network. Each route has its own (see `routes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum SpecRule {
    ApiVersion,
    Kind,
    Name,
    Region,
    VpcCidr,
    ZoneCount,
    ZoneName,
    ZoneDuplicate,
    ZoneNotInRegion,
    TooManyZones,
    SubnetCidr,
    SubnetCount,
    SubnetOutsideVpc,
    SubnetOverlap,
    VpcTooSmall,
    NoSubnets,
    NatWithoutPublicSubnets,
    NatWithoutPrivateSubnets,
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ValidationError {
    pub rule: Rule,
    /// The Spec path, as the YAML spells it: `network.publicSubnets[1]`.
    pub field: String,
    pub message: String,
}

/// All the rules a Spec breaks, so the user fixes them in one go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct ValidationErrors(pub Vec<ValidationError>);

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the spec has {} problem(s):", self.0.len())?;
        for e in &self.0 {
            write!(f, "\n  - {}: {}", e.field, e.message)?;
        }
        Ok(())
    }
}

impl ValidationErrors {
    pub fn rules(&self) -> Vec<Rule> {
        self.0.iter().map(|e| e.rule).collect()
    }

    /// One broken rule, for checks made outside this module (a region that refuses a route's
    /// instance type while planning).
    pub fn one(
        rule: impl Into<Rule>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self(vec![ValidationError {
            rule: rule.into(),
            field: field.into(),
            message: message.into(),
        }])
    }
}

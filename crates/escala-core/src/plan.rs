//! A plan: the list of changes shown before anything is touched.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::task::{Found, Observed};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Action {
    Create,
    Update,
    Replace,
    NoOp,
    Delete,
}

/// One property that differs between the cloud and the Spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldChange {
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// True when the property can't change in place, which is what turns an update into a replace.
    pub forces_replace: bool,
}

/// The change planned for one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Change {
    pub id: String,
    pub kind: String,
    pub action: Action,
    /// The cloud id when the resource exists.
    pub physical_id: Option<String>,
    pub fields: Vec<FieldChange>,
    /// Why, when it isn't obvious from the fields: "its dependency vpc is replaced".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Counts per action, for one-line summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub replace: usize,
    pub delete: usize,
    pub unchanged: usize,
}

/// The plan for a stack. Serializes to what `--output json` prints and the desktop app shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Plan {
    pub stack: String,
    pub changes: Vec<Change>,
    pub summary: Summary,
    /// What the plan leaves out, and why, in words for people: parts of the stack this target
    /// can't apply (what goes inside a cluster, on an emulator without a Kubernetes API).
    pub notes: Vec<String>,
    /// What the planner saw; the executor starts from it instead of looking everything up again.
    #[serde(skip)]
    pub observed: BTreeMap<String, Observed>,
    /// What the delete phase removes: orphans and the old objects of replaced resources.
    #[serde(skip)]
    pub removals: Vec<Found>,
}

impl Plan {
    /// True when applying changes nothing.
    pub fn is_empty(&self) -> bool {
        self.changes.iter().all(|c| c.action == Action::NoOp)
    }

    pub fn change(&self, id: &str) -> Option<&Change> {
        self.changes.iter().find(|c| c.id == id)
    }

    pub(crate) fn summarize(changes: &[Change]) -> Summary {
        let mut s = Summary::default();
        for c in changes {
            match c.action {
                Action::Create => s.create += 1,
                Action::Update => s.update += 1,
                Action::Replace => s.replace += 1,
                Action::Delete => s.delete += 1,
                Action::NoOp => s.unchanged += 1,
            }
        }
        s
    }
}

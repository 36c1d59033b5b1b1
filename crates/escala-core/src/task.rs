//! The task abstraction cloud crates implement: one cloud object, found by its tags, created or
//! updated in place, with explicit dependencies.

use std::collections::BTreeMap;
use std::fmt::Debug;

use async_trait::async_trait;
use serde::Serialize;

use crate::plan::FieldChange;

/// A property Escala manages on a resource, and whether the cloud lets it change in place.
/// A change to an immutable property means the resource is replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prop {
    pub value: String,
    pub mutable: bool,
}

impl Prop {
    pub fn fixed(value: impl ToString) -> Self {
        Self {
            value: value.to_string(),
            mutable: false,
        }
    }

    pub fn mutable(value: impl ToString) -> Self {
        Self {
            value: value.to_string(),
            mutable: true,
        }
    }

    /// Named properties that can all be changed in place.
    pub fn all_mutable(
        props: impl IntoIterator<Item = (&'static str, String)>,
    ) -> BTreeMap<String, Prop> {
        props
            .into_iter()
            .map(|(k, v)| (k.to_string(), Prop::mutable(v)))
            .collect()
    }
}

/// What a task found or made in the cloud.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Observed {
    /// The cloud's id: `vpc-0abc…`, `rtbassoc-…`.
    pub physical_id: String,
    /// The managed properties as the cloud reports them, compared against [`Task::desired`].
    pub props: BTreeMap<String, String>,
    /// Other values dependents need (an allocation id, an ENI).
    pub outputs: BTreeMap<String, String>,
}

impl Observed {
    pub fn new(physical_id: impl Into<String>) -> Self {
        Self {
            physical_id: physical_id.into(),
            ..Self::default()
        }
    }

    pub fn with_prop(mut self, key: &str, value: impl ToString) -> Self {
        self.props.insert(key.to_string(), value.to_string());
        self
    }

    /// The values of `desired`: what a task reports of the object it just made or changed to
    /// match them.
    pub fn with_props(mut self, desired: BTreeMap<String, Prop>) -> Self {
        self.props
            .extend(desired.into_iter().map(|(k, p)| (k, p.value)));
        self
    }
}

/// The observed state of a task's dependencies, by logical id.
#[derive(Debug, Clone, Default)]
pub struct Refs(pub BTreeMap<String, Observed>);

impl Refs {
    /// The physical id of a dependency. A missing one is a bug in the task graph, reported as such.
    pub fn id(&self, logical_id: &str) -> Result<&str, TaskError> {
        self.0
            .get(logical_id)
            .map(|o| o.physical_id.as_str())
            .ok_or_else(|| {
                TaskError::fatal("MissingDependency", format!("'{logical_id}' is not ready"))
            })
    }

    pub fn get(&self, logical_id: &str) -> Option<&Observed> {
        self.0.get(logical_id)
    }
}

/// Whether an error is worth another try.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ErrorClass {
    /// Throttling, a 5xx, a dependency still in use.
    Retryable,
    /// Eventual consistency: something just made isn't visible yet. Worth retrying for a short
    /// while only; after [`crate::retry::RetryPolicy::consistency_window`] it is really missing.
    Eventual,
    /// Anything else: bad parameters, no permission, limits.
    Fatal,
}

/// A task's failure, keeping the cloud's error code and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct TaskError {
    pub code: String,
    pub message: String,
    pub class: ErrorClass,
}

impl TaskError {
    pub fn retryable(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            class: ErrorClass::Retryable,
        }
    }

    pub fn eventual(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            class: ErrorClass::Eventual,
        }
    }

    pub fn fatal(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            class: ErrorClass::Fatal,
        }
    }
}

/// A task that failed for good, as reported at the end of an apply or destroy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TaskFailure {
    pub id: String,
    pub code: String,
    pub message: String,
}

/// One cloud object. `C` is the cloud crate's context (its clients, region and stack name).
#[async_trait]
pub trait Task<C>: Send + Sync + Debug {
    /// The logical id, unique in the stack and stable across runs: `vpc`, `subnet-public-a`.
    fn id(&self) -> &str;
    /// The resource kind, for grouping in plans: `Vpc`, `Subnet`.
    fn kind(&self) -> &'static str;
    /// The tasks that must be applied before this one.
    fn deps(&self) -> Vec<String>;
    /// The tasks whose observed state [`Task::find`] needs. Most resources are found by their own
    /// tags and need none; untagged ones (a route, an association) are found through their parent.
    fn find_deps(&self) -> Vec<String> {
        Vec::new()
    }
    /// When this kind is deleted relative to others: wave 0 first (see [`Found::wave`]).
    fn wave(&self) -> u8;
    /// This task's object in the form the inventory deletes, for replacing it.
    fn found(&self, current: &Observed) -> Found {
        Found {
            kind: self.kind().to_string(),
            logical_id: Some(self.id().to_string()),
            physical_id: current.physical_id.clone(),
            parent: None,
            wave: self.wave(),
            detail: current.outputs.clone(),
        }
    }
    /// The managed properties as they should be. None by default: the object only has to exist.
    fn desired(&self) -> BTreeMap<String, Prop> {
        BTreeMap::new()
    }
    /// The object as it is, or `None` when it doesn't exist (yet).
    async fn find(&self, ctx: &C, refs: &Refs) -> Result<Option<Observed>, TaskError>;
    /// Creates the object, tagged atomically where the cloud allows, so a crash never orphans it.
    async fn create(&self, ctx: &C, refs: &Refs) -> Result<Observed, TaskError>;
    /// Changes mutable properties in place. The default suits tasks without mutable properties:
    /// the planner never asks them for an update, since any change to them is a replace.
    async fn update(
        &self,
        _ctx: &C,
        _refs: &Refs,
        current: &Observed,
        _changes: &[FieldChange],
    ) -> Result<Observed, TaskError> {
        Ok(current.clone())
    }
}

/// Something that exists in the cloud for a stack, found by its tags or as an untagged dependent of
/// something tagged (a route table association, an internet gateway attachment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Found {
    pub kind: String,
    /// The `escala:id` tag; for an untagged dependent, the id of the task that makes it when that
    /// is known (a table's default route), else `None`.
    pub logical_id: Option<String>,
    pub physical_id: String,
    /// For dependents: the physical id of the tagged object they hang from.
    pub parent: Option<String>,
    /// Deletion order: wave 0 goes first. Objects of one wave are deleted concurrently.
    pub wave: u8,
    /// Extra ids the deletion needs (the VPC an internet gateway is attached to).
    pub detail: BTreeMap<String, String>,
}

impl Found {
    /// A label for progress and reports: the logical id when there is one.
    pub fn label(&self) -> String {
        match &self.logical_id {
            Some(id) => id.clone(),
            None => format!("{}/{}", self.kind, self.physical_id),
        }
    }
}

/// Discovery and deletion of everything a stack owns.
#[async_trait]
pub trait Inventory<C>: Send + Sync {
    /// Every object tagged for the stack, plus the untagged dependents that block deleting them.
    async fn discover(&self, ctx: &C) -> Result<Vec<Found>, TaskError>;
    /// Deletes one object; returns once it is gone (waiting where the cloud is asynchronous).
    async fn delete(&self, ctx: &C, found: &Found) -> Result<(), TaskError>;
}

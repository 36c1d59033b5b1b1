//! Resource kinds: how the objects of one kind are found by the stack's tags, how one is deleted,
//! which kinds can't be deleted while one of them exists, and what the cloud must permit for it.
//!
//! A cloud crate declares each kind once, beside the task that makes its objects, and registers it
//! in its route's list. The [`crate::inventory::Inventory`] built from every route's kinds
//! discovers and deletes generically: nothing central names a kind.

use std::collections::BTreeMap;
use std::fmt::Debug;

use async_trait::async_trait;
use serde::Serialize;

use crate::failure::TaskError;

/// What the engine needs of a cloud crate's context beyond the kinds themselves.
#[async_trait]
pub trait Cloud: Send + Sync + 'static {
    /// A permission a kind needs, in the cloud's own terms (an IAM statement's parts on AWS).
    type Permission: Debug + Send + Sync + 'static;

    /// One cheap question before discovery: does anything carry the stack's tag? For a new stack
    /// (a first plan, a finished destroy) a "no" ends discovery in a single call.
    async fn anything_tagged(&self) -> Result<bool, TaskError>;
}

/// How the objects of a kind are discovered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discovery {
    /// Tagged where the tag probe ([`Cloud::anything_tagged`]) looks: looked up only when it
    /// answers yes.
    Tagged,
    /// Not seen by the probe, but unable to exist without an object of a [`Discovery::Tagged`]
    /// kind: made only after one, and deleted before one (it blocks one, maybe through others).
    /// Looked up only when the probe answers yes, like the tagged kinds.
    Behind,
    /// Looked up on every discovery, whatever the probe says.
    Always,
    /// Never looked up on its own: found with its parent (a route with its table), or gone with it
    /// (a VPC's attributes).
    WithParent,
}

/// One kind of cloud object.
#[async_trait]
pub trait Kind<C: Cloud>: Send + Sync + 'static {
    /// The name plans, progress and reports show: `Vpc`, `LoadBalancer`.
    fn name(&self) -> &'static str;
    /// The kinds that can't be deleted while an object of this one exists (kops' `Blocks`): a
    /// subnet blocks its VPC, a load balancer blocks its subnets and security groups.
    fn blocks(&self) -> &'static [&'static str] {
        &[]
    }
    fn discovery(&self) -> Discovery;
    /// What the cloud must permit to create, read, change and delete objects of this kind.
    fn permissions(&self) -> &'static [C::Permission];
    /// Every object of the kind tagged for the stack, with the untagged dependents that hang
    /// from them. Only called for kinds that aren't [`Discovery::WithParent`].
    async fn discover(&self, _ctx: &C) -> Result<Vec<Found>, TaskError> {
        Ok(Vec::new())
    }
    /// Deletes one object; returns once it is gone (waiting where the cloud is asynchronous). An
    /// object already gone is success, so a crashed destroy re-runs cleanly.
    async fn delete(&self, ctx: &C, found: &Found) -> Result<(), TaskError>;
}

/// Something that exists in the cloud for a stack, found by its tags or as an untagged dependent of
/// something tagged (a route table association, an internet gateway attachment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Found {
    /// The name of its [`Kind`], which says how it is deleted and what must be gone first.
    pub kind: String,
    /// The `escala:id` tag; for an untagged dependent, the id of the task that makes it when that
    /// is known (a table's default route), else `None`.
    pub logical_id: Option<String>,
    pub physical_id: String,
    /// For dependents: the physical id of the tagged object they hang from.
    pub parent: Option<String>,
    /// Extra ids the deletion needs (the VPC an internet gateway is attached to).
    pub detail: BTreeMap<String, String>,
}

impl Found {
    /// An object of `kind` found by its tags, with the logical id they give.
    pub fn new(kind: &str, logical_id: Option<String>, physical_id: impl Into<String>) -> Self {
        Self {
            kind: kind.to_string(),
            logical_id,
            physical_id: physical_id.into(),
            parent: None,
            detail: BTreeMap::new(),
        }
    }

    /// An untagged object that hangs from the tagged one `parent`, with the ids its deletion needs.
    pub fn dependent(
        kind: &str,
        physical_id: impl Into<String>,
        parent: &str,
        detail: &[(&str, &str)],
    ) -> Self {
        Self {
            parent: Some(parent.to_string()),
            detail: detail
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Self::new(kind, None, physical_id)
        }
    }

    /// A label for progress and reports: the logical id when there is one.
    pub fn label(&self) -> String {
        match &self.logical_id {
            Some(id) => id.clone(),
            None => format!("{}/{}", self.kind, self.physical_id),
        }
    }
}

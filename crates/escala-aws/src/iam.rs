//! What a kind or a route needs AWS to permit, as the parts of an IAM statement: the exact
//! actions, the resources they act on, and the tag condition that scopes them to Escala's objects.
//! [`crate::policy`] turns the registered kinds' grants into the deploy user's policy.

/// The tag every object of a stack carries, and that scopes every change.
pub const STACK_TAG: &str = escala_core::tags::STACK;

/// Some actions on some resources, under one scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub actions: &'static [&'static str],
    /// ARN patterns, as AWS's service authorization reference names the actions' resource types,
    /// or `*` for actions that take no resource (the describes).
    pub resources: &'static [&'static str],
    pub scope: Scope,
}

/// The condition a grant is allowed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// Reads, with no condition. Discovery reads every kind of every route, so every deploy user
    /// gets every kind's reads: a stack is always seen, and torn down, whole.
    Reading,
    /// No condition, for what AWS lets no tag scope (documented at each use).
    Always,
    /// Only when the request tags the new object for a stack (`aws:RequestTag/escala:stack`).
    Creating,
    /// Only on objects that carry a stack's tag (`aws:ResourceTag/escala:stack`).
    Tagged,
    /// Tagging only as part of one of these creates, under the service's own condition key
    /// (`ec2:CreateAction`, `elasticloadbalancing:CreateAction`).
    WhileCreating {
        key: &'static str,
        creates: &'static [&'static str],
    },
    /// Only through an object of this kind, named by ARN in the request (`ec2:LaunchTemplate`:
    /// instances launched from a launch template).
    Through {
        key: &'static str,
        arn: &'static str,
    },
    /// `iam:PassRole` only to this service (`iam:PassedToService`), on the grant's own roles.
    PassedTo { service: &'static str },
}

impl Grant {
    pub const fn new(
        actions: &'static [&'static str],
        resources: &'static [&'static str],
        scope: Scope,
    ) -> Self {
        Self {
            actions,
            resources,
            scope,
        }
    }

    /// Reads that take no resource: allowed on `*`.
    pub const fn reads(actions: &'static [&'static str]) -> Self {
        Self::new(actions, &["*"], Scope::Reading)
    }
}

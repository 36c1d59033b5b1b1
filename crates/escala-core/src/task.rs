//! The task abstraction cloud crates implement: one cloud object, found by its tags, created or
//! updated in place, with explicit dependencies.
//!
//! A cloud crate writes each object as a [`Resource`]: its managed properties and its outputs are
//! typed structs (declared with [`crate::fields!`]), and its find/create/update work with them.
//! The engine sees every resource through [`Task`], which the blanket impl derives: it diffs the
//! properties as named fields, and hands each resource its own typed state back.

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt::{self, Debug};
use std::sync::Arc;

use async_trait::async_trait;
use serde::Serialize;

use crate::kind::{Cloud, Kind};

pub use crate::failure::{ErrorClass, TaskError, TaskFailure};
pub use crate::kind::Found;

/// One managed property or output, as plans show it and JSON reports carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub value: String,
    /// False when the cloud can't change it in place: a change replaces the object.
    pub mutable: bool,
}

/// A struct of named fields: a resource's properties or its outputs. Declared with
/// [`crate::fields!`], which writes this impl.
pub trait Fields: Debug + Clone + PartialEq + Send + Sync + 'static {
    fn fields(&self) -> Vec<Field>;
}

/// Nothing: a resource without properties to manage (it only has to exist) or without outputs.
impl Fields for () {
    fn fields(&self) -> Vec<Field> {
        Vec::new()
    }
}

/// Declares a [`Fields`] struct: each field with the name plans show it under, and `fixed` for a
/// property the cloud can't change in place. Values are shown with `Display`.
///
/// ```
/// escala_core::fields! {
///     /// A subnet's block and zone: neither changes in place.
///     pub struct SubnetProps {
///         cidr("cidr", fixed): String,
///         zone("zone", fixed): String,
///     }
/// }
/// ```
#[macro_export]
macro_rules! fields {
    ($(#[$meta:meta])* $vis:vis struct $name:ident {
        $($(#[$fmeta:meta])* $field:ident($key:literal $(, $fixed:ident)?): $ty:ty),* $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        $vis struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
        }

        impl $crate::task::Fields for $name {
            fn fields(&self) -> Vec<$crate::task::Field> {
                vec![$($crate::task::Field {
                    name: $key,
                    value: self.$field.to_string(),
                    mutable: $crate::fields!(@mutable $($fixed)?),
                }),*]
            }
        }
    };
    (@mutable fixed) => { false };
    (@mutable) => { true };
}

/// What a resource found or made in the cloud, with its typed properties and outputs.
#[derive(Debug, Clone, PartialEq)]
pub struct Current<P, O> {
    /// The cloud's id: `vpc-0abc…`, `rtbassoc-…`.
    pub id: String,
    pub props: P,
    pub outputs: O,
}

impl<P> Current<P, ()> {
    /// An object without outputs.
    pub fn new(id: impl Into<String>, props: P) -> Self {
        Self {
            id: id.into(),
            props,
            outputs: (),
        }
    }
}

/// A resource's state as the engine keeps it: its id, its fields as text for plans and reports,
/// and the typed values its own update and its dependents read back.
#[derive(Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Observed {
    pub physical_id: String,
    /// The managed properties as the cloud reports them, compared against the desired ones.
    pub props: BTreeMap<String, String>,
    /// Other values dependents need (an allocation id, an attachment's VPC).
    pub outputs: BTreeMap<String, String>,
    #[serde(skip)]
    #[cfg_attr(feature = "specta", specta(skip))]
    typed: Option<Typed>,
}

#[derive(Clone)]
struct Typed {
    props: Arc<dyn Any + Send + Sync>,
    outputs: Arc<dyn Any + Send + Sync>,
}

impl Debug for Observed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Observed")
            .field("physical_id", &self.physical_id)
            .field("props", &self.props)
            .field("outputs", &self.outputs)
            .finish()
    }
}

/// Two observations are the same when what they show is: the typed values are that, typed.
impl PartialEq for Observed {
    fn eq(&self, other: &Self) -> bool {
        (&self.physical_id, &self.props, &self.outputs)
            == (&other.physical_id, &other.props, &other.outputs)
    }
}

impl Eq for Observed {}

fn shown(fields: Vec<Field>) -> BTreeMap<String, String> {
    fields
        .into_iter()
        .map(|f| (f.name.to_string(), f.value))
        .collect()
}

impl Observed {
    /// The engine's view of a resource's typed state.
    pub fn of<P: Fields, O: Fields>(current: Current<P, O>) -> Self {
        Self {
            physical_id: current.id,
            props: shown(current.props.fields()),
            outputs: shown(current.outputs.fields()),
            typed: Some(Typed {
                props: Arc::new(current.props),
                outputs: Arc::new(current.outputs),
            }),
        }
    }

    /// An object known only by its id and fields as text (one made by another tool's test double).
    pub fn untyped(
        physical_id: impl Into<String>,
        props: BTreeMap<String, String>,
        outputs: BTreeMap<String, String>,
    ) -> Self {
        Self {
            physical_id: physical_id.into(),
            props,
            outputs,
            typed: None,
        }
    }

    /// The typed outputs, when they are of type `O`.
    pub fn outputs_as<O: Fields>(&self) -> Option<&O> {
        self.typed.as_ref()?.outputs.downcast_ref()
    }

    /// The typed state back, when it is of these types.
    pub fn current<P: Fields, O: Fields>(&self) -> Option<Current<P, O>> {
        let typed = self.typed.as_ref()?;
        Some(Current {
            id: self.physical_id.clone(),
            props: typed.props.downcast_ref::<P>()?.clone(),
            outputs: typed.outputs.downcast_ref::<O>()?.clone(),
        })
    }
}

/// The observed state of a task's dependencies, by logical id.
#[derive(Debug, Clone, Default)]
pub struct Refs(pub BTreeMap<String, Observed>);

impl Refs {
    /// The physical id of a dependency. A missing one is a bug in the task graph, reported as such.
    pub fn id(&self, logical_id: &str) -> Result<&str, TaskError> {
        Ok(self.observed(logical_id)?.physical_id.as_str())
    }

    /// A dependency's typed outputs.
    pub fn outputs<O: Fields>(&self, logical_id: &str) -> Result<&O, TaskError> {
        self.observed(logical_id)?.outputs_as().ok_or_else(|| {
            TaskError::fatal(
                "MissingDependency",
                format!("'{logical_id}' has no outputs of the expected type"),
            )
        })
    }

    /// The logical id of the dependency with this physical id, if any.
    pub fn logical_id_of(&self, physical_id: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(_, o)| o.physical_id == physical_id)
            .map(|(id, _)| id.as_str())
    }

    fn observed(&self, logical_id: &str) -> Result<&Observed, TaskError> {
        self.0.get(logical_id).ok_or_else(|| {
            TaskError::fatal("MissingDependency", format!("'{logical_id}' is not ready"))
        })
    }
}

/// One cloud object as a cloud crate writes it. `C` is the cloud crate's context (its clients,
/// region and stack name).
#[async_trait]
pub trait Resource<C: Cloud>: Send + Sync + Debug + 'static {
    /// What Escala manages on the object, compared with what the cloud has.
    type Props: Fields;
    /// What else is known of it once found or made, for its dependents and its deletion.
    type Outputs: Fields;

    /// The logical id, unique in the stack and stable across runs: `vpc`, `subnet-public-a`.
    fn id(&self) -> &str;
    /// The kind it is of: how such objects are discovered and deleted.
    fn kind(&self) -> &'static dyn Kind<C>;
    /// The tasks that must be applied before this one.
    fn deps(&self) -> Vec<String>;
    /// The tasks whose observed state [`Resource::find`] needs. Most resources are found by their
    /// own tags and need none; untagged ones (a route, an association) are found through their parent.
    fn find_deps(&self) -> Vec<String> {
        Vec::new()
    }
    /// The managed properties as they should be.
    fn desired(&self) -> Self::Props;
    /// The object as it is, or `None` when it doesn't exist (yet).
    async fn find(
        &self,
        ctx: &C,
        refs: &Refs,
    ) -> Result<Option<Current<Self::Props, Self::Outputs>>, TaskError>;
    /// Creates the object, tagged atomically where the cloud allows, so a crash never orphans it.
    async fn create(
        &self,
        ctx: &C,
        refs: &Refs,
    ) -> Result<Current<Self::Props, Self::Outputs>, TaskError>;
    /// Changes mutable properties in place, from `current` to [`Resource::desired`]. The default
    /// suits resources without mutable properties: the planner never asks them for an update,
    /// since any change to them is a replace.
    async fn update(
        &self,
        _ctx: &C,
        _refs: &Refs,
        current: &Current<Self::Props, Self::Outputs>,
    ) -> Result<Current<Self::Props, Self::Outputs>, TaskError> {
        Ok(current.clone())
    }
}

/// A resource as the engine drives it, with its fields as text. Every [`Resource`] is one.
#[async_trait]
pub trait Task<C: Cloud>: Send + Sync + Debug {
    fn id(&self) -> &str;
    fn kind(&self) -> &'static dyn Kind<C>;
    fn deps(&self) -> Vec<String>;
    fn find_deps(&self) -> Vec<String>;
    fn desired(&self) -> Vec<Field>;
    async fn find(&self, ctx: &C, refs: &Refs) -> Result<Option<Observed>, TaskError>;
    async fn create(&self, ctx: &C, refs: &Refs) -> Result<Observed, TaskError>;
    async fn update(&self, ctx: &C, refs: &Refs, current: &Observed)
        -> Result<Observed, TaskError>;
    /// This task's object in the form the inventory deletes, for replacing it.
    fn found(&self, current: &Observed) -> Found {
        Found {
            kind: self.kind().name().to_string(),
            logical_id: Some(self.id().to_string()),
            physical_id: current.physical_id.clone(),
            parent: None,
            detail: current.outputs.clone(),
        }
    }
}

#[async_trait]
impl<C: Cloud, R: Resource<C>> Task<C> for R {
    fn id(&self) -> &str {
        Resource::id(self)
    }
    fn kind(&self) -> &'static dyn Kind<C> {
        Resource::kind(self)
    }
    fn deps(&self) -> Vec<String> {
        Resource::deps(self)
    }
    fn find_deps(&self) -> Vec<String> {
        Resource::find_deps(self)
    }
    fn desired(&self) -> Vec<Field> {
        Resource::desired(self).fields()
    }
    async fn find(&self, ctx: &C, refs: &Refs) -> Result<Option<Observed>, TaskError> {
        Ok(Resource::find(self, ctx, refs).await?.map(Observed::of))
    }
    async fn create(&self, ctx: &C, refs: &Refs) -> Result<Observed, TaskError> {
        Ok(Observed::of(Resource::create(self, ctx, refs).await?))
    }
    async fn update(
        &self,
        ctx: &C,
        refs: &Refs,
        current: &Observed,
    ) -> Result<Observed, TaskError> {
        let typed = current.current().ok_or_else(|| {
            TaskError::fatal(
                "UntypedState",
                format!(
                    "'{}' was observed without its typed state",
                    Resource::id(self)
                ),
            )
        })?;
        Ok(Observed::of(
            Resource::update(self, ctx, refs, &typed).await?,
        ))
    }
}

//! The stacks API: what the CLI and the desktop app both do with a stack, written once. A shell
//! parses its input, calls [`Stacks`], and maps [`StacksError`] to its own exit codes or IPC
//! shape. The Spec is validated here, once, into a `CheckedSpec` that every later step takes; the
//! stack's record (its Spec, where it lives, whether a change was left unfinished) is kept here
//! too, so both shells list the same stacks and either can resume what the other left.

mod error;
mod kube;
mod kube_changes;
mod stacks;

pub use error::StacksError;
pub use kube::{ClusterView, Inside, Kubeconfig};
pub use kube_changes::Access;
pub use stacks::{Destroyed, Known, Planned, RouteInfo, Stacks};

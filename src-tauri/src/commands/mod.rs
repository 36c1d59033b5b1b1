//! The IPC surface: each command parses its arguments, calls the service and maps the error.

pub mod compare;
pub mod connect;
pub mod dashboard;
pub mod network;
pub mod stacks;
pub mod updates;

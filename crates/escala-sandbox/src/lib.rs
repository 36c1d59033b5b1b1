//! The sandbox: an AWS emulator (moto server) on a loopback port, so the whole flow runs offline.
//!
//! [`Emulator`] owns a child process and stops it when dropped (tests, the desktop app).
//! [`Sandbox`] is the detached one the CLI starts with `escala sandbox start`: its endpoint is written
//! to `sandbox.json` in Escala's folder, where every other command finds it.

mod control;
mod error;
mod process;

pub use control::{is_up, post};
pub use error::SandboxError;
pub use process::{find_moto_server, Emulator, Sandbox, SandboxInfo};

//! The sandbox: an AWS emulator (moto server) on a loopback port, so the whole flow runs offline.
//!
//! [`Emulator`] owns a moto process and stops it when dropped (tests, the sandbox process).
//! [`Sandbox`] is the detached sandbox the CLI starts with `escala sandbox start`: one process that
//! owns an emulator and runs the sandbox runtime (the `escala-runtime` crate) beside it. Its
//! endpoint and [`Speed`] are written to `sandbox.json` in Escala's folder, where every other
//! command finds it.

mod control;
mod detached;
mod emulator;
mod error;
mod interpreter;
mod speed;

pub use control::{get, is_up, post};
pub use detached::{Launch, Sandbox, SandboxInfo};
pub use emulator::Emulator;
pub use error::SandboxError;
pub use interpreter::find_moto_server;
pub use speed::Speed;

//! What the commands do, without Tauri: each function takes the app state and plain values, so it
//! can be tested against the emulator directly. The commands only parse, call and map errors.

pub mod compare;
pub mod connect;
pub mod dashboard;
pub mod network;
pub mod stacks;
pub mod updates;

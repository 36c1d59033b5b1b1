//! What the benchmark programs share: their flags, an apply's measured critical path, the process readings from `/proc`, and a live
//! sandbox of their own. A library rather than `mod` lines in each program, so that a helper one
//! program doesn't call is not dead code in it.

pub mod critical;
pub mod flags;
pub mod procfs;
pub mod sandbox;
pub mod steps;

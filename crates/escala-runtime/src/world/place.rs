//! Where an object lives in the emulator.

use serde::Deserialize;

/// Where an object lives: the emulator keeps one backend per account and region.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
pub struct Place {
    pub account: String,
    pub region: String,
}

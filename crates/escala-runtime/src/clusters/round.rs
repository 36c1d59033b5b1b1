//! What one round over a cluster works with.

use std::path::Path;

use escala_kube::Cluster;
use escala_sandbox::Speed;
use jiff::Timestamp;

use super::workloads::Workloads;
use crate::emulator::Emulator;

#[derive(Debug, Clone, Copy)]
pub struct Round<'a> {
    /// The cluster's API, as the runtime's own identity.
    pub kube: &'a Cluster,
    pub emulator: &'a Emulator,
    pub speed: Speed,
    pub workloads: &'a Workloads,
    /// Where the runtime records its processes.
    pub pids: &'a Path,
    /// AWS time, at the sandbox's time factor.
    pub now: Timestamp,
}

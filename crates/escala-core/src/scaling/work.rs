//! What a request costs the demo workload: the sandbox's instances hold one vCPU this long for
//! each (`escala-runtime`'s demo web server), and the what-if simulator serves its traces with the
//! same cost, so the two scale on the same CPU.

use std::time::Duration;

/// A request's CPU time on one vCPU: about what the php-apache loop of Kubernetes' HPA
/// walkthrough (a million square roots) takes on a current instance's core. A t3.micro's 2 vCPUs
/// serve at most 100 such requests a second.
pub const CPU_PER_REQUEST: Duration = Duration::from_millis(20);

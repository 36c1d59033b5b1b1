//! AWS's clock in the sandbox: wall time for what is shown (metric timestamps, activity times),
//! and the time factor for every period the runtime waits (see [`escala_sandbox::Speed`]).

/// Now, as AWS writes it in a scaling activity's cause: `2026-12-02T19:00:00Z`.
pub fn iso_now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

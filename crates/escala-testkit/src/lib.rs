//! Test support: one AWS emulator per test process, a fault-injecting proxy in front of it
//! (latency, throttling, 5xx, NotFound right after a create, and faults that never stop), and the
//! live sandbox's world for tests that watch a group scale.

pub mod cloud;
pub mod demo_fleet;
mod faults;
mod isolated;
mod proxy;
pub mod world;

use std::sync::OnceLock;

pub use faults::{Faults, Persistent};
pub use isolated::isolated;
pub use proxy::{FaultProxy, ProxyError, Stats};

/// The emulator shared by every test of this process: `$ESCALA_TEST_ENDPOINT` when the test script
/// started one, else one started here (and stopped by its watchdog when the process ends). Tests
/// share it safely by using a stack name of their own: everything is found by stack tags.
pub fn emulator() -> &'static str {
    static ENDPOINT: OnceLock<String> = OnceLock::new();
    static OWNED: OnceLock<escala_sandbox::Emulator> = OnceLock::new();
    ENDPOINT.get_or_init(|| match std::env::var("ESCALA_TEST_ENDPOINT") {
        Ok(e) if !e.is_empty() => e,
        _ => OWNED
            .get_or_init(|| {
                escala_sandbox::Emulator::start()
                    .expect("the AWS emulator starts (run ./scripts/setup.sh)")
            })
            .endpoint()
            .to_string(),
    })
}

/// A stack name no other test uses: `prefix` plus a counter and the process id.
pub fn unique_stack(prefix: &str) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id() % 100_000,
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

//! The live sandbox as its runtime sees it (`/moto-api/escala/world`), for the tests and the
//! benchmarks that watch a group scale: the world, a group in it, its InService instances, and a
//! poll until something holds.

use std::time::{Duration, Instant};

use serde_json::Value;

/// The sandbox's world at `endpoint`: groups and their instances, target groups, load balancers,
/// alarms.
pub fn world(endpoint: &str) -> Value {
    serde_json::from_str(&escala_sandbox::get(endpoint, "/moto-api/escala/world").unwrap()).unwrap()
}

pub fn group<'a>(w: &'a Value, name: &str) -> Option<&'a Value> {
    w["groups"].as_array()?.iter().find(|g| g["name"] == name)
}

/// The ids of the group's InService instances.
pub fn in_service(g: &Value) -> Vec<String> {
    g["instances"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|i| i["lifecycle"] == "InService")
        .filter_map(|i| i["id"].as_str().map(String::from))
        .collect()
}

/// Polls `f` every 100 ms until it gives something; panics after `within`, naming `what`.
pub fn wait<T>(what: &str, within: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(started.elapsed() < within, "waited {within:?} for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

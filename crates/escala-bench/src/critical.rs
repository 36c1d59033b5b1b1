//! The critical path of an apply, measured: Escala run with one task at a time (`--parallelism
//! 1`) shows what each task costs on its own (its wall time, and the AWS calls that arrived at
//! the proxy while it ran); the longest chain of the task graph under those costs is what no
//! schedule can beat. The time before the first task runs (start-up, the image build, planning's
//! reads) comes on top, from a run at full parallelism.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// What one task cost when it ran alone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskCost {
    pub wall: Duration,
    pub calls: u64,
}

/// The progress events of a run, as `escala apply --output json` prints them on stderr, each with
/// the time its line was read.
pub type Events = Vec<(Instant, serde_json::Value)>;

/// When the first task started in a run: what came before it is start-up and planning.
pub fn first_running(events: &Events) -> Option<Instant> {
    events
        .iter()
        .find(|(_, e)| e["event"] == "running")
        .map(|(t, _)| *t)
}

/// Each task's cost in a run with one task at a time: from its `running` event to the next
/// task's (or the run's end), and the proxy's arrivals in between.
pub fn costs(
    events: &Events,
    arrivals: &[(Instant, String)],
    end: Instant,
) -> BTreeMap<String, TaskCost> {
    let starts: Vec<(Instant, String)> = events
        .iter()
        .filter(|(_, e)| e["event"] == "running")
        .filter_map(|(t, e)| e["id"].as_str().map(|id| (*t, id.to_string())))
        .collect();
    let mut out = BTreeMap::new();
    for (i, (from, id)) in starts.iter().enumerate() {
        let to = starts.get(i + 1).map_or(end, |(t, _)| *t);
        let calls = arrivals
            .iter()
            .filter(|(t, _)| t >= from && *t < to)
            .count() as u64;
        out.insert(
            id.clone(),
            TaskCost {
                wall: to.duration_since(*from),
                calls,
            },
        );
    }
    out
}

/// The heaviest chain through `deps` (task → the tasks it waits for) under `weight`, as (its
/// weight, its tasks from first to last). Tasks that made no change weigh nothing.
pub fn longest<W>(deps: &BTreeMap<String, Vec<String>>, weight: W) -> (f64, Vec<String>)
where
    W: Fn(&str) -> f64,
{
    fn visit<W: Fn(&str) -> f64>(
        id: &str,
        deps: &BTreeMap<String, Vec<String>>,
        weight: &W,
        memo: &mut BTreeMap<String, (f64, Vec<String>)>,
    ) -> (f64, Vec<String>) {
        if let Some(hit) = memo.get(id) {
            return hit.clone();
        }
        let (mut best, mut chain) = (0.0, Vec::new());
        for d in deps.get(id).into_iter().flatten() {
            let (w, c) = visit(d, deps, weight, memo);
            if w > best {
                (best, chain) = (w, c);
            }
        }
        chain.push(id.to_string());
        let result = (best + weight(id), chain);
        memo.insert(id.to_string(), result.clone());
        result
    }
    let mut memo = BTreeMap::new();
    deps.keys()
        .map(|id| visit(id, deps, &weight, &mut memo))
        .fold((0.0, Vec::new()), |a, b| if b.0 > a.0 { b } else { a })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_heaviest_chain_wins_over_the_longest_one() {
        let deps: BTreeMap<String, Vec<String>> = [
            ("a", vec![]),
            ("b", vec!["a"]),
            ("c", vec!["b"]),
            ("d", vec![]),
            ("e", vec!["d"]),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
        .collect();
        let w = |id: &str| match id {
            "d" => 10.0,
            _ => 1.0,
        };
        assert_eq!(longest(&deps, w), (11.0, vec!["d".into(), "e".into()]));
        assert_eq!(longest(&deps, |_| 1.0).0, 3.0);
    }

    #[test]
    fn calls_go_to_the_task_that_was_running() {
        let t0 = Instant::now();
        let at = |ms| t0 + Duration::from_millis(ms);
        let events = vec![
            (at(5), json!({"event": "started", "total": 2})),
            (at(10), json!({"event": "running", "id": "vpc"})),
            (at(20), json!({"event": "done", "id": "vpc"})),
            (at(30), json!({"event": "running", "id": "subnet"})),
        ];
        let arrivals: Vec<_> = [2, 11, 15, 31]
            .into_iter()
            .map(|ms| (at(ms), "Call".to_string()))
            .collect();
        let c = costs(&events, &arrivals, at(50));
        assert_eq!(first_running(&events), Some(at(10)));
        assert_eq!(c["vpc"].calls, 2, "the planning call before it isn't its");
        assert_eq!(c["vpc"].wall, Duration::from_millis(20));
        assert_eq!(c["subnet"].calls, 1);
        assert_eq!(c["subnet"].wall, Duration::from_millis(20));
    }
}

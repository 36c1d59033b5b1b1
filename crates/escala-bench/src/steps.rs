//! A scale-out's four steps timed from the load's start, each when it is first seen, and the table
//! of them beside what AWS documents: the timeline benchmarks' shared half.

use std::time::{Duration, Instant};

use serde_json::Value;

/// Each step's name and what AWS documents for it.
pub type Documented = [(&'static str, &'static str); 4];

#[derive(Debug)]
pub struct Steps {
    started: Instant,
    marks: [Option<Duration>; 4],
}

impl Steps {
    /// The clock starts now, with the load.
    pub fn start() -> Self {
        Self {
            started: Instant::now(),
            marks: [None; 4],
        }
    }

    /// Whether a step is still to be seen, failing once `patience` is over.
    pub fn waiting(&self, patience: Duration) -> bool {
        assert!(
            self.started.elapsed() < patience,
            "no scale-out within {patience:?}"
        );
        self.marks.iter().any(Option::is_none)
    }

    /// Marks each step reached now that wasn't before.
    pub fn see(&mut self, reached: [bool; 4]) {
        let now = self.started.elapsed();
        for (mark, seen) in self.marks.iter_mut().zip(reached) {
            if mark.is_none() && seen {
                *mark = Some(now);
            }
        }
    }

    /// The table: each step's wall time, the sandbox's clock at `speed`, and AWS's figure.
    pub fn print(&self, aws: &Documented, speed: f64) {
        println!(
            "{:<30} {:>9} {:>14}  AWS documents",
            "from the load's start to", "wall (s)", "sandbox (s)"
        );
        for ((step, documented), mark) in aws.iter().zip(self.marks) {
            let wall = mark.expect("every step reached").as_secs_f64();
            println!(
                "{step:<30} {wall:>9.1} {:>14.0}  {documented}",
                wall * speed
            );
        }
    }
}

/// Whether a target tracking policy's AlarmHigh is in ALARM, in the emulator's world.
pub fn alarm_high(world: &Value) -> bool {
    world["alarms"].as_array().into_iter().flatten().any(|a| {
        a["name"].as_str().is_some_and(|n| n.contains("AlarmHigh")) && a["state"] == "ALARM"
    })
}

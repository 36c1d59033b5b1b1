//! A scale-out's four steps timed from the load's start, each when it is first seen, and the table
//! of them beside what AWS documents: the timeline benchmarks' shared half.

use std::time::{Duration, Instant};

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

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Whether every step has been seen.
    pub fn all_seen(&self) -> bool {
        self.marks.iter().all(Option::is_some)
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

//! The sandbox's clock: wall time when the runtime started, then AWS time at the time factor, so
//! cooldowns and scheduled actions pass as fast as the sandbox runs.

use std::time::Instant;

use escala_sandbox::Speed;
use jiff::Timestamp;

#[derive(Debug, Clone, Copy)]
pub struct Clock {
    speed: Speed,
    origin: Timestamp,
    started: Instant,
}

impl Clock {
    pub fn new(speed: Speed) -> Self {
        Self {
            speed,
            origin: Timestamp::now(),
            started: Instant::now(),
        }
    }

    pub fn now(&self) -> Timestamp {
        let aws = self.speed.aws(self.started.elapsed());
        self.origin
            .checked_add(jiff::SignedDuration::try_from(aws).unwrap_or_default())
            .unwrap_or(self.origin)
    }
}

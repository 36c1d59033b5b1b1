//! Per-socket state: nickname, joined rooms and the rate limiter. Stored in the socket's extensions.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use crate::rate_limit::TokenBucket;

#[derive(Debug)]
pub struct SessionState {
    pub nick: Option<String>,
    pub rooms: BTreeSet<String>,
    bucket: TokenBucket,
}

/// Cheap to clone (extensions hand out clones); all clones share one state.
#[derive(Debug, Clone)]
pub struct Session(Arc<Mutex<SessionState>>);

impl Session {
    pub fn new(rate_per_sec: f64, burst: f64) -> Self {
        Self(Arc::new(Mutex::new(SessionState {
            nick: None,
            rooms: BTreeSet::new(),
            bucket: TokenBucket::new(rate_per_sec, burst),
        })))
    }

    pub fn lock(&self) -> MutexGuard<'_, SessionState> {
        // A poisoned lock only means a handler panicked mid-update; the data is still usable.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn allow_event(&self) -> bool {
        self.lock().bucket.try_take(Instant::now())
    }

    /// The nickname if the socket is in `room`.
    pub fn nick_in(&self, room: &str) -> Option<String> {
        let s = self.lock();
        if s.rooms.contains(room) {
            s.nick.clone()
        } else {
            None
        }
    }
}

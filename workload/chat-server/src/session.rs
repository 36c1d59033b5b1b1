//! Per-socket state: nickname, joined rooms and the rate limiter. Stored in the socket's extensions.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use crate::rate_limit::TokenBucket;

#[derive(Debug)]
pub struct SessionState {
    pub nick: Option<String>,
    /// A connection is in a room or two, at most `max_rooms_per_socket`. A vector grown one name at a time
    /// costs a name's 24 bytes, where a `BTreeSet`'s first node costs every joined connection 280, and a
    /// linear search over a few names is as quick.
    rooms: Vec<String>,
    bucket: TokenBucket,
}

impl SessionState {
    pub fn in_room(&self, room: &str) -> bool {
        self.rooms.iter().any(|r| r == room)
    }

    pub fn room_count(&self) -> usize {
        self.rooms.len()
    }

    /// Joins `room`; false if the socket was already in it.
    pub fn join(&mut self, room: &str) -> bool {
        if self.in_room(room) {
            return false;
        }
        self.rooms.reserve_exact(1);
        self.rooms.push(room.to_owned());
        true
    }

    pub fn leave(&mut self, room: &str) {
        self.rooms.retain(|r| r != room);
    }

    pub fn rooms(&self) -> &[String] {
        &self.rooms
    }
}

/// Cheap to clone (extensions hand out clones); all clones share one state.
#[derive(Debug, Clone)]
pub struct Session(Arc<Mutex<SessionState>>);

impl Session {
    pub fn new(rate_per_sec: f64, burst: f64) -> Self {
        Self(Arc::new(Mutex::new(SessionState {
            nick: None,
            rooms: Vec::new(),
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
        if s.in_room(room) {
            s.nick.clone()
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rooms_are_joined_once_left_and_listed_in_joining_order() {
        let session = Session::new(1.0, 1.0);
        let mut s = session.lock();
        assert!(s.join("lobby"));
        assert!(s.join("ops"));
        assert!(
            !s.join("lobby"),
            "a second join of the same room changes nothing"
        );
        assert_eq!(s.room_count(), 2);
        assert_eq!(s.rooms(), ["lobby", "ops"]);
        s.leave("lobby");
        assert!(!s.in_room("lobby") && s.in_room("ops"));
        s.leave("never-joined");
        assert_eq!(s.rooms(), ["ops"]);
    }

    #[test]
    fn the_nickname_is_given_only_for_a_joined_room() {
        let session = Session::new(1.0, 1.0);
        {
            let mut s = session.lock();
            s.nick = Some("ana".into());
            s.join("lobby");
        }
        assert_eq!(session.nick_in("lobby").as_deref(), Some("ana"));
        assert_eq!(session.nick_in("ops"), None);
    }
}

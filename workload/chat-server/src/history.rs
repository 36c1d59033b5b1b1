//! The last N messages of each room, kept in a Redis list so that every instance (and a restarted one) sees
//! the same history; or, for one instance alone (`REDIS_URL=none`), in its own memory.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use escala_chat_proto::ChatMessage;
use redis::aio::ConnectionManager;

/// Key of a room's history list. The room name is used verbatim: Redis keys are binary-safe and room names are
/// validated (no control characters) before they get here.
fn key(room: &str) -> String {
    format!("escala:chat:history:{room}")
}

#[derive(Clone)]
pub enum History {
    Redis {
        conn: ConnectionManager,
        len: usize,
    },
    /// One instance alone: nothing to share, and a restart starts the rooms afresh.
    Memory {
        rooms: Arc<Mutex<HashMap<String, VecDeque<ChatMessage>>>>,
        len: usize,
    },
}

impl History {
    pub fn new(conn: ConnectionManager, len: usize) -> Self {
        History::Redis { conn, len }
    }

    pub fn in_memory(len: usize) -> Self {
        History::Memory {
            rooms: Arc::default(),
            len,
        }
    }

    /// Whether it is kept in Redis (and Redis must answer for this instance to serve).
    pub fn shared(&self) -> bool {
        matches!(self, History::Redis { .. })
    }

    /// Appends a message and trims the list to the newest `len`, atomically (MULTI/EXEC) in one round trip.
    pub async fn push(&self, msg: &ChatMessage) -> Result<(), redis::RedisError> {
        let (conn, len) = match self {
            History::Redis { conn, len } => (conn, *len),
            History::Memory { rooms, len } => {
                let mut rooms = rooms.lock().unwrap_or_else(|e| e.into_inner());
                let room = rooms.entry(msg.room.clone()).or_default();
                room.push_back(msg.clone());
                while room.len() > *len {
                    room.pop_front();
                }
                return Ok(());
            }
        };
        let json = serde_json::to_string(msg).map_err(|e| {
            redis::RedisError::from((redis::ErrorKind::Client, "serialize message", e.to_string()))
        })?;
        let key = key(&msg.room);
        let mut conn = conn.clone();
        redis::pipe()
            .atomic()
            .lpush(&key, json)
            .ignore()
            .ltrim(&key, 0, len as isize - 1)
            .ignore()
            .query_async::<()>(&mut conn)
            .await
    }

    /// The room's history, oldest first. Entries that do not parse (written by something else) are skipped.
    pub async fn recent(&self, room: &str) -> Result<Vec<ChatMessage>, redis::RedisError> {
        let (conn, len) = match self {
            History::Redis { conn, len } => (conn, *len),
            History::Memory { rooms, .. } => {
                let rooms = rooms.lock().unwrap_or_else(|e| e.into_inner());
                return Ok(rooms
                    .get(room)
                    .map(|r| r.iter().cloned().collect())
                    .unwrap_or_default());
            }
        };
        let mut conn = conn.clone();
        let raw: Vec<String> = redis::cmd("LRANGE")
            .arg(key(room))
            .arg(0)
            .arg(len as isize - 1)
            .query_async(&mut conn)
            .await?;
        Ok(raw
            .iter()
            .rev()
            .filter_map(|s| serde_json::from_str(s).ok())
            .collect())
    }

    /// Answers PING, for the health check; in memory, there is nothing to ask.
    pub async fn ping(&self) -> Result<(), redis::RedisError> {
        match self {
            History::Redis { conn, .. } => {
                let mut conn = conn.clone();
                redis::cmd("PING").query_async::<()>(&mut conn).await
            }
            History::Memory { .. } => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(room: &str, n: u64) -> ChatMessage {
        ChatMessage {
            id: format!("chat-1-{n}"),
            room: room.into(),
            nick: "ana".into(),
            text: format!("hola {n}"),
            sent_at_us: n,
            server_ts_ms: n,
            cid: None,
        }
    }

    #[tokio::test]
    async fn in_memory_it_keeps_each_rooms_newest_messages_oldest_first() {
        let h = History::in_memory(2);
        for n in 0..3 {
            h.push(&message("lobby", n)).await.unwrap();
        }
        h.push(&message("other", 9)).await.unwrap();
        let texts: Vec<String> = h
            .recent("lobby")
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.text)
            .collect();
        assert_eq!(texts, ["hola 1", "hola 2"]);
        assert!(h.recent("empty").await.unwrap().is_empty());
        assert!(h.ping().await.is_ok() && !h.shared());
    }
}

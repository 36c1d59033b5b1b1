//! The last N messages of each room, kept in a Redis list so that every instance (and a restarted one) sees
//! the same history.

use escala_chat_proto::ChatMessage;
use redis::aio::ConnectionManager;

/// Key of a room's history list. The room name is used verbatim: Redis keys are binary-safe and room names are
/// validated (no control characters) before they get here.
fn key(room: &str) -> String {
    format!("escala:chat:history:{room}")
}

#[derive(Clone)]
pub struct History {
    conn: ConnectionManager,
    len: usize,
}

impl History {
    pub fn new(conn: ConnectionManager, len: usize) -> Self {
        Self { conn, len }
    }

    /// Appends a message and trims the list to the newest `len`, atomically (MULTI/EXEC) in one round trip.
    pub async fn push(&self, msg: &ChatMessage) -> Result<(), redis::RedisError> {
        let json = serde_json::to_string(msg).map_err(|e| {
            redis::RedisError::from((redis::ErrorKind::Client, "serialize message", e.to_string()))
        })?;
        let key = key(&msg.room);
        let mut conn = self.conn.clone();
        redis::pipe()
            .atomic()
            .lpush(&key, json)
            .ignore()
            .ltrim(&key, 0, self.len as isize - 1)
            .ignore()
            .query_async::<()>(&mut conn)
            .await
    }

    /// The room's history, oldest first. Entries that do not parse (written by something else) are skipped.
    pub async fn recent(&self, room: &str) -> Result<Vec<ChatMessage>, redis::RedisError> {
        let mut conn = self.conn.clone();
        let raw: Vec<String> = redis::cmd("LRANGE")
            .arg(key(room))
            .arg(0)
            .arg(self.len as isize - 1)
            .query_async(&mut conn)
            .await?;
        Ok(raw
            .iter()
            .rev()
            .filter_map(|s| serde_json::from_str(s).ok())
            .collect())
    }

    /// Answers PING, for the health check.
    pub async fn ping(&self) -> Result<(), redis::RedisError> {
        let mut conn = self.conn.clone();
        redis::cmd("PING").query_async::<()>(&mut conn).await
    }
}

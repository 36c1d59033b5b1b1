//! The chat server as an ECS task's container: the binary the route's image is built from, run
//! with the task definition's environment. Fargate gives each task its own IP, where it listens
//! on the container port; here each task gets its own loopback port instead, so the port the
//! definition names is replaced with one the server picks.

use std::path::PathBuf;
use std::time::Duration;

use crate::workload::{Launch, Unit, Workload};

#[derive(Debug, Clone)]
pub struct ChatServer {
    pub binary: PathBuf,
    pub web: PathBuf,
}

impl ChatServer {
    /// The parts the image is built from, found the same way (beside Escala's executable, or
    /// where a source checkout's scripts point), for this machine's architecture.
    pub fn find() -> Result<Self, String> {
        let platform = if cfg!(target_arch = "aarch64") {
            escala_core::routes::fargate::Platform::LinuxArm64
        } else {
            escala_core::routes::fargate::Platform::LinuxAmd64
        };
        escala_aws::routes::fargate::chat_parts(platform)
            .map(|(binary, web)| Self { binary, web })
            .map_err(|e| e.to_string())
    }
}

impl Workload for ChatServer {
    fn command(&self, unit: &Unit) -> Launch {
        let mut env = unit.env.clone();
        env.retain(|(k, _)| !matches!(k.as_str(), "ESCALA_CHAT_PORT" | "PORT"));
        env.extend(
            [
                ("ESCALA_CHAT_HOST", "127.0.0.1".to_string()),
                ("ESCALA_CHAT_PORT", "0".into()),
                ("ESCALA_CHAT_WEB_DIR", self.web.display().to_string()),
                ("ESCALA_CHAT_LOG_FORMAT", "json".into()),
                ("ESCALA_CHAT_INSTANCE_ID", unit.id.clone()),
            ]
            .map(|(k, v)| (k.to_string(), v)),
        );
        Launch {
            program: self.binary.clone(),
            args: Vec::new(),
            env,
        }
    }

    /// Its JSON log's `listening` event, with the address it bound.
    fn port_in(&self, _unit: &Unit, line: &str) -> Option<u16> {
        let event: serde_json::Value = serde_json::from_str(line).ok()?;
        if event.get("message")?.as_str()? != "listening" {
            return None;
        }
        let addr: std::net::SocketAddr = event.get("addr")?.as_str()?.parse().ok()?;
        Some(addr.port())
    }

    fn reports_usage(&self) -> bool {
        false
    }

    /// It connects to Redis before it listens.
    fn start_timeout(&self) -> Duration {
        Duration::from_secs(20)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server() -> ChatServer {
        ChatServer {
            binary: "/opt/escala-chat".into(),
            web: "/opt/web".into(),
        }
    }

    #[test]
    fn the_port_comes_from_the_listening_event_only() {
        let s = server();
        let unit = Unit::default();
        let listening = r#"{"timestamp":"t","level":"INFO","message":"listening","addr":"127.0.0.1:41234","target":"escala_chat"}"#;
        assert_eq!(s.port_in(&unit, listening), Some(41234));
        let other = r#"{"level":"INFO","message":"connected to redis","addr":"127.0.0.1:6379"}"#;
        assert_eq!(s.port_in(&unit, other), None);
        assert_eq!(s.port_in(&unit, "listening 80"), None);
    }

    #[test]
    fn the_definitions_port_gives_way_to_a_loopback_port_of_its_own() {
        let unit = Unit {
            id: "task-1".into(),
            env: vec![
                ("ESCALA_CHAT_PORT".into(), "3000".into()),
                ("REDIS_URL".into(), "redis://127.0.0.1:7000".into()),
            ],
            ..Unit::default()
        };
        let launch = server().command(&unit);
        let get = |k: &str| {
            launch
                .env
                .iter()
                .filter(|(name, _)| name == k)
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(get("ESCALA_CHAT_PORT"), ["0"]);
        assert_eq!(get("ESCALA_CHAT_HOST"), ["127.0.0.1"]);
        assert_eq!(get("REDIS_URL"), ["redis://127.0.0.1:7000"]);
        assert_eq!(get("ESCALA_CHAT_INSTANCE_ID"), ["task-1"]);
    }
}

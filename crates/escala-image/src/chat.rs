//! The chat server's image, packaged the way workload/Dockerfile does it: the binary at
//! /usr/local/bin/escala-chat, the web client at /srv/escala-chat/web, port 3000, JSON logs.

use std::path::PathBuf;

use crate::spec::{BuildSpec, Tree};

const ENTRYPOINT: &str = "/usr/local/bin/escala-chat";
const WEB_DIR: &str = "/srv/escala-chat/web";
const PORT: u16 = 3000;

impl BuildSpec {
    /// `binary` is a built `escala-chat` (workload/chat-server), `web_dist` the built web client
    /// (workload/web/dist). REDIS_URL is left to whoever runs the image.
    pub fn chat_server(binary: impl Into<PathBuf>, web_dist: impl Into<PathBuf>) -> Self {
        let env = [
            ("ESCALA_CHAT_HOST", "0.0.0.0".to_owned()),
            ("ESCALA_CHAT_PORT", PORT.to_string()),
            ("ESCALA_CHAT_WEB_DIR", WEB_DIR.to_owned()),
            ("ESCALA_CHAT_LOG_FORMAT", "json".to_owned()),
            ("RUST_LOG", "info".to_owned()),
        ];
        BuildSpec {
            env: env.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            ports: vec![PORT],
            trees: vec![Tree {
                source: web_dist.into(),
                target: WEB_DIR.into(),
            }],
            ..BuildSpec::new(binary, ENTRYPOINT)
        }
    }
}

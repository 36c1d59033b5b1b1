//! The load generator against two real escala-chat instances and the real Redis of scripts/test.sh: its
//! counts must add up (every acknowledged message delivered to every other member of its room, nothing lost).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// escala-chat is built by the same workspace into the same target directory (scripts/test.sh builds all
/// targets first): target/<profile>/escala-chat, next to this test's deps/ directory.
fn server_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>");
    let bin = profile_dir.join("escala-chat");
    assert!(
        bin.exists(),
        "{} is missing: build the workspace first (scripts/test.sh does)",
        bin.display()
    );
    bin
}

struct Server(Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(name: &str) -> Server {
    let redis = std::env::var("ESCALA_TEST_REDIS_URL")
        .expect("ESCALA_TEST_REDIS_URL (run scripts/test.sh)");
    let mut child = Command::new(server_binary())
        .env_clear()
        .env("REDIS_URL", redis)
        .env("ESCALA_CHAT_HOST", "127.0.0.1")
        .env("ESCALA_CHAT_PORT", "0")
        .env("ESCALA_CHAT_INSTANCE_ID", name)
        .env("ESCALA_CHAT_LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn escala-chat");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("server exited before listening")
            .expect("read log");
        let Ok(v) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        if v["message"] == "listening" {
            let port = v["addr"]
                .as_str()
                .unwrap()
                .rsplit(':')
                .next()
                .unwrap()
                .to_string();
            break format!("http://127.0.0.1:{port}");
        }
    };
    // Keep draining the server's logs so that it never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Server(child, url)
}

#[test]
fn counts_add_up_across_two_instances() {
    let a = start("load-a");
    let b = start("load-b");
    let out = std::env::temp_dir().join(format!("escala-load-{}.json", std::process::id()));
    let pids = format!("{},{}", a.0.id(), b.0.id());
    let status = Command::new(env!("CARGO_BIN_EXE_escala-chat-load"))
        .args([
            "run",
            "--url",
            &format!("{},{}", a.1, b.1),
            "--clients",
            "12",
            "--rooms",
            "3",
        ])
        .args([
            "--rates",
            "10,20",
            "--duration",
            "1",
            "--drain",
            "5",
            "--pids",
            &pids,
            "--label",
            "test",
        ])
        .arg("--keep-going")
        .arg("--json")
        .arg(&out)
        .status()
        .expect("run escala-chat-load");
    assert!(status.success());
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let _ = std::fs::remove_file(&out);

    assert_eq!(report["connect_errors"], 0);
    let steps = report["steps"].as_array().unwrap();
    assert_eq!(
        steps.len(),
        2,
        "both steps run (none can miss: nothing is lost at this rate)"
    );
    for step in steps {
        let sent = step["sent"].as_u64().unwrap();
        assert!(sent > 0);
        assert_eq!(
            step["acked"].as_u64().unwrap(),
            sent,
            "every message acknowledged: {step}"
        );
        // 12 clients in 3 rooms: 4 members, so each message is expected at the 3 others.
        assert_eq!(
            step["expected_deliveries"].as_u64().unwrap(),
            sent * 3,
            "{step}"
        );
        assert_eq!(step["delivered"], step["expected_deliveries"], "{step}");
        assert_eq!(step["lost"], 0);
        assert!(step["p50_ms"].as_f64().unwrap() <= step["max_ms"].as_f64().unwrap());
    }
}

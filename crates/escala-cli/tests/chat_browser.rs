//! The fargate route's chat in a real browser, at the sandbox's load balancer: seed-fargate
//! applied, two headless Chromium windows, each pinned to a different task by ALB's stickiness
//! cookie, join one room; a message sent in one shows in the other, carried between the two
//! tasks by the stack's Redis.
//!
//! Needs `chromium` and `chromedriver` (Debian's chromium-driver), so it is ignored by default:
//! `scripts/test.sh` runs it with `-- --ignored`.

mod support;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use support::fargate::{task_ips, wait_healthy};
use support::sandbox::{balancer_url, sandbox_config, Home};

/// chromedriver for the length of the test.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A headless window with a profile of its own, so each keeps its own cookies.
async fn window(port: u16, profile: &std::path::Path) -> Client {
    let caps = json!({"goog:chromeOptions": {"args": [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        format!("--user-data-dir={}", profile.display()),
    ]}});
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match ClientBuilder::native()
            .capabilities(caps.as_object().unwrap().clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => return c,
            Err(e) if Instant::now() > deadline => panic!("chromedriver: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

/// The window's page joined to `room` as `nick`, on the task at `ip`, and the id of the task
/// that serves it (its `/healthz`, fetched by the page itself).
async fn join(c: &Client, url: &str, ip: &str, room: &str, nick: &str) -> String {
    c.goto(&format!("{url}/healthz")).await.unwrap();
    c.execute(
        "document.cookie = `AWSALB=${arguments[0]}; path=/`;",
        vec![json!(ip)],
    )
    .await
    .unwrap();
    c.goto(&format!("{url}/?room={room}&nick={nick}"))
        .await
        .unwrap();
    let served = c
        .execute_async(
            "const done = arguments[0]; fetch('/healthz').then(r => r.json()).then(h => done(h.instance));",
            vec![],
        )
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css("#chat:not([hidden])"))
        .await
        .unwrap();
    served.as_str().unwrap().to_string()
}

async fn messages(c: &Client) -> String {
    c.find(Locator::Id("messages"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs chromium and chromedriver: run by scripts/test.sh"]
async fn a_message_sent_through_one_task_shows_in_a_window_on_another() {
    let home = Home::new();
    let endpoint = home.start();
    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/seed-fargate.yaml"
    );
    home.run(&["apply", "-f", spec, "--yes"]);
    let config = sandbox_config(&endpoint).await;
    let ecs = aws_sdk_ecs::Client::new(&config);
    let mut ips = Vec::new();
    for _ in 0..100 {
        ips = task_ips(&ecs).await;
        if ips.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(ips.len(), 2, "two RUNNING tasks");
    wait_healthy(&aws_sdk_elasticloadbalancingv2::Client::new(&config), 2).await;
    let url = balancer_url(&endpoint);

    let port = free_port();
    let _driver = Driver(
        Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (apt: chromium-driver)"),
    );
    let a = window(port, &home.dir.path().join("profile-a")).await;
    let b = window(port, &home.dir.path().join("profile-b")).await;
    let on_a = join(&a, &url, &ips[0], "lobby", "ana").await;
    let on_b = join(&b, &url, &ips[1], "lobby", "bruno").await;
    assert_ne!(on_a, on_b, "the two windows are served by two tasks");

    let text = "hola desde otra tarea";
    a.find(Locator::Id("text"))
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
    a.find(Locator::Css("#composer button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !messages(&b).await.contains(text) {
        assert!(
            Instant::now() < deadline,
            "bruno's window never showed ana's message: {}",
            messages(&b).await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(messages(&b).await.contains("ana"), "with its sender");
    a.close().await.unwrap();
    b.close().await.unwrap();
    let out = home.run(&["destroy", "--stack", "seed-fargate", "--yes"]);
    assert!(support::text(&out).contains("0 resources left."));
}

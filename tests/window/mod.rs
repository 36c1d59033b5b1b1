//! The real app in a real window for the GUI tests: tauri-driver and WebKitWebDriver under the
//! display the test command gives (Xvfb), a WebDriver session on it, and screenshots of the
//! whole display into the artifacts folder.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// tauri-driver for the length of the test; killed on drop, which also ends the app.
pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn tauri_driver() -> PathBuf {
    let home = PathBuf::from(std::env::var_os("HOME").unwrap_or_default());
    let cargo_bin = home.join(".cargo/bin/tauri-driver");
    if cargo_bin.exists() {
        cargo_bin
    } else {
        PathBuf::from("tauri-driver")
    }
}

/// Where screenshots go: `$ESCALA_ARTIFACTS/e2e`, else `artifacts/e2e` in the repository.
fn artifacts() -> PathBuf {
    let root = std::env::var_os("ESCALA_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts"));
    let dir = root.join("e2e");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The whole X display, window frame included, as the user would see it. WebKit paints a moment
/// after the page changes, so the capture waits for the frame the assertions just checked.
pub async fn screenshot(name: &str) {
    tokio::time::sleep(Duration::from_millis(400)).await;
    let path = artifacts().join(format!("{name}.png"));
    let status = Command::new("/usr/bin/import")
        .args(["-window", "root"])
        .arg(&path)
        .status()
        .expect("ImageMagick's import is installed (scripts/setup.sh)");
    assert!(status.success(), "screenshot {name} failed");
}

pub struct Ui {
    pub client: Client,
}

impl Ui {
    fn css(testid: &str) -> String {
        format!("[data-testid=\"{testid}\"]")
    }

    pub async fn el(&self, testid: &str) -> Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css(&Self::css(testid)))
            .await
            .unwrap_or_else(|e| panic!("no [data-testid={testid}] on the page: {e}"))
    }

    pub async fn click(&self, testid: &str) {
        let el = self.el(testid).await;
        self.until(&format!("{testid} enabled"), || async {
            !self.flag(testid, "disabled").await
        })
        .await;
        // WebKitWebDriver scrolls an element just into view, where the wizard's sticky footer can
        // cover it and take the click: the middle of the view is always clear.
        let arg = serde_json::to_value(&el).unwrap();
        self.client
            .execute("arguments[0].scrollIntoView({block: 'center'})", vec![arg])
            .await
            .unwrap();
        el.click().await.unwrap();
    }

    /// Whether a boolean property (`disabled`, `checked`) of the element is set.
    pub async fn flag(&self, testid: &str, prop: &str) -> bool {
        let el = self.el(testid).await;
        el.prop(prop).await.ok().flatten().as_deref() == Some("true")
    }

    /// How many validation errors the form shows for one Spec field.
    pub async fn errors_at(&self, field: &str) -> usize {
        let css = format!("[data-testid=\"field-error\"][data-field=\"{field}\"]");
        self.count(&css).await
    }

    pub async fn type_into(&self, testid: &str, text: &str) {
        let el = self.el(testid).await;
        el.clear().await.unwrap();
        el.send_keys(text).await.unwrap();
    }

    pub async fn select(&self, testid: &str, value: &str) {
        let el = self.el(testid).await;
        el.select_by_value(value).await.unwrap();
    }

    /// Presses Escape where the focus is, as a user closing a dialog would.
    pub async fn escape(&self) {
        let focused = self.client.active_element().await.unwrap();
        focused.send_keys("\u{E00C}").await.unwrap();
    }

    /// Waits for the Apply step to end, and asserts it ended done (not failed, not cancelled).
    pub async fn applied(&self) {
        let status = "[data-testid=\"apply-status\"]";
        self.until("the apply to finish", || async {
            matches!(
                self.attr_of(status, "data-state").await.as_deref(),
                Some("done" | "failed" | "cancelled")
            )
        })
        .await;
        assert_eq!(
            self.attr_of(status, "data-state").await.as_deref(),
            Some("done")
        );
    }

    /// Tears `stack` down from the Stacks screen, its name typed to confirm (the dialog saved as
    /// screenshot `confirmed` when named), and asserts it ended done with no resource left.
    pub async fn tear_down(&self, stack: &str, confirmed: Option<&str>) {
        self.click("teardown").await;
        self.el("confirm-dialog").await;
        self.type_into("confirm-input", stack).await;
        if let Some(name) = confirmed {
            screenshot(name).await;
        }
        self.click("confirm-teardown").await;
        let torn = "[data-testid=\"teardown-status\"]";
        self.until("the teardown to finish", || async {
            matches!(
                self.attr_of(torn, "data-state").await.as_deref(),
                Some("done" | "failed")
            )
        })
        .await;
        assert_eq!(
            self.attr_of(torn, "data-state").await.as_deref(),
            Some("done")
        );
        assert_eq!(
            self.attr_of("[data-testid=\"resources-left\"]", "data-count")
                .await
                .as_deref(),
            Some("0")
        );
    }

    /// The group's (or service's) size as the dashboard shows it: (desired, serving).
    pub async fn group_size(&self) -> (u32, u32) {
        let size = "[data-testid=\"group-size\"]";
        let n = |v: Option<String>| v.and_then(|v| v.parse::<u32>().ok()).unwrap_or(0);
        (
            n(self.attr_of(size, "data-desired").await),
            n(self.attr_of(size, "data-in-service").await),
        )
    }

    /// The dashboard's charts as drawn now (empty while they load).
    pub async fn chart(&self) -> String {
        self.el("dashboard-chart")
            .await
            .html(true)
            .await
            .unwrap_or_default()
    }

    pub async fn attr_of(&self, css: &str, attr: &str) -> Option<String> {
        let el = self.client.find(Locator::Css(css)).await.ok()?;
        el.attr(attr).await.ok().flatten()
    }

    pub async fn count(&self, css: &str) -> usize {
        self.client
            .find_all(Locator::Css(css))
            .await
            .map(|v| v.len())
            .unwrap_or(0)
    }

    /// Polls until `cond` holds, failing with `what` after two minutes (an apply of the whole
    /// route on the emulator takes the longest).
    pub async fn until<F, Fut>(&self, what: &str, cond: F)
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let start = Instant::now();
        while !cond().await {
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "timed out waiting for {what}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// From Connect to the Scaling step as the seed's cases go: the sandbox (at `speed` when
    /// given) after connecting, `us-east-1` in 2 zones, a network named `stack` with one NAT
    /// gateway. Returns the sandbox's endpoint.
    pub async fn to_scaling(&self, stack: &str, speed: Option<&str>) -> String {
        self.on_step("connect").await;
        self.click("mode-sandbox").await;
        if let Some(speed) = speed {
            self.type_into("sandbox-speed", speed).await;
            self.until("the factor accepted", || async {
                self.count("[data-testid=\"sandbox-speed-problem\"]").await == 0
            })
            .await;
        }
        self.click("connect-sandbox").await;
        let endpoint = self.el("connection-endpoint").await;
        self.until("the sandbox connected", || async {
            endpoint
                .text()
                .await
                .is_ok_and(|e| e.starts_with("http://127.0.0.1:"))
        })
        .await;
        let endpoint = endpoint.text().await.unwrap();
        self.click("next").await;
        self.on_step("region").await;
        self.select("region-select", "us-east-1").await;
        self.select("zone-count", "2").await;
        self.click("next").await;
        self.on_step("network").await;
        self.type_into("stack-name", stack).await;
        self.click("nat-single").await;
        self.click("next").await;
        self.on_step("scale").await;
        endpoint
    }

    pub async fn on_step(&self, step: &str) {
        let css = format!("{}[data-step=\"{step}\"]", Self::css("step-title"));
        self.until(&format!("the {step} screen"), || async {
            self.count(&css).await == 1
        })
        .await;
    }
}

/// Starts tauri-driver on the app with its home in `home` (downloads in `downloads`), in English,
/// with no AWS credentials in sight, and opens a session on its window.
pub async fn open(home: &Path, downloads: &Path) -> (Driver, Ui) {
    open_app(
        Path::new(env!("CARGO_BIN_EXE_escala-desktop")),
        home,
        downloads,
    )
    .await
}

/// [`open`] on the app at `app`: the build tree's, or an installed one.
pub async fn open_app(app: &Path, home: &Path, downloads: &Path) -> (Driver, Ui) {
    let (port, native) = (free_port(), free_port());
    let driver = Driver(
        escala_testkit::isolated(&mut Command::new(tauri_driver()), home)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .env("XDG_DOWNLOAD_DIR", downloads)
            .env("LANG", "en_US.UTF-8")
            .stdout(Stdio::null())
            .spawn()
            .expect("tauri-driver is installed (scripts/setup.sh)"),
    );
    let caps = json!({"tauri:options": {"application": app}});
    for _ in 0..50 {
        match ClientBuilder::native()
            .capabilities(caps.as_object().unwrap().clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => return (driver, Ui { client }),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    panic!("tauri-driver accepted no session");
}

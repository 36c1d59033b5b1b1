//! The installed package's app in a real window: `scripts/install-test.sh` installs the .deb and
//! runs this with `ESCALA_INSTALLED_DESKTOP` naming the installed desktop entry. The app is
//! started from the entry's own Exec line (not the build tree's binary), and its first screen must
//! be the Connect screen, with a screenshot of it in the artifacts; its Settings offer updates,
//! off by default.
//!
//! Needs a display, `tauri-driver` and `WebKitWebDriver`, and an installed package, so it is
//! ignored by default.

// Each test program compiles the harness on its own; the helpers this one has no use for are the
// other tests', not dead code.
#[allow(dead_code)]
mod window;

use std::path::{Path, PathBuf};

use window::screenshot;

/// The program an installed desktop entry's Exec line starts, its field codes (`%U`) aside.
fn exec_of(entry: &Path) -> PathBuf {
    let text = std::fs::read_to_string(entry)
        .unwrap_or_else(|e| panic!("reading the desktop entry {}: {e}", entry.display()));
    let exec = text
        .lines()
        .find_map(|l| l.strip_prefix("Exec="))
        .unwrap_or_else(|| panic!("{} has no Exec line", entry.display()));
    let program = exec.split_whitespace().next().unwrap_or_default();
    // A bare name is looked up on the PATH, as the desktop does.
    let path = Path::new(program);
    if path.is_absolute() {
        return path.to_path_buf();
    }
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{program}, the Exec line's program, is not on the PATH"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the installed package, a display, tauri-driver and WebKitWebDriver: run by scripts/install-test.sh"]
async fn the_installed_app_opens_on_the_connect_screen() {
    let entry = PathBuf::from(
        std::env::var_os("ESCALA_INSTALLED_DESKTOP")
            .expect("ESCALA_INSTALLED_DESKTOP names the installed desktop entry"),
    );
    let app = exec_of(&entry);
    assert!(
        app.starts_with("/usr"),
        "the installed app, not the build tree's: {}",
        app.display()
    );
    let home = tempfile::tempdir().unwrap();
    let downloads = home.path().join("downloads");
    let (_driver, ui) = window::open_app(&app, home.path(), &downloads).await;
    ui.on_step("connect").await;
    let title = ui.el("step-title").await.text().await.unwrap();
    assert_eq!(title, "Connect to AWS");
    screenshot("installed-connect").await;

    // Updates: off until the user turns them on, and a build without the release key (this one
    // is the test build's) says so when asked, rather than failing or pretending.
    ui.click("settings").await;
    assert!(
        !ui.flag("updates-allow", "checked").await,
        "checking for updates must be off by default"
    );
    ui.click("updates-check").await;
    let status = ui.el("updates-status").await;
    ui.until("the update check's answer", || async {
        status
            .text()
            .await
            .unwrap_or_default()
            .contains("built from source")
    })
    .await;
    screenshot("installed-settings-updates").await;
    ui.client.close().await.unwrap();
}

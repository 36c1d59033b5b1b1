//! The main window starts hidden (tauri.conf.json) and appears once the UI has drawn its first
//! screen.
//!
//! Asked to paint a web view whose page doesn't exist yet, WebKitGTK (in the non-composited mode
//! `main.rs` selects) blocks the app's main thread for up to 500 ms waiting for the web process's
//! first backing store, often the full 500 ms while that process is still starting: about a third
//! of all starts took 850 ms instead of 350. A hidden window isn't painted.

use std::time::Duration;

use tauri::{App, Manager, WebviewWindow};

/// If the UI never reports (its page failed to load), the window still appears after this long, so
/// the user sees what went wrong instead of nothing.
const SHOW_ANYWAY_AFTER: Duration = Duration::from_secs(3);

pub fn show(window: &WebviewWindow) {
    if let Err(e) = window.show() {
        tracing::warn!(error = %e, "cannot show the window");
    }
}

/// Shows every window after `SHOW_ANYWAY_AFTER`; showing a visible window changes nothing.
pub fn show_anyway_later(app: &App) {
    let windows: Vec<WebviewWindow> = app.webview_windows().into_values().collect();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SHOW_ANYWAY_AFTER).await;
        for window in &windows {
            show(window);
        }
    });
}

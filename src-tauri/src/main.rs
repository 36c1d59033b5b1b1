// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // A wizard needs no GPU compositing. Without it WebKitGTK's web process holds about 110 MB
    // less (measured by bench-desktop), and the blank windows some GPU drivers cause can't happen.
    // Set before anything else runs, so WebKit's helper processes inherit it; a user's own value wins.
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    escala_desktop::run();
}

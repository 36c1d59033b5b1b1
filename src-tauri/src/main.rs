// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// WebKitGTK and GTK settings for a wizard that draws no 3D and runs little JavaScript. Each is
/// set before anything else runs, so WebKit's helper processes inherit it; a user's own value
/// wins. The savings are bench-desktop's, in PSS over all the app's processes.
#[cfg(target_os = "linux")]
const ENGINE_SETTINGS: [(&str, &str); 4] = [
    // No GPU compositing: the web process holds about 110 MB less, and the blank windows some GPU
    // drivers cause can't happen.
    ("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
    // Without compositing there are no GPU buffers to share with the window (5 MB).
    ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
    // GTK itself draws with Cairo; probing GLX only loads a GL driver (2 MB).
    ("GDK_GL", "disable"),
    // The UI's script is small and event-driven: JavaScriptCore's interpreter serves it as fast as
    // anyone notices, and the JIT's compilers and code would cost 8 MB.
    ("JSC_useJIT", "0"),
];

fn main() {
    // The sandbox runs each instance of its demo workload as this binary with this flag.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(escala_desktop::INSTANCE_FLAG) {
        std::process::exit(escala_desktop::serve_instance(&args[1..]));
    }
    #[cfg(target_os = "linux")]
    for (name, value) in ENGINE_SETTINGS {
        if std::env::var_os(name).is_none() {
            std::env::set_var(name, value);
        }
    }
    escala_desktop::run();
}

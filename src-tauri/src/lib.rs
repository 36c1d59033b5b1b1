//! Escala's desktop shell: the Tauri window, its commands and state. Everything it does goes
//! through the same engine API as the CLI (`escala_aws::session`); see `service` for the logic and
//! `commands` for the thin IPC layer over it.

pub mod bindings;
pub mod commands;
pub mod error;
pub mod progress;
pub mod service;
pub mod state;
pub mod views;
mod window;

use tauri::{Manager, RunEvent};

use state::AppState;

pub use service::connect::INSTANCE_FLAG;

/// One instance of the sandbox's demo workload (the app's own sandbox runs each as this binary),
/// served until the sandbox goes; returns the exit code.
pub fn serve_instance(args: &[String]) -> i32 {
    use escala_runtime::instances::demo::{serve, DemoArgs};
    let args = match DemoArgs::parse(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    match runtime.block_on(serve(args)) {
        Ok(()) => 0,
        Err(_) => 1,
    }
}

/// Starts the app and blocks until its window closes.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tao=warn,wry=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let builder = bindings::builder();
    let app = tauri::Builder::default()
        .manage(AppState::from_env())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .invoke_handler(builder.invoke_handler())
        .setup(|app| {
            window::show_anyway_later(app);
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("the app's configuration is compiled in and valid");
    app.run(|app, event| {
        if let RunEvent::Exit = event {
            app.state::<AppState>().shutdown();
        }
    });
}

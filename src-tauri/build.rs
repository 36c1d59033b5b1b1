//! Compiles tauri.conf.json and the capabilities into the app. The app manifest lists every command,
//! so each one is denied unless a capability allows it by name.

/// The app's commands; `capabilities/main.json` allows each of them for the main window only.
const COMMANDS: &[&str] = &[
    "app_info",
    "connect_sandbox",
    "list_profiles",
    "connect_profile",
    "save_keys",
    "create_deploy_user",
    "disconnect",
    "list_regions",
    "draft_spec",
    "check_spec",
    "plan_stack",
    "apply_stack",
    "cancel_operation",
    "list_stacks",
    "load_spec",
    "stack_resources",
    "export_spec",
    "destroy_stack",
    "stack_dashboard",
    "scale_stack",
    "export_chart",
    "start_load",
    "stop_load",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri.conf.json and capabilities/ must be valid");
}

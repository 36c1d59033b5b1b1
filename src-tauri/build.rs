//! Compiles tauri.conf.json and the capabilities into the app. The app manifest lists every command,
//! so each one is denied unless a capability allows it by name.

/// The app's commands; `capabilities/main.json` allows each of them for the main window only.
const COMMANDS: &[&str] = &[
    "app_info",
    "connect_sandbox",
    "list_profiles",
    "connect_profile",
    "save_keys",
    "list_routes",
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
    "stack_cluster",
    "export_spec",
    "destroy_stack",
    "stack_dashboard",
    "scale_stack",
    "export_chart",
    "start_load",
    "start_chat_load",
    "stop_load",
    "check_update",
    "install_update",
    "simulate_compare",
];

fn main() {
    pack_relative_relocations();
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri.conf.json and capabilities/ must be valid");
}

/// The binary is position-independent, so the dynamic linker applies about 95,000 relative relocations
/// at start-up, and their table (2.2 MB in the classic format) stays mapped for the life of the
/// process. Packed (DT_RELR, glibc 2.36 and binutils 2.38 or later) the table takes a few kilobytes.
/// The same addresses are relocated, so ASLR is unchanged.
fn pack_relative_relocations() {
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if target_os == "linux" && target_env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

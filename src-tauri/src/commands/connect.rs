//! Connect screen commands.

use tauri::{State, WebviewWindow};

use escala_core::sensitive::Sensitive;

use crate::error::ApiError;
use crate::service::connect;
use crate::state::AppState;
use crate::views::{AppInfo, Connection, DeployUser, Profile};
use escala_stacks::{RouteInfo, Stacks};

#[tauri::command]
#[specta::specta]
pub fn app_info(window: WebviewWindow, state: State<'_, AppState>) -> AppInfo {
    // The UI's first call: its first screen is up, so the window can appear (see `crate::window`).
    crate::window::show(&window);
    connect::app_info(&state)
}

#[tauri::command]
#[specta::specta]
/// `speed`: the sandbox's time factor when the app starts it (1 is AWS's pace; at most 100).
pub async fn connect_sandbox(
    state: State<'_, AppState>,
    speed: f64,
) -> Result<Connection, ApiError> {
    let speed = escala_sandbox::Speed::new(speed)
        .map_err(|e| crate::error::AppError::Invalid(e.to_string()))?;
    Ok(connect::connect_sandbox(&state, speed).await?)
}

#[tauri::command]
#[specta::specta]
pub fn list_profiles(state: State<'_, AppState>) -> Vec<Profile> {
    connect::list_profiles(&state)
}

#[tauri::command]
#[specta::specta]
pub async fn connect_profile(
    state: State<'_, AppState>,
    name: String,
) -> Result<Connection, ApiError> {
    Ok(connect::connect_profile(&state, &name).await?)
}

/// The secret is wrapped the moment it arrives, so no log or error can print it.
#[tauri::command]
#[specta::specta]
pub async fn save_keys(
    state: State<'_, AppState>,
    profile: String,
    access_key_id: String,
    secret_access_key: String,
) -> Result<Connection, ApiError> {
    let secret = Sensitive::new(secret_access_key);
    Ok(connect::save_keys(&state, &profile, &access_key_id, secret).await?)
}

/// The routes a deploy user can be made for, the network first.
#[tauri::command]
#[specta::specta]
pub fn list_routes() -> Vec<RouteInfo> {
    Stacks::routes()
}

/// `routes`: the registered routes the user will deploy (see `list_routes`).
#[tauri::command]
#[specta::specta]
pub async fn create_deploy_user(
    state: State<'_, AppState>,
    user_name: String,
    routes: Vec<String>,
) -> Result<DeployUser, ApiError> {
    Ok(connect::deploy_user(&state, &user_name, routes).await?)
}

#[tauri::command]
#[specta::specta]
pub fn disconnect(state: State<'_, AppState>) {
    connect::disconnect(&state)
}

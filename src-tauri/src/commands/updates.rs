//! Update commands: the UI calls them only when the user allows it (see `service::updates`).

use tauri::AppHandle;

use crate::error::ApiError;
use crate::service::updates::{self, UpdateCheck};

#[tauri::command]
#[specta::specta]
pub async fn check_update(app: AppHandle) -> Result<UpdateCheck, ApiError> {
    Ok(updates::check(&app).await?)
}

#[tauri::command]
#[specta::specta]
/// `version`: the one the user chose (from `check_update`). Returns the version installed; the
/// app runs it after a restart.
pub async fn install_update(app: AppHandle, version: String) -> Result<String, ApiError> {
    Ok(updates::install(&app, &version).await?)
}

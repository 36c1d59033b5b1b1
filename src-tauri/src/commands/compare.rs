//! The Compare screen's command: the simulation is pure and quick, run off the async runtime's
//! threads all the same.

use crate::error::ApiError;
use crate::error::AppError;
use crate::service::compare;
use crate::views::CompareView;

#[tauri::command]
#[specta::specta]
pub async fn simulate_compare(
    trace: String,
    routes: Vec<String>,
    target: Option<f64>,
    dark: bool,
    width: u32,
) -> Result<CompareView, ApiError> {
    let view =
        tokio::task::spawn_blocking(move || compare::compare(&trace, &routes, target, dark, width))
            .await
            .map_err(|e| AppError::Invalid(format!("the simulation stopped: {e}")))??;
    Ok(view)
}

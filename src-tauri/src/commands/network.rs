//! Region and network screen commands.

use tauri::State;

use escala_core::spec::Spec;

use crate::error::ApiError;
use crate::service::network;
use crate::state::AppState;
use crate::views::{RegionInfo, SpecCheck};

#[tauri::command]
#[specta::specta]
pub async fn list_regions(state: State<'_, AppState>) -> Result<Vec<RegionInfo>, ApiError> {
    Ok(network::list_regions(&state).await?)
}

#[tauri::command]
#[specta::specta]
pub fn draft_spec(name: String, region: String, zones: u32) -> Spec {
    Spec::draft(&name, &region, zones)
}

#[tauri::command]
#[specta::specta]
pub async fn check_spec(state: State<'_, AppState>, spec: Spec) -> Result<SpecCheck, ApiError> {
    Ok(network::check_spec(&state, spec).await?)
}

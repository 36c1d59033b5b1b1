//! Review, apply and Stacks screen commands. Progress streams over a Channel in batches.

use tauri::ipc::Channel;
use tauri::State;

use escala_core::executor::{ApplyReport, DestroyReport};
use escala_core::progress::ProgressEvent;
use escala_core::spec::Spec;
use escala_core::task::Found;
use escala_stacks::ClusterView;

use crate::error::ApiError;
use crate::service::stacks;
use crate::state::AppState;
use crate::views::{ExportedSpec, PlanView, StackSummary};

/// Sends a batch; a failed send means the window is gone, and the run carries on without it.
fn sender(channel: Channel<Vec<ProgressEvent>>) -> impl Fn(Vec<ProgressEvent>) + Send + 'static {
    move |batch| {
        let _ = channel.send(batch);
    }
}

#[tauri::command]
#[specta::specta]
pub async fn plan_stack(state: State<'_, AppState>, spec: Spec) -> Result<PlanView, ApiError> {
    Ok(stacks::plan(&state, spec).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn apply_stack(
    state: State<'_, AppState>,
    spec: Spec,
    on_event: Channel<Vec<ProgressEvent>>,
) -> Result<ApplyReport, ApiError> {
    Ok(stacks::apply(&state, spec, sender(on_event)).await?)
}

/// True when something was running and is now cancelling.
#[tauri::command]
#[specta::specta]
pub fn cancel_operation(state: State<'_, AppState>) -> bool {
    state.cancel_run()
}

#[tauri::command]
#[specta::specta]
pub async fn list_stacks(state: State<'_, AppState>) -> Result<Vec<StackSummary>, ApiError> {
    Ok(stacks::list(&state).await?)
}

#[tauri::command]
#[specta::specta]
pub fn load_spec(state: State<'_, AppState>, name: String) -> Result<Spec, ApiError> {
    Ok(stacks::load_spec(&state, &name)?)
}

#[tauri::command]
#[specta::specta]
pub async fn stack_resources(
    state: State<'_, AppState>,
    name: String,
) -> Result<Vec<Found>, ApiError> {
    Ok(stacks::resources(&state, &name).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn stack_cluster(
    state: State<'_, AppState>,
    name: String,
) -> Result<ClusterView, ApiError> {
    Ok(stacks::cluster(&state, &name).await?)
}

#[tauri::command]
#[specta::specta]
pub fn export_spec(state: State<'_, AppState>, name: String) -> Result<ExportedSpec, ApiError> {
    Ok(stacks::export(&state, &name)?)
}

#[tauri::command]
#[specta::specta]
pub async fn destroy_stack(
    state: State<'_, AppState>,
    name: String,
    on_event: Channel<Vec<ProgressEvent>>,
) -> Result<DestroyReport, ApiError> {
    Ok(stacks::destroy(&state, &name, sender(on_event)).await?)
}

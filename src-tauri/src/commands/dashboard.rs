//! Dashboard commands: charts, manual scaling, chart export and load. Load readouts stream over a
//! Channel once a second.

use tauri::ipc::Channel;
use tauri::State;

use escala_load::{ChatReport, ChatSnapshot, Report, Snapshot};

use crate::error::ApiError;
use crate::service::dashboard;
use crate::state::AppState;
use crate::views::{ChartFormat, ChartRange, DashboardView, ExportedChart, GroupView};

#[tauri::command]
#[specta::specta]
pub async fn stack_dashboard(
    state: State<'_, AppState>,
    name: String,
    range: ChartRange,
    dark: bool,
    width: u32,
) -> Result<DashboardView, ApiError> {
    Ok(dashboard::dashboard(&state, &name, range, dark, width).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn scale_stack(
    state: State<'_, AppState>,
    name: String,
    desired: u32,
) -> Result<GroupView, ApiError> {
    Ok(dashboard::scale(&state, &name, desired).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn export_chart(
    state: State<'_, AppState>,
    name: String,
    range: ChartRange,
    format: ChartFormat,
) -> Result<ExportedChart, ApiError> {
    Ok(dashboard::export_chart(&state, &name, range, format).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn start_load(
    state: State<'_, AppState>,
    name: String,
    rps: u32,
    seconds: u32,
    on_tick: Channel<Snapshot>,
) -> Result<Report, ApiError> {
    let tick = move |s: &Snapshot| {
        // A failed send means the window is gone; the load runs to its end regardless.
        let _ = on_tick.send(s.clone());
    };
    Ok(dashboard::load(&state, &name, rps, seconds, tick).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn start_chat_load(
    state: State<'_, AppState>,
    name: String,
    clients: u32,
    rate: u32,
    seconds: u32,
    on_tick: Channel<ChatSnapshot>,
) -> Result<ChatReport, ApiError> {
    let tick = move |s: &ChatSnapshot| {
        // A failed send means the window is gone; the load runs to its end regardless.
        let _ = on_tick.send(s.clone());
    };
    Ok(dashboard::chat_load(&state, &name, clients, rate, seconds, tick).await?)
}

/// True when load was being sent and is now stopping.
#[tauri::command]
#[specta::specta]
pub fn stop_load(state: State<'_, AppState>) -> bool {
    state.stop_load()
}

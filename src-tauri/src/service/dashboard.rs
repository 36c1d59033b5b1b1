//! A route's dashboard: its scaling charts drawn by Rust from CloudWatch, the group's size,
//! manual scaling, chart export, and load sent at the load balancer to watch scaling react.

use std::time::Duration;

use escala_aws::metrics::Range;
use escala_aws::route::{GroupState, Load};
use escala_aws::session::Session;
use escala_charts::{Size, Theme};
use escala_core::store::Place;
use escala_load::{ChatPlan, ChatReport, ChatSnapshot, LoadPlan, Report, Snapshot};

use crate::error::AppError;
use crate::service::stacks::{reachable, save_download};
use crate::state::AppState;
use crate::views::{ChartFormat, ChartRange, DashboardView, ExportedChart, GroupView, LoadKind};

/// The exported chart's size: a slide's width, at twice the pixels for PNG.
const EXPORT_SIZE: Size = Size {
    width: 1200,
    height: 720,
};

fn range(r: ChartRange) -> Range {
    match r {
        ChartRange::Hour => Range::Hour,
        ChartRange::SixHours => Range::SixHours,
        ChartRange::Day => Range::Day,
        ChartRange::Week => Range::Week,
    }
}

/// How many times faster than AWS's the connection's clock runs: a sandbox's time factor, or 1.
fn speed(state: &AppState) -> f64 {
    state.connection().and_then(|c| c.speed).unwrap_or(1.0)
}

/// A stack whose route scales a group, reachable from the current connection: where it is, and
/// the load its workload serves.
fn scaled_stack(state: &AppState, name: &str) -> Result<(Place, Load), AppError> {
    let spec = state.stacks.saved(name)?;
    let scaling = Session::scaling(&spec).ok_or_else(|| {
        AppError::Invalid(format!("stack '{name}' has no group to chart or scale"))
    })?;
    Ok((reachable(state, name)?, scaling.load(&spec)))
}

fn load_kind(load: Load) -> LoadKind {
    match load {
        Load::Requests => LoadKind::Requests,
        Load::Messages => LoadKind::Messages,
    }
}

fn group_view(group: GroupState) -> GroupView {
    GroupView {
        min: group.min,
        desired: group.desired,
        max: group.max,
        in_service: group.in_service,
        url: group.url,
    }
}

/// The charts over `r` ending now, sized for the window and themed like it, with the group's size.
pub async fn dashboard(
    state: &AppState,
    name: &str,
    r: ChartRange,
    dark: bool,
    width: u32,
) -> Result<DashboardView, AppError> {
    let (place, load) = scaled_stack(state, name)?;
    let route = state
        .stacks
        .saved(name)?
        .route
        .map(|r| r.name().to_string())
        .unwrap_or_default();
    let target = state.target()?;
    let ((mut charts, calls), group) = tokio::try_join!(
        state
            .stacks
            .dashboard(&target, name, range(r), speed(state)),
        state.stacks.group(&target, name)
    )?;
    charts.theme = if dark { Theme::Dark } else { Theme::Light };
    let size = Size {
        width: width.clamp(480, 2400),
        height: 640,
    };
    let svg = escala_charts::render_svg(&charts, size)
        .map_err(|e| AppError::Invalid(format!("drawing the charts: {e}")))?;
    Ok(DashboardView {
        svg,
        get_metric_data_calls: calls as u32,
        group: group.map(group_view),
        sandbox: place == Place::Sandbox,
        route,
        load: load_kind(load),
    })
}

/// Sets the group's desired size now; the group then starts or stops instances to get there.
pub async fn scale(state: &AppState, name: &str, desired: u32) -> Result<GroupView, AppError> {
    scaled_stack(state, name)?;
    let group = state
        .stacks
        .scale(&state.target()?, name, desired)
        .await?
        .ok_or_else(|| AppError::Invalid(format!("stack '{name}' has no group")))?;
    Ok(group_view(group))
}

/// Writes the charts over `r` to the downloads folder as SVG or PNG, light themed for documents.
pub async fn export_chart(
    state: &AppState,
    name: &str,
    r: ChartRange,
    format: ChartFormat,
) -> Result<ExportedChart, AppError> {
    scaled_stack(state, name)?;
    let (charts, _) = state
        .stacks
        .dashboard(&state.target()?, name, range(r), speed(state))
        .await?;
    let (bytes, extension) = match format {
        ChartFormat::Svg => (
            escala_charts::render_svg(&charts, EXPORT_SIZE).map(String::into_bytes),
            "svg",
        ),
        ChartFormat::Png => (escala_charts::render_png(&charts, EXPORT_SIZE, 2.0), "png"),
    };
    let bytes = bytes.map_err(|e| AppError::Invalid(format!("drawing the charts: {e}")))?;
    let file = format!("{name}-scaling-{}.{extension}", r.slug());
    Ok(ExportedChart {
        path: save_download(&file, &bytes)?,
    })
}

/// Where the stack's workload answers, for a stack whose route's load is `load`.
async fn load_url(state: &AppState, name: &str, load: Load) -> Result<String, AppError> {
    let (_, serves) = scaled_stack(state, name)?;
    if serves != load {
        return Err(AppError::Invalid(format!(
            "stack '{name}' serves {}, not {}",
            what(serves),
            what(load)
        )));
    }
    state
        .stacks
        .group(&state.target()?, name)
        .await?
        .and_then(|g| g.url)
        .ok_or_else(|| AppError::Invalid(format!("stack '{name}' has no load balancer yet")))
}

fn what(load: Load) -> &'static str {
    match load {
        Load::Requests => "web requests",
        Load::Messages => "chat messages",
    }
}

/// Sends `rps` requests a second at the stack's load balancer for `seconds`, reporting every
/// second, until done or stopped. In the sandbox, its runtime serves the load balancer on loopback.
pub async fn load(
    state: &AppState,
    name: &str,
    rps: u32,
    seconds: u32,
    tick: impl Fn(&Snapshot) + Send + Sync,
) -> Result<Report, AppError> {
    let url = load_url(state, name, Load::Requests).await?;
    let plan = LoadPlan::new(&url, rps, Duration::from_secs(u64::from(seconds)))
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    let token = state.begin_load()?;
    escala_load::run(&plan, tick, token.token.clone())
        .await
        .map_err(|e| AppError::Invalid(e.to_string()))
}

/// Connects `clients` chat clients through the stack's load balancer and has them send `rate`
/// messages a second between them for `seconds`, reporting every second, until done or stopped.
pub async fn chat_load(
    state: &AppState,
    name: &str,
    clients: u32,
    rate: u32,
    seconds: u32,
    tick: impl Fn(&ChatSnapshot) + Send + Sync,
) -> Result<ChatReport, AppError> {
    let url = load_url(state, name, Load::Messages).await?;
    let plan = ChatPlan::new(&url, clients, rate, Duration::from_secs(u64::from(seconds)))
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    let binary = escala_load::chat_load_binary().map_err(|e| AppError::Invalid(e.to_string()))?;
    let token = state.begin_load()?;
    escala_load::run_chat(&plan, &binary, tick, token.token.clone())
        .await
        .map_err(|e| AppError::Invalid(e.to_string()))
}

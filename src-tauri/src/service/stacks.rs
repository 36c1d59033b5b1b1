//! Stacks: plan, apply with live progress, the list with each stack's state, its resources, its
//! Spec exported as the YAML the CLI takes, and teardown.

use std::path::PathBuf;

use escala_core::cost;
use escala_core::executor::{ApplyReport, DestroyReport};
use escala_core::progress::ProgressEvent;
use escala_core::spec::Spec;
use escala_core::store::{Operation, Place};
use escala_core::task::Found;
use escala_core::validate;

use crate::error::AppError;
use crate::progress::batched;
use crate::state::AppState;
use crate::views::{ExportedSpec, PlanView, RouteKind, StackStatus, StackSummary};

/// Checks that need no AWS call come first, so bad input never reaches the cloud.
fn check(state: &AppState, spec: &Spec) -> Result<(), AppError> {
    validate::check_offline(spec).map_err(escala_core::CoreError::from)?;
    state.store.check_region(spec)?;
    Ok(())
}

pub async fn plan(state: &AppState, spec: &Spec) -> Result<PlanView, AppError> {
    check(state, spec)?;
    let session = state.session(&spec.region, &spec.name).await?;
    let (prepared, plan) = session.plan_spec(spec).await?;
    Ok(PlanView {
        plan,
        cost: cost::estimate(&prepared.network, spec.route.as_ref(), &spec.region),
    })
}

/// Plans again (the cloud may have changed since the review) and applies, streaming progress. The
/// Spec is saved and the stack marked as changing first, so closing the app mid-way leaves it
/// listed as interrupted, ready to resume or tear down.
pub async fn apply(
    state: &AppState,
    spec: &Spec,
    send: impl Fn(Vec<ProgressEvent>) + Send + 'static,
) -> Result<ApplyReport, AppError> {
    check(state, spec)?;
    let run = state.begin_run(&spec.name)?;
    let place = state.connected()?.place();
    let session = state.session(&spec.region, &spec.name).await?;
    let (prepared, plan) = session.plan_spec(spec).await?;
    state.store.save_spec(spec)?;
    state.store.begin(&spec.name, place, Operation::Apply)?;
    let (progress, delivered) = batched(send);
    let result = session
        .apply(&prepared, &plan, &progress, run.token.clone())
        .await;
    drop(progress);
    let _ = delivered.await;
    let report = result?;
    state.store.finish(&spec.name, place)?;
    Ok(report)
}

pub async fn destroy(
    state: &AppState,
    name: &str,
    send: impl Fn(Vec<ProgressEvent>) + Send + 'static,
) -> Result<DestroyReport, AppError> {
    let spec = known_spec(state, name)?;
    let place = reachable(state, name)?;
    let run = state.begin_run(name)?;
    let session = state.session(&spec.region, name).await?;
    state.store.begin(name, place, Operation::Destroy)?;
    let (progress, delivered) = batched(send);
    let result = session.destroy(&progress, run.token.clone()).await;
    drop(progress);
    let _ = delivered.await;
    let report = result?;
    // A stack is only forgotten when nothing of it is left; otherwise it stays listed as interrupted.
    if report.left.is_empty() && report.failed.is_empty() {
        state.store.forget(name)?;
    }
    Ok(report)
}

pub(crate) fn known_spec(state: &AppState, name: &str) -> Result<Spec, AppError> {
    state
        .store
        .load_spec(name)?
        .ok_or_else(|| AppError::UnknownStack(name.to_string()))
}

/// The stack's place, when the app is connected there; its resources can't be seen from elsewhere.
pub(crate) fn reachable(state: &AppState, name: &str) -> Result<Place, AppError> {
    let here = state.connected()?.place();
    let record = state.store.record(name)?;
    if record.place != here {
        let there = match record.place {
            Place::Sandbox => "the sandbox",
            Place::Account => "your AWS account",
        };
        return Err(AppError::Invalid(format!(
            "stack '{name}' lives in {there}: connect there to change it"
        )));
    }
    Ok(here)
}

pub fn load_spec(state: &AppState, name: &str) -> Result<Spec, AppError> {
    known_spec(state, name)
}

pub async fn resources(state: &AppState, name: &str) -> Result<Vec<Found>, AppError> {
    let spec = known_spec(state, name)?;
    reachable(state, name)?;
    Ok(state.session(&spec.region, name).await?.discover().await?)
}

/// Every stack Escala knows. Those where the app is connected are looked up: how many resources
/// they have and whether they match their Spec.
pub async fn list(state: &AppState) -> Result<Vec<StackSummary>, AppError> {
    let here = state.connected().ok().map(|c| c.place());
    let mut stacks = Vec::new();
    for name in state.store.list()? {
        let Some(spec) = state.store.load_spec(&name)? else {
            continue;
        };
        let record = state.store.record(&name)?;
        let mut summary = StackSummary {
            name: name.clone(),
            region: spec.region.clone(),
            target: record.place,
            pending: record.pending,
            status: StackStatus::Unknown,
            resources: None,
            in_sync: None,
            route: spec.route.as_ref().map(RouteKind::of),
        };
        if here == Some(record.place) {
            let session = state.session(&spec.region, &name).await?;
            let (found, plan) = session.status(&spec).await?;
            let count = found.len() as u32;
            let in_sync = plan.is_empty();
            summary.resources = Some(count);
            summary.in_sync = Some(in_sync);
            summary.status = StackStatus::of(record.pending, count, in_sync);
        } else if record.pending.is_some() {
            summary.status = StackStatus::Interrupted;
        }
        stacks.push(summary);
    }
    Ok(stacks)
}

/// Writes the Spec to the user's Downloads folder as `<stack>.escala.yaml`, the file `escala apply
/// -f` takes, and returns it too so the UI can show and copy it.
pub fn export(state: &AppState, name: &str) -> Result<ExportedSpec, AppError> {
    let yaml = known_spec(state, name)?.to_yaml();
    let path = save_download(&format!("{name}.escala.yaml"), yaml.as_bytes())?;
    Ok(ExportedSpec { yaml, path })
}

/// Writes `file` into the downloads folder and returns its path.
pub(crate) fn save_download(file: &str, bytes: &[u8]) -> Result<String, AppError> {
    let dir = downloads_dir();
    std::fs::create_dir_all(&dir).map_err(|source| AppError::Io {
        context: format!("creating {}", dir.display()),
        source,
    })?;
    let path = dir.join(file);
    std::fs::write(&path, bytes).map_err(|source| AppError::Io {
        context: format!("writing {}", path.display()),
        source,
    })?;
    Ok(path.display().to_string())
}

/// `$XDG_DOWNLOAD_DIR`, else `~/Downloads`, else the current folder.
fn downloads_dir() -> PathBuf {
    std::env::var_os("XDG_DOWNLOAD_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join("Downloads")))
        .unwrap_or_else(|| PathBuf::from("."))
}

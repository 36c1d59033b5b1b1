//! Stacks: plan, apply with live progress, the list with each stack's state, its resources, its
//! Spec exported as the YAML the CLI takes, and teardown. The work is the stacks API's; what is
//! the app's own is one run at a time, and that a stack is only touched from where it lives.

use std::path::PathBuf;

use escala_aws::session::Session;
use escala_core::executor::{ApplyReport, DestroyReport};
use escala_core::progress::ProgressEvent;
use escala_core::routes::kubernetes::KubernetesSpec;
use escala_core::routes::Section;
use escala_core::spec::Spec;
use escala_core::store::Place;
use escala_core::task::Found;
use escala_stacks::ClusterView;

use crate::error::AppError;
use crate::progress::batched;
use crate::state::AppState;
use crate::views::{ExportedSpec, PlanView, StackStatus, StackSummary};

pub async fn plan(state: &AppState, spec: Spec) -> Result<PlanView, AppError> {
    let checked = state.stacks.check(spec)?;
    let planned = state.stacks.plan(&state.target()?, &checked).await?;
    Ok(PlanView {
        plan: planned.plan,
        cost: planned.cost,
    })
}

/// Plans again (the cloud may have changed since the review) and applies, streaming progress.
pub async fn apply(
    state: &AppState,
    spec: Spec,
    send: impl Fn(Vec<ProgressEvent>) + Send + 'static,
) -> Result<ApplyReport, AppError> {
    let checked = state.stacks.check(spec)?;
    let run = state.begin_run(&checked.spec().name)?;
    let target = state.target()?;
    let planned = state.stacks.plan(&target, &checked).await?;
    let (progress, delivered) = batched(send);
    let result = state
        .stacks
        .apply(&target, &planned, &progress, run.token.clone())
        .await;
    drop(progress);
    let _ = delivered.await;
    Ok(result?)
}

/// Deletes everything the stack owns. It is forgotten once nothing of it is left; otherwise it
/// stays listed as interrupted.
pub async fn destroy(
    state: &AppState,
    name: &str,
    send: impl Fn(Vec<ProgressEvent>) + Send + 'static,
) -> Result<DestroyReport, AppError> {
    let spec = state.stacks.saved(name)?;
    reachable(state, name)?;
    let run = state.begin_run(name)?;
    let (progress, delivered) = batched(send);
    let result = state
        .stacks
        .destroy(&state.target()?, &spec, &progress, run.token.clone())
        .await;
    drop(progress);
    let _ = delivered.await;
    Ok(result?.report)
}

/// The stack's place, when the app is connected there; its resources can't be seen from elsewhere.
pub(crate) fn reachable(state: &AppState, name: &str) -> Result<Place, AppError> {
    let here = state.connected()?.place();
    let record = state.store().record(name)?;
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
    Ok(state.stacks.saved(name)?)
}

pub async fn resources(state: &AppState, name: &str) -> Result<Vec<Found>, AppError> {
    reachable(state, name)?;
    Ok(state.stacks.resources(&state.target()?, name).await?)
}

/// A Kubernetes stack's cluster: EKS's view, and what runs inside or why it can't be read.
pub async fn cluster(state: &AppState, name: &str) -> Result<ClusterView, AppError> {
    reachable(state, name)?;
    Ok(state.stacks.cluster_view(&state.target()?, name).await?)
}

/// Every stack Escala knows. Those where the app is connected are looked up: how many resources
/// they have and whether they match their Spec.
pub async fn list(state: &AppState) -> Result<Vec<StackSummary>, AppError> {
    let here = state.connected().ok().map(|c| c.place());
    let mut stacks = Vec::new();
    for known in state.stacks.list()? {
        let record = known.record;
        let mut summary = StackSummary {
            name: known.name.clone(),
            region: known.spec.region.clone(),
            target: record.place,
            pending: record.pending,
            status: StackStatus::Unknown,
            resources: None,
            in_sync: None,
            route: known.spec.route.as_ref().map(|r| r.name().to_string()),
            dashboard: Session::scaling(&known.spec).is_some(),
            cluster: known
                .spec
                .route
                .as_ref()
                .and_then(KubernetesSpec::of)
                .is_some(),
        };
        if here == Some(record.place) {
            let (found, plan) = state.stacks.status(&state.target()?, &known.name).await?;
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
    let yaml = state.stacks.saved(name)?.to_yaml();
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

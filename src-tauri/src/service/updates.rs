//! Updates of the app itself, through Tauri's updater plugin. Escala holds cloud keys, so it never
//! asks a server anything on its own: the UI calls these only when the user has turned "check for
//! updates" on (off by default) or pressed "check now". An update is installed only when its
//! signature is the release key's, the public half of which each release build carries in
//! `plugins.updater.pubkey`; the plugin checks it, and it also checks that the signature names the
//! version announced (`requireSignedVersion`), so an old signed release can't pose as a new one.

use serde::Serialize;
use tauri::{AppHandle, Runtime};
use tauri_plugin_updater::{Error as UpdaterError, UpdaterExt};

use crate::error::AppError;

/// What a check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum UpdateCheck {
    /// This build has no release key or feed: it was built from source, not by the release
    /// workflow, so it updates with its source.
    Unsupported,
    /// The feed's newest release is this one.
    UpToDate { current: String },
    /// A newer release, and what its feed says of it.
    Available {
        current: String,
        version: String,
        notes: Option<String>,
    },
}

/// Whether this build was given a release key and a feed (the release workflow gives both).
pub fn supported<R: Runtime>(app: &AppHandle<R>) -> bool {
    let config = app.config().plugins.0.get("updater");
    let has = |field: &str| {
        config.and_then(|c| c.get(field)).is_some_and(|v| {
            v.as_str().is_some_and(|s| !s.is_empty()) || v.as_array().is_some_and(|a| !a.is_empty())
        })
    };
    has("pubkey") && has("endpoints")
}

/// Asks the release feed for a newer version.
pub async fn check<R: Runtime>(app: &AppHandle<R>) -> Result<UpdateCheck, AppError> {
    if !supported(app) {
        return Ok(UpdateCheck::Unsupported);
    }
    let current = app.package_info().version.to_string();
    let updater = app
        .updater()
        .map_err(|e| failed("prepare the update check", e))?;
    match updater
        .check()
        .await
        .map_err(|e| failed("check for updates", e))?
    {
        None => Ok(UpdateCheck::UpToDate { current }),
        Some(update) => Ok(UpdateCheck::Available {
            current,
            version: update.version.clone(),
            notes: update.body.clone(),
        }),
    }
}

/// Downloads the newest release, verifies its signature and installs it; returns its version.
/// `expected` is the version the user chose to install: if the feed now offers another, nothing
/// is installed and the user is asked to look again. The app runs the new version after a
/// restart. A download whose signature isn't the release key's is refused, and nothing is
/// installed.
pub async fn install<R: Runtime>(app: &AppHandle<R>, expected: &str) -> Result<String, AppError> {
    let (bytes, update) = download(app, expected).await?;
    update
        .install(bytes)
        .map_err(|e| failed(&format!("install version {}", update.version), e))?;
    Ok(update.version)
}

/// The newest release's package, its signature verified, and the update it belongs to, when the
/// newest release is still the `expected` version.
pub async fn download<R: Runtime>(
    app: &AppHandle<R>,
    expected: &str,
) -> Result<(Vec<u8>, tauri_plugin_updater::Update), AppError> {
    if !supported(app) {
        return Err(AppError::Update(
            "this build of Escala has no release key: it was built from source, so update it from its source".into(),
        ));
    }
    let updater = app.updater().map_err(|e| failed("prepare the update", e))?;
    let update = updater
        .check()
        .await
        .map_err(|e| failed("check for updates", e))?
        .ok_or_else(|| AppError::Update("there is no newer version to install".into()))?;
    if update.version != expected {
        return Err(AppError::Update(format!(
            "the newest version is now {}, not the {expected} you chose: check again before installing",
            update.version
        )));
    }
    let version = &update.version;
    let refused = |why: String| {
        AppError::Update(format!(
            "the update to version {version} was refused: {why}. Nothing was installed"
        ))
    };
    let bytes = update.download(|_, _| {}, || {}).await.map_err(|e| match e {
        UpdaterError::Minisign(e) => refused(format!(
            "its signature is not from Escala's release key ({e})"
        )),
        UpdaterError::Base64(_) | UpdaterError::SignatureUtf8(_) => {
            refused("its signature is not a signature at all (not minisign's base64 text)".into())
        }
        UpdaterError::SignedVersionMismatch { signed, .. } => refused(format!(
            "its signature is the release key's, but for version {signed}: an older release announced as a newer one"
        )),
        UpdaterError::MissingSignedVersion => {
            refused("its signature names no version, so it could be any release's".into())
        }
        other => failed(&format!("download version {version}"), other),
    })?;
    Ok((bytes, update))
}

fn failed(doing: &str, e: UpdaterError) -> AppError {
    AppError::Update(format!("couldn't {doing}: {e}"))
}

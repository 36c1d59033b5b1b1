//! Pushing an [`Image`] over the OCI distribution API: the login check, then each blob that the
//! registry does not already hold (streamed, with progress), then the manifests, the tag last,
//! so a pull by tag never finds a manifest whose blobs are missing.

use bytes::Bytes;
use futures::stream;
use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::errors::OciDistributionError;
use oci_client::{Client, Reference, RegistryOperation};

use crate::auth::Auth;
use crate::blob::Blob;
use crate::error::ImageError;
use crate::image::Image;
use crate::registry::{chain, is_loopback, Login, Registry, CONNECT_TIMEOUT, READ_TIMEOUT};

/// Progress is reported at least this often while a blob is sent.
const CHUNK: usize = 256 * 1024;

/// One blob's upload so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub digest: String,
    /// Bytes handed to the connection.
    pub sent: u64,
    pub total: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobState {
    Uploaded,
    /// The registry had it (an earlier push, or another image with the same layer): nothing sent.
    AlreadyPresent,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobPush {
    /// "layer app (linux/amd64)", "config (linux/arm64)", ...
    pub what: String,
    pub digest: String,
    pub bytes: u64,
    pub state: BlobState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushReport {
    /// Where the image now is, as given.
    pub reference: String,
    /// The digest the reference resolves to: the manifest's, or the index's.
    pub digest: String,
    pub blobs: Vec<BlobPush>,
}

impl PushReport {
    pub fn uploaded_bytes(&self) -> u64 {
        self.blobs
            .iter()
            .filter(|b| b.state == BlobState::Uploaded)
            .map(|b| b.bytes)
            .sum()
    }
}

/// Pushes `image` to `target` (`registry/repository:tag`). `progress` hears about every blob
/// that is uploaded, from 0 to its size.
pub async fn push(
    image: &Image,
    target: &Reference,
    auth: &Auth,
    mut progress: impl FnMut(Progress),
) -> Result<PushReport, ImageError> {
    let mut registry = Registry::new(target, auth)?;
    let login = registry.login().await?;

    let host = registry.host().to_owned();
    let client = Client::new(ClientConfig {
        protocol: if is_loopback(&host) {
            ClientProtocol::HttpsExcept(vec![host.clone()])
        } else {
            ClientProtocol::Https
        },
        // One PUT per blob: every registry takes it (chunked PATCHes have per-registry size rules),
        // and the body is still streamed, so progress follows the socket.
        use_monolithic_push: true,
        connect_timeout: Some(CONNECT_TIMEOUT),
        read_timeout: Some(READ_TIMEOUT),
        ..ClientConfig::default()
    });
    // Stores the credentials in the client and, for a registry that hands out tokens, trades
    // them for one scoped to pushing this repository.
    let token = client
        .auth(target, &auth.to_registry_auth(), RegistryOperation::Push)
        .await
        .map_err(|e| match e {
            OciDistributionError::AuthenticationFailure(answer) => ImageError::AuthRefused {
                registry: host.clone(),
                answer,
            },
            other => ImageError::Unreachable {
                registry: host.clone(),
                reason: chain(&other),
            },
        })?;
    if login == Login::Token {
        registry.use_token(token);
    }

    let mut blobs = Vec::new();
    for (what, blob) in image.blobs() {
        let present = client
            .blob_exists(target, blob.digest())
            .await
            .map_err(|e| ImageError::Check {
                digest: blob.digest().to_owned(),
                reason: chain(&e),
            })?;
        let state = if present {
            BlobState::AlreadyPresent
        } else {
            upload(&client, target, &what, blob, &mut progress).await?;
            BlobState::Uploaded
        };
        blobs.push(BlobPush {
            what,
            digest: blob.digest().to_owned(),
            bytes: blob.size(),
            state,
        });
    }

    // An index may only name manifests the repository already has.
    if image.index().is_some() {
        for platform in image.platforms() {
            registry
                .put_manifest(
                    target.repository(),
                    platform.manifest.digest(),
                    &platform.manifest,
                )
                .await?;
        }
    }
    let reference = target
        .digest()
        .or(target.tag())
        .unwrap_or("latest")
        .to_owned();
    registry
        .put_manifest(target.repository(), &reference, image.top())
        .await?;

    Ok(PushReport {
        reference: target.whole(),
        digest: image.digest().to_owned(),
        blobs,
    })
}

async fn upload(
    client: &Client,
    target: &Reference,
    what: &str,
    blob: &Blob,
    progress: &mut impl FnMut(Progress),
) -> Result<(), ImageError> {
    let total = blob.size();
    let (sent_tx, mut sent_rx) = tokio::sync::mpsc::unbounded_channel::<u64>();
    // The body is pulled one chunk at a time as the connection takes it, so each pull reports
    // what went before it. The callback stays on this task: the stream only sends numbers.
    let data = blob.data().clone();
    let body = stream::unfold(0usize, move |offset| {
        let data = data.clone();
        let sent_tx = sent_tx.clone();
        async move {
            // The receiver lives until the upload ends; a closed channel only means nobody listens.
            let _ = sent_tx.send(offset as u64);
            (offset < data.len()).then(|| {
                let end = (offset + CHUNK).min(data.len());
                (
                    Ok::<Bytes, OciDistributionError>(data.slice(offset..end)),
                    end,
                )
            })
        }
    });
    let sending = client.push_blob_stream(target, body, blob.digest(), Some(total));
    tokio::pin!(sending);
    // Plain state rather than a Cell, so the push stays a Send future for multi-threaded callers.
    let mut last = None;
    let mut report = |sent, last: &mut Option<u64>| {
        *last = Some(sent);
        progress(Progress {
            digest: blob.digest().to_owned(),
            sent,
            total,
        })
    };
    let result = loop {
        tokio::select! {
            Some(sent) = sent_rx.recv() => report(sent, &mut last),
            result = &mut sending => break result,
        }
    };
    while let Ok(sent) = sent_rx.try_recv() {
        report(sent, &mut last);
    }
    // The connection stops pulling once Content-Length bytes are out, so the end of the body is
    // never polled: the registry's acceptance is what says the last chunk went.
    if result.is_ok() && last != Some(total) {
        report(total, &mut last);
    }
    result.map(drop).map_err(|e| ImageError::Upload {
        what: what.to_owned(),
        digest: blob.digest().to_owned(),
        reason: chain(&e),
    })
}

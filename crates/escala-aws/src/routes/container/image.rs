//! The chat's image in the repository: built by Escala before planning (so the plan knows its
//! digest, and a changed binary shows as a new image), and pushed over the OCI distribution API
//! with the credentials ECR's GetAuthorizationToken hands out. A layer the repository already has
//! is not sent again. Its tag is made from its digest, so an immutable repository takes every new
//! build, and the same build twice is found, not pushed.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use aws_sdk_ecr::types::ImageIdentifier;
use base64::Engine;
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::routes::fargate::Platform;
use escala_core::task::{Current, Found, Refs, Resource, TaskError};
use escala_image::{Auth, BuildSpec, Reference};

use super::ids::{repository_name, IMAGE, REPOSITORY};
use super::repository::RepositoryOutputs;
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::sdk::SdkResultExt;
use crate::AwsError;

const REPOSITORIES: &[&str] = &["arn:aws:ecr:*:*:repository/*"];

fields! {
    pub struct ImageProps {
        tag("tag"): String,
    }
}

fields! {
    /// What the task definition runs: `<repository URI>:<tag>`.
    pub struct ImageOutputs {
        reference("reference"): String,
    }
}

/// Where the chat server's parts are: its binary for each architecture and its web client.
/// Installed next to Escala's own executable, or named by `ESCALA_CHAT_BIN` (and
/// `ESCALA_CHAT_BIN_ARM64`) and `ESCALA_CHAT_WEB`, which a source checkout's scripts set. The
/// sandbox runtime runs its tasks from the same parts.
pub fn parts(platform: Platform) -> Result<(PathBuf, PathBuf), AwsError> {
    let beside = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(PathBuf::from))
        .unwrap_or_default();
    let (variable, file) = match platform {
        Platform::LinuxAmd64 => ("ESCALA_CHAT_BIN", "escala-chat"),
        Platform::LinuxArm64 => ("ESCALA_CHAT_BIN_ARM64", "escala-chat-arm64"),
    };
    let binary = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| beside.join(file));
    // A package puts the web client where data goes (`/usr/share/escala/chat-web` beside
    // `/usr/bin`); a build tree, beside the program.
    let installed = beside.join("../share/escala/chat-web");
    let web = std::env::var_os("ESCALA_CHAT_WEB")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            if installed.is_dir() {
                installed
            } else {
                beside.join("escala-chat-web")
            }
        });
    if !binary.is_file() {
        return Err(AwsError::Invalid(format!(
            "building the chat's image: no chat server binary for {} at {} (set {variable}, or install escala-chat beside escala)",
            platform.name(),
            binary.display()
        )));
    }
    if !web.join("index.html").is_file() {
        return Err(AwsError::Invalid(format!(
            "building the chat's image: no web client at {} (set ESCALA_CHAT_WEB to the built workload/web/dist)",
            web.display()
        )));
    }
    Ok((binary, web))
}

/// Builds the image for the Spec's platform: the same parts always give the same digest.
pub fn build(platform: Platform) -> Result<Arc<escala_image::Image>, AwsError> {
    let (binary, web) = parts(platform)?;
    escala_image::build(&BuildSpec::chat_server(binary, web))
        .map(Arc::new)
        .map_err(|e| AwsError::Invalid(format!("the chat's image: {e}")))
}

/// An image of a stand-in binary, for tests that make tasks without building the chat.
#[cfg(test)]
pub fn stand_in() -> Arc<escala_image::Image> {
    let web = std::env::temp_dir().join(format!("escala-stand-in-web-{}", std::process::id()));
    std::fs::create_dir_all(&web).unwrap();
    std::fs::write(web.join("index.html"), "<html>").unwrap();
    Arc::new(escala_image::build(&BuildSpec::chat_server("/usr/bin/true", &web)).unwrap())
}

/// The tag an image is pushed under: its digest's hex, shortened as registries show it.
pub fn tag_of(image: &escala_image::Image) -> String {
    let hex = image.digest().trim_start_matches("sha256:");
    format!("sha256-{}", &hex[..16.min(hex.len())])
}

/// Reports each blob's bytes as they go, with the share of the whole image sent so far: the
/// apply's progress shows which layer is uploading and how far it is.
fn push_progress(
    image: &escala_image::Image,
    mut report: impl FnMut(u8, String),
) -> impl FnMut(escala_image::Progress) {
    let names: HashMap<String, String> = image
        .blobs()
        .into_iter()
        .map(|(what, blob)| (blob.digest().to_string(), what))
        .collect();
    let total = image.size().max(1);
    let mut sent: HashMap<String, u64> = HashMap::new();
    move |p| {
        sent.insert(p.digest.clone(), p.sent);
        let all: u64 = sent.values().sum();
        let what = names.get(&p.digest).map_or("a blob", String::as_str);
        report(
            (all * 100 / total).min(100) as u8,
            format!("pushing {what}: {} of {}", bytes(p.sent), bytes(p.total)),
        );
    }
}

/// A blob's bytes as a person reads them: the config and the small layers are KiB, the base and
/// the program MiB.
fn bytes(n: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    if (n as f64) < MIB {
        format!("{:.0} KiB", n as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", n as f64 / MIB)
    }
}

#[derive(Debug)]
pub struct Image {
    pub image: Arc<escala_image::Image>,
}

impl Image {
    fn tag(&self) -> String {
        tag_of(&self.image)
    }

    /// The registry's credentials, from ECR: a 12-hour token, base64 of `AWS:<password>`.
    async fn login(ctx: &AwsContext) -> Result<Auth, TaskError> {
        let out = ctx.ecr.get_authorization_token().send().await.task()?;
        let token = out
            .authorization_data()
            .first()
            .and_then(|d| d.authorization_token())
            .unwrap_or_default();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(token)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default();
        let Some((user, password)) = decoded.split_once(':') else {
            return Err(TaskError::fatal(
                "AuthorizationToken",
                "pushing the chat's image: ECR's authorization token is not user:password",
            ));
        };
        Ok(Auth::basic(user, password))
    }
}

#[async_trait]
impl Resource<AwsContext> for Image {
    type Props = ImageProps;
    type Outputs = ImageOutputs;
    fn id(&self) -> &str {
        IMAGE
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &ImageKind
    }
    fn deps(&self) -> Vec<String> {
        vec![REPOSITORY.into()]
    }
    fn find_deps(&self) -> Vec<String> {
        vec![REPOSITORY.into()]
    }
    fn desired(&self) -> ImageProps {
        ImageProps { tag: self.tag() }
    }
    /// This build's tag when the repository has it, else the newest image Escala pushed there,
    /// which this one then replaces in the task definition.
    async fn find(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Option<Current<ImageProps, ImageOutputs>>, TaskError> {
        let uri = refs.outputs::<RepositoryOutputs>(REPOSITORY)?.uri.clone();
        let out = ctx
            .ecr
            .describe_images()
            .repository_name(repository_name(&ctx.stack))
            .send()
            .await
            .task();
        let out = match out {
            Err(e) if e.code == "RepositoryNotFoundException" => return Ok(None),
            other => other?,
        };
        let want = self.tag();
        let mut tags: Vec<(Option<aws_smithy_types::DateTime>, String)> = out
            .image_details()
            .iter()
            .flat_map(|d| {
                d.image_tags()
                    .iter()
                    .filter(|t| t.starts_with("sha256-"))
                    .map(|t| (d.image_pushed_at().cloned(), t.clone()))
            })
            .collect();
        tags.sort_by(|a, b| a.0.map(|d| d.secs()).cmp(&b.0.map(|d| d.secs())));
        let tag = tags
            .iter()
            .find(|(_, t)| *t == want)
            .or(tags.last())
            .map(|(_, t)| t.clone());
        Ok(tag.map(|tag| Current {
            id: tag.clone(),
            outputs: ImageOutputs {
                reference: format!("{uri}:{tag}"),
            },
            props: ImageProps { tag },
        }))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<ImageProps, ImageOutputs>, TaskError> {
        let uri = refs.outputs::<RepositoryOutputs>(REPOSITORY)?.uri.clone();
        let tag = self.tag();
        let reference: Reference = format!("{uri}:{tag}").parse().map_err(|e| {
            TaskError::fatal(
                "InvalidReference",
                format!("pushing the chat's image to {uri}: {e}"),
            )
        })?;
        let auth = Self::login(ctx).await?;
        let progress = push_progress(&self.image, |percent, message| {
            escala_core::progress::report(percent, message)
        });
        let report = escala_image::push(&self.image, &reference, &auth, progress)
            .await
            .map_err(|e| TaskError::fatal("ImagePush", format!("the chat's image: {e}")))?;
        tracing::info!(
            reference = %report.reference,
            uploaded = report.uploaded_bytes(),
            "pushed the chat's image"
        );
        Ok(Current {
            id: tag.clone(),
            outputs: ImageOutputs {
                reference: format!("{uri}:{tag}"),
            },
            props: self.desired(),
        })
    }
    /// A new build is pushed beside the old one: tasks still running it keep pulling it until
    /// the service has replaced them.
    async fn update(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
        _: &Current<ImageProps, ImageOutputs>,
    ) -> Result<Current<ImageProps, ImageOutputs>, TaskError> {
        self.create(ctx, refs).await
    }
}

/// Images: they go with their repository, which is deleted with them (`force`).
#[derive(Debug)]
pub struct ImageKind;

#[async_trait]
impl Kind<AwsContext> for ImageKind {
    fn name(&self) -> &'static str {
        "ContainerImage"
    }
    fn discovery(&self) -> Discovery {
        Discovery::WithParent
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&["ecr:DescribeImages"]),
            // AWS scopes the token to no resource: it only lets the pushes below through.
            Grant::new(&["ecr:GetAuthorizationToken"], &["*"], Scope::Always),
            Grant::new(
                &[
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:InitiateLayerUpload",
                    "ecr:UploadLayerPart",
                    "ecr:CompleteLayerUpload",
                    "ecr:PutImage",
                    "ecr:BatchDeleteImage",
                ],
                REPOSITORIES,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        let done = ctx
            .ecr
            .batch_delete_image()
            .repository_name(repository_name(&ctx.stack))
            .image_ids(ImageIdentifier::builder().image_tag(&f.physical_id).build())
            .send()
            .await
            .task();
        match done {
            Err(e) if e.code == "RepositoryNotFoundException" => Ok(()),
            other => other.map(|_| ()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_push_reports_each_blob_by_name_and_the_share_of_the_image_sent() {
        let image = escala_image::build(&escala_image::BuildSpec::new("/bin/true", "/bin/true"))
            .expect("an image of /bin/true");
        let blobs: Vec<(String, String, u64)> = image
            .blobs()
            .into_iter()
            .map(|(what, b)| (what, b.digest().to_string(), b.size()))
            .collect();
        let mut heard = Vec::new();
        let mut progress = push_progress(&image, |percent, message| heard.push((percent, message)));
        for (_, digest, size) in &blobs {
            for sent in [0, *size] {
                progress(escala_image::Progress {
                    digest: digest.clone(),
                    sent,
                    total: *size,
                });
            }
        }
        drop(progress);
        let (what, _, _) = &blobs[0];
        assert!(
            heard[0].1.starts_with(&format!("pushing {what}: 0 KiB of")),
            "{heard:?}"
        );
        assert!(heard.windows(2).all(|w| w[0].0 <= w[1].0), "{heard:?}");
        let last = heard.last().unwrap();
        assert!(
            last.0 >= 99,
            "every blob sent is (nearly) all of the image: {heard:?}"
        );
    }
}

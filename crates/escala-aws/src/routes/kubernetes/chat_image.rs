//! The chat demo's image when the Spec names none: Escala's own, built before planning and pushed
//! to the stack's ECR repository by the same tasks as Fargate's (`routes/container`), for the
//! nodes' architecture. Its reference is known at plan time, as ECR names it
//! (`<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`, the tag made from the
//! digest), so the demo's Deployment is planned with it and a new build shows as its change.

use std::sync::Arc;

use escala_core::routes::bounds::graviton;
use escala_core::routes::fargate::{Platform, Repository as RepositorySpec};
use escala_core::routes::kubernetes::{DemoApp, EksSpec};
use escala_core::task::Task;

use crate::context::AwsContext;
use crate::routes::container::ids::repository_name;
use crate::routes::container::image::{self, tag_of, Image};
use crate::routes::container::repository::Repository;
use crate::sdk::api_error;
use crate::AwsError;

#[derive(Debug, Clone)]
pub struct ChatImage {
    pub image: Arc<escala_image::Image>,
    /// What the demo's pods pull.
    pub reference: String,
}

/// Whether the demo runs Escala's chat image: the chat, with no image named.
pub fn wanted(eks: &EksSpec) -> bool {
    eks.demo.app == DemoApp::Chat && eks.demo.image.is_none()
}

/// The nodes' architecture: Graviton only when every node group is, since a pod may be placed
/// on any of them.
fn platform(eks: &EksSpec) -> Platform {
    let arm = eks
        .node_groups
        .iter()
        .flat_map(|g| &g.instance_types)
        .all(|t| graviton(t));
    if arm && !eks.node_groups.is_empty() {
        Platform::LinuxArm64
    } else {
        Platform::LinuxAmd64
    }
}

/// The note a plan carries when some node groups are Graviton and others aren't: the image is
/// built for x86, and a pod placed on an arm64 node can't start.
pub fn mixed_note(eks: &EksSpec) -> Option<String> {
    let types = || eks.node_groups.iter().flat_map(|g| &g.instance_types);
    let mixed = types().any(|t| graviton(t)) && types().any(|t| !graviton(t));
    (wanted(eks) && mixed).then(|| {
        "The chat demo's image is built for linux/amd64, and some node groups are Graviton (arm64): a demo pod placed on one of them won't start. Name a multi-architecture image in demo.image, or keep the node groups on one architecture.".into()
    })
}

/// The image, built, and its reference in the account's registry; `None` when the demo doesn't
/// run it.
pub async fn build(ctx: &AwsContext, eks: &EksSpec) -> Result<Option<ChatImage>, AwsError> {
    if !wanted(eks) {
        return Ok(None);
    }
    let platform = platform(eks);
    // Building gzips a few megabytes: off the async threads, while STS answers.
    let build = tokio::task::spawn_blocking(move || image::build(platform));
    let caller = ctx
        .sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| api_error("sts:GetCallerIdentity", e))?;
    let account = caller.account().unwrap_or_default();
    let image = build
        .await
        .map_err(|e| AwsError::Invalid(format!("building the chat's image: {e}")))??;
    // ECR's registry host, in the partition of the region (China's end in .com.cn).
    let suffix = if ctx.region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    let reference = format!(
        "{account}.dkr.ecr.{}.{suffix}/{}:{}",
        ctx.region,
        repository_name(&ctx.stack),
        tag_of(&image)
    );
    Ok(Some(ChatImage { image, reference }))
}

/// Its repository and its push, Fargate's own tasks.
pub fn tasks(chat: &ChatImage) -> Vec<Arc<dyn Task<AwsContext>>> {
    vec![
        Arc::new(Repository {
            spec: RepositorySpec::default(),
        }),
        Arc::new(Image {
            image: chat.image.clone(),
        }),
    ]
}

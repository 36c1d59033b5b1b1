//! What a cluster's controllers make in the cloud and a teardown must not leave: the load
//! balancers and target groups of LoadBalancer Services (the cloud controller's) and the volumes
//! of claims (the EBS CSI driver's). Escala has them tagged with the stack's tag when it sets
//! them up (the demo Service's additional-resource-tags annotation, the StorageClass's
//! tagSpecification), so they are found by that tag even when the cluster is gone or unreachable.
//! No task makes them, so they are found without a logical id: an apply never takes one for an
//! orphan, and a destroy deletes each once the cluster is gone (its controllers might otherwise
//! make it again).

pub mod balancer;
pub mod target_group;
pub mod volume;

use std::future::Future;

use escala_core::tags;
use escala_core::task::{Found, TaskError};

use crate::context::AwsContext;
use crate::sdk::{read, SdkResultExt};

/// The tag the cloud controller puts on what it makes for a Service: `namespace/name`.
pub const SERVICE_NAME: &str = "kubernetes.io/service-name";
/// ELBv2's DescribeTags takes at most 20 ARNs.
const TAGS_PER_CALL: usize = 20;

/// One page of an ELBv2 listing: its ARNs, and the marker of the next page.
pub type Page = (Vec<String>, Option<String>);

/// Every ELBv2 object of `kind` made for one of the stack's Services: `page` lists one page of
/// the region's objects from a marker.
pub async fn found_for_services<F, Fut>(
    ctx: &AwsContext,
    kind: &'static str,
    page: F,
) -> Result<Vec<Found>, TaskError>
where
    F: Fn(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page, TaskError>>,
{
    let mut arns = Vec::new();
    let mut marker = None;
    loop {
        let (more, next) = read(|| page(marker.clone())).await?;
        arns.extend(more);
        marker = next;
        if marker.is_none() {
            break;
        }
    }
    Ok(made_for_services(ctx, arns)
        .await?
        .into_iter()
        .map(|arn| Found::new(kind, None, arn))
        .collect())
}

/// Of these ELBv2 ARNs, those that carry the stack's tag and a Service's name.
async fn made_for_services(ctx: &AwsContext, arns: Vec<String>) -> Result<Vec<String>, TaskError> {
    let mut ours = Vec::new();
    for chunk in arns.chunks(TAGS_PER_CALL) {
        let out = read(|| async {
            ctx.elb
                .describe_tags()
                .set_resource_arns(Some(chunk.to_vec()))
                .send()
                .await
                .task()
        })
        .await?;
        for d in out.tag_descriptions() {
            let has = |key: &str, value: Option<&str>| {
                d.tags()
                    .iter()
                    .any(|t| t.key() == Some(key) && value.is_none_or(|v| t.value() == Some(v)))
            };
            if has(tags::STACK, Some(&ctx.stack)) && has(SERVICE_NAME, None) {
                ours.extend(d.resource_arn().map(String::from));
            }
        }
    }
    Ok(ours)
}

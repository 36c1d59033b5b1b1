//! A target group the cloud controller made for a LoadBalancer Service and left behind.

use async_trait::async_trait;
use escala_core::kind::{Discovery, Kind};
use escala_core::task::{Found, TaskError};

use super::found_for_services;
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::sdk::SdkResultExt;

const GROUPS: &[&str] = &["arn:aws:elasticloadbalancing:*:*:targetgroup/*/*"];

#[derive(Debug)]
pub struct ClusterTargetGroupKind;

#[async_trait]
impl Kind<AwsContext> for ClusterTargetGroupKind {
    fn name(&self) -> &'static str {
        "ClusterTargetGroup"
    }
    /// A target group is in the VPC: it goes before it.
    fn blocks(&self) -> &'static [&'static str] {
        &["Vpc"]
    }
    fn discovery(&self) -> Discovery {
        Discovery::Tagged
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&[
                "elasticloadbalancing:DescribeTargetGroups",
                "elasticloadbalancing:DescribeTags",
            ]),
            Grant::new(
                &["elasticloadbalancing:DeleteTargetGroup"],
                GROUPS,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        found_for_services(ctx, self.name(), |marker| async move {
            let out = ctx
                .elb
                .describe_target_groups()
                .set_marker(marker)
                .send()
                .await
                .task()?;
            let arns = out
                .target_groups()
                .iter()
                .filter_map(|g| g.target_group_arn().map(String::from))
                .collect();
            Ok((arns, out.next_marker().map(String::from)))
        })
        .await
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        crate::routes::balancer::target_group::delete(ctx, &f.physical_id).await
    }
}

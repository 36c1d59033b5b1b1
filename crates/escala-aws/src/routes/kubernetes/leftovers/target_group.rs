//! A target group the cloud controller made for a LoadBalancer Service and left behind.

use async_trait::async_trait;
use escala_core::kind::{Discovery, Kind};
use escala_core::task::{Found, TaskError};

use super::made_for_services;
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::sdk::{ignore_gone, read, SdkResultExt};

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
        let mut arns = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let out = read(|| async {
                ctx.elb
                    .describe_target_groups()
                    .set_marker(marker.clone())
                    .send()
                    .await
                    .task()
            })
            .await?;
            arns.extend(
                out.target_groups()
                    .iter()
                    .filter_map(|g| g.target_group_arn().map(String::from)),
            );
            marker = out.next_marker().map(String::from);
            if marker.is_none() {
                break;
            }
        }
        Ok(made_for_services(ctx, arns)
            .await?
            .into_iter()
            .map(|arn| Found::new(self.name(), None, arn))
            .collect())
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        ignore_gone(
            ctx.elb
                .delete_target_group()
                .target_group_arn(&f.physical_id)
                .send()
                .await
                .task(),
        )
    }
}

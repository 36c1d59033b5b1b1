//! A volume the EBS CSI driver made for a claim and left behind: one whose claim was never
//! deleted in the cluster (an unreachable cluster), or whose reclaim policy keeps it.

use async_trait::async_trait;
use escala_core::kind::{Discovery, Kind};
use escala_core::task::{Found, TaskError};

use crate::context::{filter, AwsContext};
use crate::iam::{Grant, Scope};
use crate::sdk::{ignore_gone, read, SdkResultExt};

/// The tag the EBS CSI driver puts on every volume it makes.
const MADE_BY_THE_DRIVER: &str = "ebs.csi.aws.com/cluster";
const VOLUMES: &[&str] = &["arn:aws:ec2:*:*:volume/*"];

#[derive(Debug)]
pub struct ClusterVolumeKind;

#[async_trait]
impl Kind<AwsContext> for ClusterVolumeKind {
    fn name(&self) -> &'static str {
        "ClusterVolume"
    }
    fn discovery(&self) -> Discovery {
        Discovery::Tagged
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&["ec2:DescribeVolumes"]),
            Grant::new(&["ec2:DeleteVolume"], VOLUMES, Scope::Tagged),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        let mut found = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = read(|| async {
                ctx.ec2
                    .describe_volumes()
                    .filters(ctx.stack_filter())
                    .filters(filter(&format!("tag:{MADE_BY_THE_DRIVER}"), "true"))
                    .set_next_token(token.clone())
                    .send()
                    .await
                    .task()
            })
            .await?;
            found.extend(
                out.volumes()
                    .iter()
                    .filter_map(|v| v.volume_id())
                    .map(|id| Found::new(self.name(), None, id)),
            );
            token = out.next_token().map(String::from);
            if token.is_none() {
                break;
            }
        }
        Ok(found)
    }
    /// A volume still attached (its node not yet gone) answers VolumeInUse, which is retried.
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        let out = ctx
            .ec2
            .delete_volume()
            .volume_id(&f.physical_id)
            .send()
            .await
            .task();
        match out {
            Err(e) if e.code == "VolumeInUse" => Err(TaskError::retryable(e.code, e.message)),
            other => ignore_gone(other),
        }
    }
}

//! The target group: the instances, checked over HTTP on `/`.

use async_trait::async_trait;
use aws_sdk_elasticloadbalancingv2::types::{ProtocolEnum, TargetTypeEnum};
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::elb;
use super::ids::TARGET_GROUP;
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::routes::network::ids::VPC;
use crate::sdk::{ignore_gone, read, SdkResultExt};

const GROUPS: &[&str] = &["arn:aws:elasticloadbalancing:*:*:targetgroup/*/*"];

fields! {
    /// How the load balancer checks an instance: a change means a new group.
    pub struct TargetGroupProps {
        health_check("healthCheck", fixed): String,
    }
}

#[derive(Debug)]
pub struct TargetGroup;

#[async_trait]
impl Resource<AwsContext> for TargetGroup {
    type Props = TargetGroupProps;
    type Outputs = ();
    fn id(&self) -> &str {
        TARGET_GROUP
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &TargetGroupKind
    }
    fn deps(&self) -> Vec<String> {
        vec![VPC.into()]
    }
    fn desired(&self) -> TargetGroupProps {
        TargetGroupProps {
            health_check: "HTTP /".into(),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<TargetGroupProps, ()>>, TaskError> {
        let out = ctx
            .elb
            .describe_target_groups()
            .names(elb::name(&ctx.stack, "web"))
            .send()
            .await
            .task();
        let groups = match out {
            Err(e) if e.code == "TargetGroupNotFound" => return Ok(None),
            other => other?,
        };
        let Some(tg) = groups.target_groups().first() else {
            return Ok(None);
        };
        let arn = tg.target_group_arn().unwrap_or_default();
        if !elb::owned(ctx, arn).await? {
            return Ok(None);
        }
        Ok(Some(Current::new(
            arn,
            TargetGroupProps {
                health_check: format!("HTTP {}", tg.health_check_path().unwrap_or("/")),
            },
        )))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<TargetGroupProps, ()>, TaskError> {
        let out = ctx
            .elb
            .create_target_group()
            .name(elb::name(&ctx.stack, "web"))
            .protocol(ProtocolEnum::Http)
            .port(80)
            .vpc_id(refs.id(VPC)?)
            .target_type(TargetTypeEnum::Instance)
            .health_check_path("/")
            .set_tags(Some(elb::tags(ctx, TARGET_GROUP)))
            .send()
            .await
            .task()?;
        let arn = out
            .target_groups()
            .first()
            .and_then(|t| t.target_group_arn())
            .unwrap_or_default();
        Ok(Current::new(arn, self.desired()))
    }
}

/// Target groups: free once no load balancer forwards to them and no group registers in them.
#[derive(Debug)]
pub struct TargetGroupKind;

#[async_trait]
impl Kind<AwsContext> for TargetGroupKind {
    fn name(&self) -> &'static str {
        "TargetGroup"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &["Vpc"]
    }
    fn discovery(&self) -> Discovery {
        Discovery::Behind
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&[
                "elasticloadbalancing:DescribeTargetGroups",
                "elasticloadbalancing:DescribeTags",
            ]),
            Grant::new(
                &["elasticloadbalancing:CreateTargetGroup"],
                GROUPS,
                Scope::Creating,
            ),
            Grant::new(
                &["elasticloadbalancing:AddTags"],
                GROUPS,
                Scope::WhileCreating {
                    key: "elasticloadbalancing:CreateAction",
                    creates: &["CreateTargetGroup"],
                },
            ),
            Grant::new(
                &["elasticloadbalancing:DeleteTargetGroup"],
                GROUPS,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        let refs = Refs::default();
        let tg = read(|| Resource::find(&TargetGroup, ctx, &refs)).await?;
        Ok(tg
            .map(|tg| Found::new(self.name(), Some(TARGET_GROUP.into()), tg.id))
            .into_iter()
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

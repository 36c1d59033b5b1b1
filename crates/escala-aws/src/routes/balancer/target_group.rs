//! The target group: the instances (by id) or the tasks (by IP address, as `awsvpc` networking
//! registers them), checked over HTTP on a path, sticky or not, drained for a while or not.

use async_trait::async_trait;
use aws_sdk_elasticloadbalancingv2::types::{ProtocolEnum, TargetGroupAttribute, TargetTypeEnum};
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

/// AWS's deregistration delay when none is set.
const DEFAULT_DELAY_SECONDS: u32 = 300;

fields! {
    /// What the targets are and how the load balancer checks them (a change means a new group),
    /// and how it holds a client to one and lets one go (changed in place).
    pub struct TargetGroupProps {
        targets("targets", fixed): String,
        health_check("healthCheck", fixed): String,
        stickiness("stickiness"): String,
        deregistration_delay("deregistrationDelaySeconds"): u32,
    }
}

/// How targets register: by instance id (an Auto Scaling group's) or by IP address (Fargate's
/// tasks, which have their own network interface).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Targets {
    Instance,
    Ip,
}

#[derive(Debug)]
pub struct TargetGroup {
    pub targets: Targets,
    pub port: u16,
    pub health_check_path: String,
    /// Duration-based cookie stickiness (`lb_cookie`): socket.io's long polling needs each
    /// client's requests on the task that holds its session.
    pub sticky: bool,
    /// How long a leaving target keeps its open connections; AWS's 300 s when `None`.
    pub deregistration_delay_seconds: Option<u32>,
}

const STICKY: &str = "lb_cookie";
const NOT_STICKY: &str = "off";

impl TargetGroup {
    fn describe_targets(targets: &TargetTypeEnum, port: i32) -> String {
        format!("{} on port {port}", targets.as_str())
    }

    fn target_type(&self) -> TargetTypeEnum {
        match self.targets {
            Targets::Instance => TargetTypeEnum::Instance,
            Targets::Ip => TargetTypeEnum::Ip,
        }
    }

    fn attributes(&self) -> Vec<TargetGroupAttribute> {
        let attribute =
            |k: &str, v: String| TargetGroupAttribute::builder().key(k).value(v).build();
        let mut a = vec![
            attribute("stickiness.enabled", self.sticky.to_string()),
            attribute(
                "deregistration_delay.timeout_seconds",
                self.delay().to_string(),
            ),
        ];
        if self.sticky {
            a.push(attribute("stickiness.type", STICKY.into()));
        }
        a
    }

    fn delay(&self) -> u32 {
        self.deregistration_delay_seconds
            .unwrap_or(DEFAULT_DELAY_SECONDS)
    }

    async fn set_attributes(&self, ctx: &AwsContext, arn: &str) -> Result<(), TaskError> {
        ctx.elb
            .modify_target_group_attributes()
            .target_group_arn(arn)
            .set_attributes(Some(self.attributes()))
            .send()
            .await
            .task()
            .map(|_| ())
    }
}

/// The stack's target group, when it exists.
async fn described(
    ctx: &AwsContext,
) -> Result<Option<aws_sdk_elasticloadbalancingv2::types::TargetGroup>, TaskError> {
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
    Ok(elb::owned(ctx, arn).await?.then(|| tg.clone()))
}

/// The stickiness and delay a target group has, as its props name them.
async fn read_attributes(ctx: &AwsContext, arn: &str) -> Result<(String, u32), TaskError> {
    let out = ctx
        .elb
        .describe_target_group_attributes()
        .target_group_arn(arn)
        .send()
        .await
        .task()?;
    let value = |key: &str| {
        out.attributes()
            .iter()
            .find(|a| a.key() == Some(key))
            .and_then(|a| a.value())
            .unwrap_or_default()
            .to_string()
    };
    let stickiness = if value("stickiness.enabled") == "true" {
        value("stickiness.type")
    } else {
        NOT_STICKY.into()
    };
    let delay = value("deregistration_delay.timeout_seconds")
        .parse()
        .unwrap_or(DEFAULT_DELAY_SECONDS);
    Ok((stickiness, delay))
}

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
            targets: Self::describe_targets(&self.target_type(), i32::from(self.port)),
            health_check: format!("HTTP {}", self.health_check_path),
            stickiness: if self.sticky { STICKY } else { NOT_STICKY }.into(),
            deregistration_delay: self.delay(),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<TargetGroupProps, ()>>, TaskError> {
        let Some(tg) = described(ctx).await? else {
            return Ok(None);
        };
        let arn = tg.target_group_arn().unwrap_or_default();
        let (stickiness, deregistration_delay) = read_attributes(ctx, arn).await?;
        let targets = tg
            .target_type()
            .cloned()
            .unwrap_or(TargetTypeEnum::Instance);
        Ok(Some(Current::new(
            arn,
            TargetGroupProps {
                targets: Self::describe_targets(&targets, tg.port().unwrap_or_default()),
                health_check: format!("HTTP {}", tg.health_check_path().unwrap_or("/")),
                stickiness,
                deregistration_delay,
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
            .port(i32::from(self.port))
            .vpc_id(refs.id(VPC)?)
            .target_type(self.target_type())
            .health_check_path(&self.health_check_path)
            .set_tags(Some(elb::tags(ctx, TARGET_GROUP)))
            .send()
            .await
            .task()?;
        let arn = out
            .target_groups()
            .first()
            .and_then(|t| t.target_group_arn())
            .unwrap_or_default();
        self.set_attributes(ctx, arn).await?;
        Ok(Current::new(arn, self.desired()))
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        _: &Refs,
        current: &Current<TargetGroupProps, ()>,
    ) -> Result<Current<TargetGroupProps, ()>, TaskError> {
        self.set_attributes(ctx, &current.id).await?;
        Ok(Current::new(current.id.clone(), self.desired()))
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
                "elasticloadbalancing:DescribeTargetGroupAttributes",
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
                &[
                    "elasticloadbalancing:ModifyTargetGroupAttributes",
                    "elasticloadbalancing:DeleteTargetGroup",
                ],
                GROUPS,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        let tg = read(|| described(ctx)).await?;
        Ok(tg
            .and_then(|tg| tg.target_group_arn().map(str::to_string))
            .map(|arn| Found::new(self.name(), Some(TARGET_GROUP.into()), arn))
            .into_iter()
            .collect())
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        delete(ctx, &f.physical_id).await
    }
}

/// Deletes a target group; one already gone counts as deleted.
pub async fn delete(ctx: &AwsContext, arn: &str) -> Result<(), TaskError> {
    ignore_gone(
        ctx.elb
            .delete_target_group()
            .target_group_arn(arn)
            .send()
            .await
            .task(),
    )
}

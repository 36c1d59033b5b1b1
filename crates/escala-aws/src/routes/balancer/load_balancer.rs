//! The Application Load Balancer across the public subnets.

use async_trait::async_trait;
use aws_sdk_elasticloadbalancingv2::client::Waiters;
use aws_sdk_elasticloadbalancingv2::types::{LoadBalancerSchemeEnum, LoadBalancerTypeEnum};
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::elb;
use super::ids::{LOAD_BALANCER, SG_ALB};
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::routes::network::ids::IGW_ATTACHMENT;
use crate::sdk::{ignore_gone, read, wait_through_transients, SdkResultExt};

const BALANCERS: &[&str] = &["arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*"];

fields! {
    /// Where the web app answers.
    pub struct LoadBalancerOutputs {
        dns_name("dnsName"): String,
    }
}

/// Internet-facing, in every public subnet (a load balancer needs two zones or more).
#[derive(Debug)]
pub struct LoadBalancer {
    pub subnets: Vec<String>,
}

/// The stack's load balancer, when it exists.
pub async fn find(ctx: &AwsContext) -> Result<Option<Current<(), LoadBalancerOutputs>>, TaskError> {
    let out = ctx
        .elb
        .describe_load_balancers()
        .names(elb::name(&ctx.stack, "alb"))
        .send()
        .await
        .task();
    let found = match out {
        Err(e) if e.code == "LoadBalancerNotFound" => return Ok(None),
        other => other?,
    };
    let Some(lb) = found.load_balancers().first() else {
        return Ok(None);
    };
    let arn = lb.load_balancer_arn().unwrap_or_default();
    if !elb::owned(ctx, arn).await? {
        return Ok(None);
    }
    Ok(Some(Current {
        id: arn.into(),
        props: (),
        outputs: LoadBalancerOutputs {
            dns_name: lb.dns_name().unwrap_or_default().into(),
        },
    }))
}

#[async_trait]
impl Resource<AwsContext> for LoadBalancer {
    type Props = ();
    type Outputs = LoadBalancerOutputs;
    fn id(&self) -> &str {
        LOAD_BALANCER
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &LoadBalancerKind
    }
    fn deps(&self) -> Vec<String> {
        let mut d = self.subnets.clone();
        d.push(SG_ALB.into());
        // Without the gateway attached, AWS refuses an internet-facing load balancer.
        d.push(IGW_ATTACHMENT.into());
        d
    }
    fn desired(&self) {}
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<(), LoadBalancerOutputs>>, TaskError> {
        find(ctx).await
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<(), LoadBalancerOutputs>, TaskError> {
        let subnets = self
            .subnets
            .iter()
            .map(|s| refs.id(s).map(str::to_string))
            .collect::<Result<Vec<_>, _>>()?;
        let out = ctx
            .elb
            .create_load_balancer()
            .name(elb::name(&ctx.stack, "alb"))
            .r#type(LoadBalancerTypeEnum::Application)
            .scheme(LoadBalancerSchemeEnum::InternetFacing)
            .set_subnets(Some(subnets))
            .security_groups(refs.id(SG_ALB)?)
            .set_tags(Some(elb::tags(ctx, LOAD_BALANCER)))
            .send()
            .await
            .task()?;
        let lb = out.load_balancers().first();
        Ok(Current {
            id: lb
                .and_then(|l| l.load_balancer_arn())
                .unwrap_or_default()
                .into(),
            props: (),
            outputs: LoadBalancerOutputs {
                dns_name: lb.and_then(|l| l.dns_name()).unwrap_or_default().into(),
            },
        })
    }
}

/// Load balancers: they hold network interfaces and public addresses in the public subnets, use
/// their security group, and forward to the target group.
#[derive(Debug)]
pub struct LoadBalancerKind;

#[async_trait]
impl Kind<AwsContext> for LoadBalancerKind {
    fn name(&self) -> &'static str {
        "LoadBalancer"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &[
            "Subnet",
            "SecurityGroup",
            "TargetGroup",
            "GatewayAttachment",
        ]
    }
    fn discovery(&self) -> Discovery {
        Discovery::Behind
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&[
                "elasticloadbalancing:DescribeLoadBalancers",
                "elasticloadbalancing:DescribeTags",
            ]),
            Grant::new(
                &["elasticloadbalancing:CreateLoadBalancer"],
                BALANCERS,
                Scope::Creating,
            ),
            Grant::new(
                &["elasticloadbalancing:AddTags"],
                BALANCERS,
                Scope::WhileCreating {
                    key: "elasticloadbalancing:CreateAction",
                    creates: &["CreateLoadBalancer"],
                },
            ),
            Grant::new(
                &["elasticloadbalancing:DeleteLoadBalancer"],
                BALANCERS,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        let lb = read(|| find(ctx)).await?;
        Ok(lb
            .map(|lb| Found::new(self.name(), Some(LOAD_BALANCER.into()), lb.id))
            .into_iter()
            .collect())
    }
    /// Deletes the load balancer (its listeners go with it) and waits until it is gone, so the
    /// subnets' network interfaces are free for what waits on them.
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        delete(ctx, &f.physical_id).await
    }
}

/// Deletes a load balancer (its listeners go with it) and waits until it is gone, so the subnets'
/// network interfaces are free for what waits on them. Also the leftovers' of a cluster.
pub async fn delete(ctx: &AwsContext, arn: &str) -> Result<(), TaskError> {
    ignore_gone(
        ctx.elb
            .delete_load_balancer()
            .load_balancer_arn(arn)
            .send()
            .await
            .task(),
    )?;
    wait_through_transients(
        &format!("{arn} was not deleted"),
        std::time::Duration::from_secs(10 * 60),
        |max| {
            ctx.elb
                .wait_until_load_balancers_deleted()
                .load_balancer_arns(arn)
                .wait(max)
        },
    )
    .await
}

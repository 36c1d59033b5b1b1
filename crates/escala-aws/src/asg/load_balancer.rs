//! The Application Load Balancer across the public subnets, its target group (the instances,
//! checked over HTTP on `/`) and the HTTP listener that forwards to it.
//!
//! ELBv2 can't filter by tag, so these are found by their names, which carry the stack's name,
//! and the stack's tag is checked before anything is taken as Escala's.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, LoadBalancerSchemeEnum, LoadBalancerTypeEnum, ProtocolEnum, Tag,
    TargetTypeEnum,
};
use escala_core::tags;
use escala_core::task::{Observed, Prop, Refs, Task, TaskError};

use super::{LISTENER, LOAD_BALANCER, SG_ALB, TARGET_GROUP};
use crate::context::AwsContext;
use crate::inventory::wave;
use crate::sdk::SdkResultExt;

/// Load balancer and target group names: at most 32 characters; a stack name has at most 24.
pub fn name(stack: &str, suffix: &str) -> String {
    format!("{stack}-{suffix}")
}

fn elb_tags(ctx: &AwsContext, logical_id: &str) -> Vec<Tag> {
    tags::for_resource(&ctx.stack, logical_id)
        .into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// True when the ARN carries this stack's tag (ELBv2 names are per account and region, so a
/// same-named object of another tool must not be taken over).
async fn owned(ctx: &AwsContext, arn: &str) -> Result<bool, TaskError> {
    let out = ctx
        .elb
        .describe_tags()
        .resource_arns(arn)
        .send()
        .await
        .task()?;
    Ok(out.tag_descriptions().iter().any(|d| {
        d.tags()
            .iter()
            .any(|t| t.key() == Some(tags::STACK) && t.value() == Some(ctx.stack.as_str()))
    }))
}

#[derive(Debug)]
pub struct TargetGroup;

#[async_trait]
impl Task<AwsContext> for TargetGroup {
    fn id(&self) -> &str {
        TARGET_GROUP
    }
    fn kind(&self) -> &'static str {
        "TargetGroup"
    }
    fn deps(&self) -> Vec<String> {
        vec![crate::network::VPC.into()]
    }
    fn wave(&self) -> u8 {
        wave::NAT
    }
    fn desired(&self) -> BTreeMap<String, Prop> {
        BTreeMap::from([("healthCheck".into(), Prop::fixed("HTTP /"))])
    }
    async fn find(&self, ctx: &AwsContext, _: &Refs) -> Result<Option<Observed>, TaskError> {
        let out = ctx
            .elb
            .describe_target_groups()
            .names(name(&ctx.stack, "web"))
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
        if !owned(ctx, arn).await? {
            return Ok(None);
        }
        Ok(Some(Observed::new(arn).with_prop(
            "healthCheck",
            format!("HTTP {}", tg.health_check_path().unwrap_or("/")),
        )))
    }
    async fn create(&self, ctx: &AwsContext, refs: &Refs) -> Result<Observed, TaskError> {
        let out = ctx
            .elb
            .create_target_group()
            .name(name(&ctx.stack, "web"))
            .protocol(ProtocolEnum::Http)
            .port(80)
            .vpc_id(refs.id(crate::network::VPC)?)
            .target_type(TargetTypeEnum::Instance)
            .health_check_path("/")
            .set_tags(Some(elb_tags(ctx, TARGET_GROUP)))
            .send()
            .await
            .task()?;
        let arn = out
            .target_groups()
            .first()
            .and_then(|t| t.target_group_arn())
            .unwrap_or_default();
        Ok(Observed::new(arn).with_prop("healthCheck", "HTTP /"))
    }
}

/// Internet-facing, in every public subnet (a load balancer needs two zones or more).
#[derive(Debug)]
pub struct LoadBalancer {
    pub subnets: Vec<String>,
}

#[async_trait]
impl Task<AwsContext> for LoadBalancer {
    fn id(&self) -> &str {
        LOAD_BALANCER
    }
    fn kind(&self) -> &'static str {
        "LoadBalancer"
    }
    fn deps(&self) -> Vec<String> {
        let mut d = self.subnets.clone();
        d.push(SG_ALB.into());
        // Without the gateway attached, AWS refuses an internet-facing load balancer.
        d.push(crate::network::IGW_ATTACHMENT.into());
        d
    }
    fn wave(&self) -> u8 {
        wave::FRONT
    }
    async fn find(&self, ctx: &AwsContext, _: &Refs) -> Result<Option<Observed>, TaskError> {
        let out = ctx
            .elb
            .describe_load_balancers()
            .names(name(&ctx.stack, "alb"))
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
        if !owned(ctx, arn).await? {
            return Ok(None);
        }
        let mut o = Observed::new(arn);
        o.outputs
            .insert("dnsName".into(), lb.dns_name().unwrap_or_default().into());
        Ok(Some(o))
    }
    async fn create(&self, ctx: &AwsContext, refs: &Refs) -> Result<Observed, TaskError> {
        let subnets = self
            .subnets
            .iter()
            .map(|s| refs.id(s).map(str::to_string))
            .collect::<Result<Vec<_>, _>>()?;
        let out = ctx
            .elb
            .create_load_balancer()
            .name(name(&ctx.stack, "alb"))
            .r#type(LoadBalancerTypeEnum::Application)
            .scheme(LoadBalancerSchemeEnum::InternetFacing)
            .set_subnets(Some(subnets))
            .security_groups(refs.id(SG_ALB)?)
            .set_tags(Some(elb_tags(ctx, LOAD_BALANCER)))
            .send()
            .await
            .task()?;
        let lb = out.load_balancers().first();
        let mut o = Observed::new(lb.and_then(|l| l.load_balancer_arn()).unwrap_or_default());
        o.outputs.insert(
            "dnsName".into(),
            lb.and_then(|l| l.dns_name()).unwrap_or_default().into(),
        );
        Ok(o)
    }
}

/// HTTP on port 80, forwarding to the target group. Untagged: found through its load balancer,
/// and deleted with it.
#[derive(Debug)]
pub struct Listener;

#[async_trait]
impl Task<AwsContext> for Listener {
    fn id(&self) -> &str {
        LISTENER
    }
    fn kind(&self) -> &'static str {
        "Listener"
    }
    fn deps(&self) -> Vec<String> {
        vec![LOAD_BALANCER.into(), TARGET_GROUP.into()]
    }
    fn find_deps(&self) -> Vec<String> {
        vec![LOAD_BALANCER.into()]
    }
    fn wave(&self) -> u8 {
        wave::WITH_PARENT
    }
    async fn find(&self, ctx: &AwsContext, refs: &Refs) -> Result<Option<Observed>, TaskError> {
        let lb = refs.id(LOAD_BALANCER)?;
        let out = ctx
            .elb
            .describe_listeners()
            .load_balancer_arn(lb)
            .send()
            .await
            .task()?;
        Ok(out
            .listeners()
            .iter()
            .find(|l| l.port() == Some(80))
            .map(|l| Observed::new(l.listener_arn().unwrap_or_default())))
    }
    async fn create(&self, ctx: &AwsContext, refs: &Refs) -> Result<Observed, TaskError> {
        let forward = Action::builder()
            .r#type(ActionTypeEnum::Forward)
            .target_group_arn(refs.id(TARGET_GROUP)?)
            .build();
        let out = ctx
            .elb
            .create_listener()
            .load_balancer_arn(refs.id(LOAD_BALANCER)?)
            .protocol(ProtocolEnum::Http)
            .port(80)
            .default_actions(forward)
            .send()
            .await
            .task()?;
        Ok(Observed::new(
            out.listeners()
                .first()
                .and_then(|l| l.listener_arn())
                .unwrap_or_default(),
        ))
    }
}

/// The route's group, alarm, load balancer and target group, when they exist (and carry the
/// stack's tag where AWS keeps tags).
pub async fn front(ctx: &AwsContext) -> Result<Vec<escala_core::task::Found>, TaskError> {
    let mut out = Vec::new();
    if let Some(g) = super::group::describe(ctx).await? {
        out.push(escala_core::task::Found {
            kind: "AutoScalingGroup".into(),
            logical_id: Some(super::GROUP.into()),
            physical_id: g.auto_scaling_group_name().unwrap_or_default().into(),
            parent: None,
            wave: wave::FRONT,
            detail: BTreeMap::new(),
        });
    }
    out.extend(super::alarm(ctx).await?);
    // Finding needs no subnets: the load balancer is found by its name.
    let lookup = LoadBalancer { subnets: vec![] };
    if let Some(lb) = lookup.find(ctx, &Refs::default()).await? {
        out.push(found("LoadBalancer", LOAD_BALANCER, lb, wave::FRONT));
    }
    if let Some(tg) = TargetGroup.find(ctx, &Refs::default()).await? {
        out.push(found("TargetGroup", TARGET_GROUP, tg, wave::NAT));
    }
    Ok(out)
}

fn found(kind: &str, id: &str, o: Observed, wave: u8) -> escala_core::task::Found {
    escala_core::task::Found {
        kind: kind.into(),
        logical_id: Some(id.into()),
        physical_id: o.physical_id,
        parent: None,
        wave,
        detail: BTreeMap::new(),
    }
}

/// Deletes the load balancer (its listeners go with it) and waits until it is gone, so the
/// subnets' network interfaces are free for the later waves.
pub async fn delete_load_balancer(ctx: &AwsContext, arn: &str) -> Result<(), TaskError> {
    use aws_sdk_elasticloadbalancingv2::client::Waiters;
    match ctx
        .elb
        .delete_load_balancer()
        .load_balancer_arn(arn)
        .send()
        .await
        .task()
    {
        Err(e) if e.code == "LoadBalancerNotFound" => return Ok(()),
        other => other?,
    };
    crate::sdk::wait_through_transients(
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

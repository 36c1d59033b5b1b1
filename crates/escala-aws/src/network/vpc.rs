//! The VPC, its DNS attributes and its default security group.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_ec2::types::{AttributeBooleanValue, ResourceType, VpcAttributeName};
use escala_core::plan::FieldChange;
use escala_core::task::{Observed, Prop, Refs, Task, TaskError};

use super::VPC;
use crate::context::{filter, is_own, AwsContext};
use crate::inventory::wave;
use crate::sdk::SdkResultExt;

/// The VPC. Its block can't change: a new block means a new VPC.
#[derive(Debug)]
pub struct Vpc {
    pub cidr: String,
}

#[async_trait]
impl Task<AwsContext> for Vpc {
    fn id(&self) -> &str {
        VPC
    }
    fn kind(&self) -> &'static str {
        "Vpc"
    }
    fn deps(&self) -> Vec<String> {
        vec![]
    }
    fn wave(&self) -> u8 {
        wave::VPC
    }
    fn desired(&self) -> BTreeMap<String, Prop> {
        BTreeMap::from([("cidr".into(), Prop::fixed(&self.cidr))])
    }
    async fn find(&self, ctx: &AwsContext, _: &Refs) -> Result<Option<Observed>, TaskError> {
        let out = ctx
            .ec2
            .describe_vpcs()
            .set_filters(Some(ctx.own(VPC)))
            .send()
            .await
            .task()?;
        Ok(out
            .vpcs()
            .iter()
            .find(|o| is_own(o.tags(), &ctx.stack, Some(VPC)))
            .map(|v| {
                Observed::new(v.vpc_id().unwrap_or_default())
                    .with_prop("cidr", v.cidr_block().unwrap_or_default())
            }))
    }
    async fn create(&self, ctx: &AwsContext, _: &Refs) -> Result<Observed, TaskError> {
        let out = ctx
            .ec2
            .create_vpc()
            .cidr_block(&self.cidr)
            .tag_specifications(ctx.tag_spec(ResourceType::Vpc, VPC))
            .send()
            .await
            .task()?;
        let id = out.vpc().and_then(|v| v.vpc_id()).unwrap_or_default();
        Ok(Observed::new(id).with_prop("cidr", &self.cidr))
    }
}

/// DNS resolution (always on) and DNS hostnames (the Spec's choice), both changeable in place.
#[derive(Debug)]
pub struct VpcDns {
    pub hostnames: bool,
}

#[async_trait]
impl Task<AwsContext> for VpcDns {
    fn id(&self) -> &str {
        "vpc-dns"
    }
    fn kind(&self) -> &'static str {
        "VpcAttribute"
    }
    fn deps(&self) -> Vec<String> {
        vec![VPC.into()]
    }
    fn find_deps(&self) -> Vec<String> {
        vec![VPC.into()]
    }
    fn wave(&self) -> u8 {
        wave::WITH_PARENT
    }
    fn desired(&self) -> BTreeMap<String, Prop> {
        BTreeMap::from([
            ("dnsSupport".into(), Prop::mutable(true)),
            ("dnsHostnames".into(), Prop::mutable(self.hostnames)),
        ])
    }
    async fn find(&self, ctx: &AwsContext, refs: &Refs) -> Result<Option<Observed>, TaskError> {
        let vpc = refs.id(VPC)?;
        let attr = |name: VpcAttributeName| {
            ctx.ec2
                .describe_vpc_attribute()
                .vpc_id(vpc)
                .attribute(name)
                .send()
        };
        let (support, hostnames) = tokio::try_join!(
            async { attr(VpcAttributeName::EnableDnsSupport).await.task() },
            async { attr(VpcAttributeName::EnableDnsHostnames).await.task() },
        )?;
        let flag = |v: Option<&AttributeBooleanValue>| v.and_then(|v| v.value()).unwrap_or(false);
        Ok(Some(
            Observed::new(format!("{vpc}/dns"))
                .with_prop("dnsSupport", flag(support.enable_dns_support()))
                .with_prop("dnsHostnames", flag(hostnames.enable_dns_hostnames())),
        ))
    }
    async fn create(&self, ctx: &AwsContext, refs: &Refs) -> Result<Observed, TaskError> {
        // Only called for a VPC made in this run (an existing VPC always has attributes to find),
        // so AWS's defaults for a new VPC stand in for a lookup: resolution on, hostnames off.
        let vpc = refs.id(VPC)?;
        let fresh = Observed::new(format!("{vpc}/dns"))
            .with_prop("dnsSupport", true)
            .with_prop("dnsHostnames", false);
        let changes = escala_core::planner::diff(self, Some(&fresh)).fields;
        self.update(ctx, refs, &fresh, &changes).await
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
        current: &Observed,
        changes: &[FieldChange],
    ) -> Result<Observed, TaskError> {
        let vpc = refs.id(VPC)?;
        // AWS takes one attribute per call; the two calls go out together.
        let calls = changes.iter().map(|c| {
            let on = AttributeBooleanValue::builder()
                .value(c.to.as_deref() == Some("true"))
                .build();
            let req = ctx.ec2.modify_vpc_attribute().vpc_id(vpc);
            let req = if c.field == "dnsSupport" {
                req.enable_dns_support(on)
            } else {
                req.enable_dns_hostnames(on)
            };
            async move { req.send().await.task() }
        });
        futures::future::try_join_all(calls).await?;
        Ok(current.clone().with_props(self.desired()))
    }
}

/// The VPC's default security group with every rule removed, so nothing that lands in it by
/// default is reachable or can reach out (CIS AWS Foundations 5.4). Escala's own groups are explicit.
#[derive(Debug)]
pub struct DefaultSecurityGroup;

impl DefaultSecurityGroup {
    async fn describe(
        ctx: &AwsContext,
        vpc: &str,
    ) -> Result<aws_sdk_ec2::types::SecurityGroup, TaskError> {
        let out = ctx
            .ec2
            .describe_security_groups()
            .filters(filter("vpc-id", vpc))
            .filters(filter("group-name", "default"))
            .send()
            .await
            .task()?;
        out.security_groups().first().cloned().ok_or_else(|| {
            TaskError::retryable(
                "InvalidGroup.NotFound",
                format!("the default security group of {vpc} is not visible yet"),
            )
        })
    }
}

#[async_trait]
impl Task<AwsContext> for DefaultSecurityGroup {
    fn id(&self) -> &str {
        "default-sg"
    }
    fn kind(&self) -> &'static str {
        "SecurityGroupRules"
    }
    fn deps(&self) -> Vec<String> {
        vec![VPC.into()]
    }
    fn find_deps(&self) -> Vec<String> {
        vec![VPC.into()]
    }
    fn wave(&self) -> u8 {
        wave::WITH_PARENT
    }
    fn desired(&self) -> BTreeMap<String, Prop> {
        BTreeMap::from([
            ("ingressRules".into(), Prop::mutable(0)),
            ("egressRules".into(), Prop::mutable(0)),
        ])
    }
    async fn find(&self, ctx: &AwsContext, refs: &Refs) -> Result<Option<Observed>, TaskError> {
        let sg = Self::describe(ctx, refs.id(VPC)?).await?;
        Ok(Some(
            Observed::new(sg.group_id().unwrap_or_default())
                .with_prop("ingressRules", sg.ip_permissions().len())
                .with_prop("egressRules", sg.ip_permissions_egress().len()),
        ))
    }
    async fn create(&self, ctx: &AwsContext, refs: &Refs) -> Result<Observed, TaskError> {
        self.update(ctx, refs, &Observed::default(), &[]).await
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
        _: &Observed,
        _: &[FieldChange],
    ) -> Result<Observed, TaskError> {
        let sg = Self::describe(ctx, refs.id(VPC)?).await?;
        let id = sg.group_id().unwrap_or_default();
        if !sg.ip_permissions().is_empty() {
            ctx.ec2
                .revoke_security_group_ingress()
                .group_id(id)
                .set_ip_permissions(Some(sg.ip_permissions().to_vec()))
                .send()
                .await
                .task()?;
        }
        if !sg.ip_permissions_egress().is_empty() {
            ctx.ec2
                .revoke_security_group_egress()
                .group_id(id)
                .set_ip_permissions(Some(sg.ip_permissions_egress().to_vec()))
                .send()
                .await
                .task()?;
        }
        Ok(Observed::new(id)
            .with_prop("ingressRules", 0)
            .with_prop("egressRules", 0))
    }
}

//! The VPC, its DNS attributes and its default security group.

use async_trait::async_trait;
use aws_sdk_ec2::types::{AttributeBooleanValue, ResourceType, VpcAttributeName};
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::ids::VPC;
use crate::context::{filter, found, is_own, AwsContext};
use crate::iam::{Grant, Scope};
use crate::sdk::{ignore_gone, read, SdkResultExt};

const VPCS: &[&str] = &["arn:aws:ec2:*:*:vpc/*"];

fields! {
    /// A VPC's block can't change: a new block means a new VPC.
    pub struct VpcProps {
        cidr("cidr", fixed): String,
    }
}

/// The VPC.
#[derive(Debug)]
pub struct Vpc {
    pub cidr: String,
}

#[async_trait]
impl Resource<AwsContext> for Vpc {
    type Props = VpcProps;
    type Outputs = ();
    fn id(&self) -> &str {
        VPC
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &VpcKind
    }
    fn deps(&self) -> Vec<String> {
        vec![]
    }
    fn desired(&self) -> VpcProps {
        VpcProps {
            cidr: self.cidr.clone(),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<VpcProps, ()>>, TaskError> {
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
                Current::new(
                    v.vpc_id().unwrap_or_default(),
                    VpcProps {
                        cidr: v.cidr_block().unwrap_or_default().into(),
                    },
                )
            }))
    }
    async fn create(&self, ctx: &AwsContext, _: &Refs) -> Result<Current<VpcProps, ()>, TaskError> {
        let out = ctx
            .ec2
            .create_vpc()
            .cidr_block(&self.cidr)
            .tag_specifications(ctx.tag_spec(ResourceType::Vpc, VPC))
            .send()
            .await
            .task()?;
        let id = out.vpc().and_then(|v| v.vpc_id()).unwrap_or_default();
        Ok(Current::new(id, self.desired()))
    }
}

/// VPCs: the last thing of a network to go.
#[derive(Debug)]
pub struct VpcKind;

#[async_trait]
impl Kind<AwsContext> for VpcKind {
    fn name(&self) -> &'static str {
        "Vpc"
    }
    fn discovery(&self) -> Discovery {
        Discovery::Tagged
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&["ec2:DescribeVpcs"]),
            Grant::new(&["ec2:CreateVpc"], VPCS, Scope::Creating),
            Grant::new(
                &["ec2:CreateTags"],
                VPCS,
                Scope::WhileCreating {
                    key: "ec2:CreateAction",
                    creates: &["CreateVpc"],
                },
            ),
            Grant::new(&["ec2:DeleteVpc"], VPCS, Scope::Tagged),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        let out = read(|| async {
            ctx.ec2
                .describe_vpcs()
                .filters(ctx.stack_filter())
                .send()
                .await
                .task()
        })
        .await?;
        Ok(out
            .vpcs()
            .iter()
            .filter(|v| is_own(v.tags(), &ctx.stack, None))
            .map(|v| found(self.name(), v.tags(), v.vpc_id()))
            .collect())
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        ignore_gone(
            ctx.ec2
                .delete_vpc()
                .vpc_id(&f.physical_id)
                .send()
                .await
                .task(),
        )
    }
}

fields! {
    /// DNS resolution (always on) and DNS hostnames (the Spec's choice), both changeable in place.
    pub struct DnsProps {
        support("dnsSupport"): bool,
        hostnames("dnsHostnames"): bool,
    }
}

/// The VPC's DNS attributes.
#[derive(Debug)]
pub struct VpcDns {
    pub hostnames: bool,
}

#[async_trait]
impl Resource<AwsContext> for VpcDns {
    type Props = DnsProps;
    type Outputs = ();
    fn id(&self) -> &str {
        "vpc-dns"
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &VpcAttributeKind
    }
    fn deps(&self) -> Vec<String> {
        vec![VPC.into()]
    }
    fn find_deps(&self) -> Vec<String> {
        vec![VPC.into()]
    }
    fn desired(&self) -> DnsProps {
        DnsProps {
            support: true,
            hostnames: self.hostnames,
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Option<Current<DnsProps, ()>>, TaskError> {
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
        Ok(Some(Current::new(
            format!("{vpc}/dns"),
            DnsProps {
                support: flag(support.enable_dns_support()),
                hostnames: flag(hostnames.enable_dns_hostnames()),
            },
        )))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<DnsProps, ()>, TaskError> {
        // Only called for a VPC made in this run (an existing VPC always has attributes to find),
        // so AWS's defaults for a new VPC stand in for a lookup: resolution on, hostnames off.
        let fresh = Current::new(
            format!("{}/dns", refs.id(VPC)?),
            DnsProps {
                support: true,
                hostnames: false,
            },
        );
        self.update(ctx, refs, &fresh).await
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
        current: &Current<DnsProps, ()>,
    ) -> Result<Current<DnsProps, ()>, TaskError> {
        let vpc = refs.id(VPC)?;
        let want = self.desired();
        let on = |v: bool| AttributeBooleanValue::builder().value(v).build();
        let mut calls = Vec::new();
        // AWS takes one attribute per call; the calls go out together.
        if current.props.support != want.support {
            calls.push(
                ctx.ec2
                    .modify_vpc_attribute()
                    .vpc_id(vpc)
                    .enable_dns_support(on(want.support)),
            );
        }
        if current.props.hostnames != want.hostnames {
            calls.push(
                ctx.ec2
                    .modify_vpc_attribute()
                    .vpc_id(vpc)
                    .enable_dns_hostnames(on(want.hostnames)),
            );
        }
        futures::future::try_join_all(calls.into_iter().map(|c| async { c.send().await.task() }))
            .await?;
        Ok(Current::new(&current.id, want))
    }
}

/// A VPC's attributes: they go away with it.
#[derive(Debug)]
pub struct VpcAttributeKind;

#[async_trait]
impl Kind<AwsContext> for VpcAttributeKind {
    fn name(&self) -> &'static str {
        "VpcAttribute"
    }
    fn discovery(&self) -> Discovery {
        Discovery::WithParent
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::new(&["ec2:DescribeVpcAttribute"], VPCS, Scope::Reading),
            Grant::new(&["ec2:ModifyVpcAttribute"], VPCS, Scope::Tagged),
        ];
        GRANTS
    }
    async fn delete(&self, _: &AwsContext, _: &Found) -> Result<(), TaskError> {
        Ok(())
    }
}

fields! {
    /// How many rules the default group has: none, when locked down.
    pub struct RuleCounts {
        ingress("ingressRules"): usize,
        egress("egressRules"): usize,
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
impl Resource<AwsContext> for DefaultSecurityGroup {
    type Props = RuleCounts;
    type Outputs = ();
    fn id(&self) -> &str {
        "default-sg"
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &SecurityGroupRulesKind
    }
    fn deps(&self) -> Vec<String> {
        vec![VPC.into()]
    }
    fn find_deps(&self) -> Vec<String> {
        vec![VPC.into()]
    }
    fn desired(&self) -> RuleCounts {
        RuleCounts {
            ingress: 0,
            egress: 0,
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Option<Current<RuleCounts, ()>>, TaskError> {
        let sg = Self::describe(ctx, refs.id(VPC)?).await?;
        Ok(Some(Current::new(
            sg.group_id().unwrap_or_default(),
            RuleCounts {
                ingress: sg.ip_permissions().len(),
                egress: sg.ip_permissions_egress().len(),
            },
        )))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<RuleCounts, ()>, TaskError> {
        let unknown = Current::new("", self.desired());
        self.update(ctx, refs, &unknown).await
    }
    /// Reads the group again: the rules to revoke are whatever it has now.
    async fn update(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
        _: &Current<RuleCounts, ()>,
    ) -> Result<Current<RuleCounts, ()>, TaskError> {
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
        Ok(Current::new(id, self.desired()))
    }
}

/// The rules of a VPC's default group: they go away with the VPC.
#[derive(Debug)]
pub struct SecurityGroupRulesKind;

#[async_trait]
impl Kind<AwsContext> for SecurityGroupRulesKind {
    fn name(&self) -> &'static str {
        "SecurityGroupRules"
    }
    fn discovery(&self) -> Discovery {
        Discovery::WithParent
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&["ec2:DescribeSecurityGroups"]),
            // AWS makes the default group untagged, so no tag condition can name it. Revoking
            // rules only ever closes access: allowed on any group, it grants no way in or out.
            Grant::new(
                &[
                    "ec2:RevokeSecurityGroupIngress",
                    "ec2:RevokeSecurityGroupEgress",
                ],
                &["arn:aws:ec2:*:*:security-group/*"],
                Scope::Always,
            ),
        ];
        GRANTS
    }
    async fn delete(&self, _: &AwsContext, _: &Found) -> Result<(), TaskError> {
        Ok(())
    }
}

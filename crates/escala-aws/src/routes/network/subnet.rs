//! Subnets, and the public ones' "map public IP on launch" attribute.

use async_trait::async_trait;
use aws_sdk_ec2::types::{AttributeBooleanValue, ResourceType};
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::ids::VPC;
use crate::context::{found, is_own, AwsContext};
use crate::iam::{Grant, Scope};
use crate::sdk::{ignore_gone, read, SdkResultExt};

const SUBNETS: &[&str] = &["arn:aws:ec2:*:*:subnet/*"];

fields! {
    /// A subnet's block and zone can't change in place.
    pub struct SubnetProps {
        cidr("cidr", fixed): String,
        zone("zone", fixed): String,
    }
}

fields! {
    /// What the public-IP attribute task reads instead of describing the subnet again.
    pub struct SubnetOutputs {
        map_public_ip("mapPublicIp"): bool,
    }
}

/// One subnet in one zone.
#[derive(Debug)]
pub struct Subnet {
    pub id: String,
    pub cidr: String,
    pub zone: String,
}

#[async_trait]
impl Resource<AwsContext> for Subnet {
    type Props = SubnetProps;
    type Outputs = SubnetOutputs;
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &SubnetKind
    }
    fn deps(&self) -> Vec<String> {
        vec![VPC.into()]
    }
    fn desired(&self) -> SubnetProps {
        SubnetProps {
            cidr: self.cidr.clone(),
            zone: self.zone.clone(),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<SubnetProps, SubnetOutputs>>, TaskError> {
        let out = ctx
            .ec2
            .describe_subnets()
            .set_filters(Some(ctx.own(&self.id)))
            .send()
            .await
            .task()?;
        Ok(out
            .subnets()
            .iter()
            .find(|o| is_own(o.tags(), &ctx.stack, Some(&self.id)))
            .map(|s| Current {
                id: s.subnet_id().unwrap_or_default().into(),
                props: SubnetProps {
                    cidr: s.cidr_block().unwrap_or_default().into(),
                    zone: s.availability_zone().unwrap_or_default().into(),
                },
                outputs: SubnetOutputs {
                    map_public_ip: s.map_public_ip_on_launch().unwrap_or(false),
                },
            }))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<SubnetProps, SubnetOutputs>, TaskError> {
        let out = ctx
            .ec2
            .create_subnet()
            .vpc_id(refs.id(VPC)?)
            .cidr_block(&self.cidr)
            .availability_zone(&self.zone)
            .tag_specifications(ctx.tag_spec(ResourceType::Subnet, &self.id))
            .send()
            .await
            .task()?;
        Ok(Current {
            id: out
                .subnet()
                .and_then(|s| s.subnet_id())
                .unwrap_or_default()
                .into(),
            props: self.desired(),
            outputs: SubnetOutputs {
                map_public_ip: false,
            },
        })
    }
}

/// Subnets: free once the instances, load balancers, gateways and tables in them are gone.
#[derive(Debug)]
pub struct SubnetKind;

#[async_trait]
impl Kind<AwsContext> for SubnetKind {
    fn name(&self) -> &'static str {
        "Subnet"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &["Vpc"]
    }
    fn discovery(&self) -> Discovery {
        Discovery::Tagged
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&["ec2:DescribeSubnets"]),
            Grant::new(&["ec2:CreateSubnet"], SUBNETS, Scope::Creating),
            Grant::new(
                &["ec2:CreateSubnet"],
                &["arn:aws:ec2:*:*:vpc/*"],
                Scope::Tagged,
            ),
            Grant::new(
                &["ec2:CreateTags"],
                SUBNETS,
                Scope::WhileCreating {
                    key: "ec2:CreateAction",
                    creates: &["CreateSubnet"],
                },
            ),
            Grant::new(&["ec2:DeleteSubnet"], SUBNETS, Scope::Tagged),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        let out = read(|| async {
            ctx.ec2
                .describe_subnets()
                .filters(ctx.stack_filter())
                .send()
                .await
                .task()
        })
        .await?;
        Ok(out
            .subnets()
            .iter()
            .filter(|s| is_own(s.tags(), &ctx.stack, None))
            .map(|s| found(self.name(), s.tags(), s.subnet_id()))
            .collect())
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        ignore_gone(
            ctx.ec2
                .delete_subnet()
                .subnet_id(&f.physical_id)
                .send()
                .await
                .task(),
        )
    }
}

fields! {
    /// Instances launched in a public subnet get a public IP.
    pub struct PublicIpProps {
        on("mapPublicIp"): bool,
    }
}

/// A public subnet's "map public IP on launch".
#[derive(Debug)]
pub struct SubnetPublicIp {
    id: String,
    subnet: String,
}

impl SubnetPublicIp {
    pub fn new(subnet: &str) -> Self {
        Self {
            id: format!("{subnet}-public-ip"),
            subnet: subnet.to_string(),
        }
    }

    fn current(subnet_id: &str, on: bool) -> Current<PublicIpProps, ()> {
        Current::new(format!("{subnet_id}/map-public-ip"), PublicIpProps { on })
    }
}

#[async_trait]
impl Resource<AwsContext> for SubnetPublicIp {
    type Props = PublicIpProps;
    type Outputs = ();
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &SubnetAttributeKind
    }
    fn deps(&self) -> Vec<String> {
        vec![self.subnet.clone()]
    }
    fn find_deps(&self) -> Vec<String> {
        vec![self.subnet.clone()]
    }
    fn desired(&self) -> PublicIpProps {
        PublicIpProps { on: true }
    }
    async fn find(
        &self,
        _: &AwsContext,
        refs: &Refs,
    ) -> Result<Option<Current<PublicIpProps, ()>>, TaskError> {
        let subnet: &SubnetOutputs = refs.outputs(&self.subnet)?;
        Ok(Some(Self::current(
            refs.id(&self.subnet)?,
            subnet.map_public_ip,
        )))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<PublicIpProps, ()>, TaskError> {
        let subnet = refs.id(&self.subnet)?;
        ctx.ec2
            .modify_subnet_attribute()
            .subnet_id(subnet)
            .map_public_ip_on_launch(AttributeBooleanValue::builder().value(true).build())
            .send()
            .await
            .task()?;
        Ok(Self::current(subnet, true))
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
        _: &Current<PublicIpProps, ()>,
    ) -> Result<Current<PublicIpProps, ()>, TaskError> {
        self.create(ctx, refs).await
    }
}

/// A subnet's attributes: they go away with it.
#[derive(Debug)]
pub struct SubnetAttributeKind;

#[async_trait]
impl Kind<AwsContext> for SubnetAttributeKind {
    fn name(&self) -> &'static str {
        "SubnetAttribute"
    }
    fn discovery(&self) -> Discovery {
        Discovery::WithParent
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[Grant::new(
            &["ec2:ModifySubnetAttribute"],
            SUBNETS,
            Scope::Tagged,
        )];
        GRANTS
    }
    async fn delete(&self, _: &AwsContext, _: &Found) -> Result<(), TaskError> {
        Ok(())
    }
}

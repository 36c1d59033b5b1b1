//! The internet gateway and its attachment to the VPC.

use async_trait::async_trait;
use aws_sdk_ec2::types::ResourceType;
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::ids::{IGW, IGW_ATTACHMENT, VPC};
use crate::context::{found, is_own, AwsContext};
use crate::iam::{Grant, Scope};
use crate::sdk::{ignore_gone, read, SdkResultExt};

const GATEWAYS: &[&str] = &["arn:aws:ec2:*:*:internet-gateway/*"];

fields! {
    /// Which VPC the gateway is attached to: the attachment task reads it from here.
    pub struct GatewayOutputs {
        vpc("vpc"): String,
    }
}

/// The VPC's door to the internet, used by the public route table.
#[derive(Debug)]
pub struct InternetGateway;

#[async_trait]
impl Resource<AwsContext> for InternetGateway {
    type Props = ();
    type Outputs = GatewayOutputs;
    fn id(&self) -> &str {
        IGW
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &InternetGatewayKind
    }
    fn deps(&self) -> Vec<String> {
        vec![]
    }
    fn desired(&self) {}
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<(), GatewayOutputs>>, TaskError> {
        let out = ctx
            .ec2
            .describe_internet_gateways()
            .set_filters(Some(ctx.own(IGW)))
            .send()
            .await
            .task()?;
        Ok(out
            .internet_gateways()
            .iter()
            .find(|o| is_own(o.tags(), &ctx.stack, Some(IGW)))
            .map(|g| Current {
                id: g.internet_gateway_id().unwrap_or_default().into(),
                props: (),
                outputs: GatewayOutputs {
                    vpc: g
                        .attachments()
                        .iter()
                        .find_map(|a| a.vpc_id())
                        .unwrap_or_default()
                        .into(),
                },
            }))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Current<(), GatewayOutputs>, TaskError> {
        let out = ctx
            .ec2
            .create_internet_gateway()
            .tag_specifications(ctx.tag_spec(ResourceType::InternetGateway, IGW))
            .send()
            .await
            .task()?;
        Ok(Current {
            id: out
                .internet_gateway()
                .and_then(|g| g.internet_gateway_id())
                .unwrap_or_default()
                .into(),
            props: (),
            outputs: GatewayOutputs { vpc: String::new() },
        })
    }
}

/// Internet gateways, with their attachments as dependents.
#[derive(Debug)]
pub struct InternetGatewayKind;

#[async_trait]
impl Kind<AwsContext> for InternetGatewayKind {
    fn name(&self) -> &'static str {
        "InternetGateway"
    }
    fn discovery(&self) -> Discovery {
        Discovery::Tagged
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&["ec2:DescribeInternetGateways"]),
            Grant::new(&["ec2:CreateInternetGateway"], GATEWAYS, Scope::Creating),
            Grant::new(
                &["ec2:CreateTags"],
                GATEWAYS,
                Scope::WhileCreating {
                    key: "ec2:CreateAction",
                    creates: &["CreateInternetGateway"],
                },
            ),
            Grant::new(&["ec2:DeleteInternetGateway"], GATEWAYS, Scope::Tagged),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        let out = read(|| async {
            ctx.ec2
                .describe_internet_gateways()
                .filters(ctx.stack_filter())
                .send()
                .await
                .task()
        })
        .await?;
        let mut all = Vec::new();
        for g in out
            .internet_gateways()
            .iter()
            .filter(|g| is_own(g.tags(), &ctx.stack, None))
        {
            let igw = g.internet_gateway_id().unwrap_or_default();
            all.push(found(self.name(), g.tags(), Some(igw)));
            for vpc in g.attachments().iter().filter_map(|a| a.vpc_id()) {
                all.push(Found::dependent(
                    GatewayAttachmentKind.name(),
                    format!("{igw}/{vpc}"),
                    igw,
                    &[("igw", igw), ("vpc", vpc)],
                ));
            }
        }
        Ok(all)
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        ignore_gone(
            ctx.ec2
                .delete_internet_gateway()
                .internet_gateway_id(&f.physical_id)
                .send()
                .await
                .task(),
        )
    }
}

fields! {
    /// What deleting the attachment needs.
    pub struct AttachmentOutputs {
        igw("igw"): String,
        vpc("vpc"): String,
    }
}

/// The gateway attached to the VPC. Untagged in AWS: found through the gateway.
#[derive(Debug)]
pub struct GatewayAttachment;

impl GatewayAttachment {
    fn current(igw: &str, vpc: &str) -> Current<(), AttachmentOutputs> {
        Current {
            id: format!("{igw}/{vpc}"),
            props: (),
            outputs: AttachmentOutputs {
                igw: igw.into(),
                vpc: vpc.into(),
            },
        }
    }
}

#[async_trait]
impl Resource<AwsContext> for GatewayAttachment {
    type Props = ();
    type Outputs = AttachmentOutputs;
    fn id(&self) -> &str {
        IGW_ATTACHMENT
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &GatewayAttachmentKind
    }
    fn deps(&self) -> Vec<String> {
        vec![IGW.into(), VPC.into()]
    }
    fn find_deps(&self) -> Vec<String> {
        vec![IGW.into()]
    }
    fn desired(&self) {}
    async fn find(
        &self,
        _: &AwsContext,
        refs: &Refs,
    ) -> Result<Option<Current<(), AttachmentOutputs>>, TaskError> {
        let igw: &GatewayOutputs = refs.outputs(IGW)?;
        Ok(
            (!igw.vpc.is_empty())
                .then(|| Self::current(refs.id(IGW).unwrap_or_default(), &igw.vpc)),
        )
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<(), AttachmentOutputs>, TaskError> {
        let (igw, vpc) = (refs.id(IGW)?, refs.id(VPC)?);
        let attached = ctx
            .ec2
            .attach_internet_gateway()
            .internet_gateway_id(igw)
            .vpc_id(vpc)
            .send()
            .await
            .task();
        match attached {
            Ok(_) => {}
            // An earlier try whose answer was lost attached it: fine if to this VPC.
            Err(e) if e.code == "Resource.AlreadyAssociated" => {
                let out = ctx
                    .ec2
                    .describe_internet_gateways()
                    .internet_gateway_ids(igw)
                    .send()
                    .await
                    .task()?;
                let ours = out
                    .internet_gateways()
                    .iter()
                    .flat_map(|g| g.attachments())
                    .any(|a| a.vpc_id() == Some(vpc));
                if !ours {
                    return Err(TaskError::fatal(
                        e.code,
                        format!("{igw} is attached to another VPC"),
                    ));
                }
            }
            Err(e) => return Err(e),
        }
        Ok(Self::current(igw, vpc))
    }
}

/// A gateway's attachment. AWS refuses to detach it while the VPC has mapped public addresses
/// (a NAT gateway's, a load balancer's, an instance's), whose kinds say so.
#[derive(Debug)]
pub struct GatewayAttachmentKind;

#[async_trait]
impl Kind<AwsContext> for GatewayAttachmentKind {
    fn name(&self) -> &'static str {
        "GatewayAttachment"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &["InternetGateway", "Vpc"]
    }
    fn discovery(&self) -> Discovery {
        Discovery::WithParent
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[Grant::new(
            &["ec2:AttachInternetGateway", "ec2:DetachInternetGateway"],
            &[
                "arn:aws:ec2:*:*:internet-gateway/*",
                "arn:aws:ec2:*:*:vpc/*",
            ],
            Scope::Tagged,
        )];
        GRANTS
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        let detail = |k: &str| f.detail.get(k).map(String::as_str).unwrap_or_default();
        ignore_gone(
            ctx.ec2
                .detach_internet_gateway()
                .internet_gateway_id(detail("igw"))
                .vpc_id(detail("vpc"))
                .send()
                .await
                .task(),
        )
    }
}

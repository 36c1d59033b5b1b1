//! The internet gateway and its attachment to the VPC.

use async_trait::async_trait;
use aws_sdk_ec2::types::ResourceType;
use escala_core::task::{Observed, Refs, Task, TaskError};

use super::{IGW, IGW_ATTACHMENT, VPC};
use crate::context::{is_own, AwsContext};
use crate::inventory::wave;
use crate::sdk::SdkResultExt;

/// The VPC's door to the internet, used by the public route table.
#[derive(Debug)]
pub struct InternetGateway;

#[async_trait]
impl Task<AwsContext> for InternetGateway {
    fn id(&self) -> &str {
        IGW
    }
    fn kind(&self) -> &'static str {
        "InternetGateway"
    }
    fn deps(&self) -> Vec<String> {
        vec![]
    }
    fn wave(&self) -> u8 {
        wave::SUBNET
    }
    async fn find(&self, ctx: &AwsContext, _: &Refs) -> Result<Option<Observed>, TaskError> {
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
            .map(|g| {
                let mut o = Observed::new(g.internet_gateway_id().unwrap_or_default());
                // The attachment task reads which VPC it is attached to from here.
                if let Some(vpc) = g.attachments().iter().find_map(|a| a.vpc_id()) {
                    o.outputs.insert("vpc".into(), vpc.into());
                }
                o
            }))
    }
    async fn create(&self, ctx: &AwsContext, _: &Refs) -> Result<Observed, TaskError> {
        let out = ctx
            .ec2
            .create_internet_gateway()
            .tag_specifications(ctx.tag_spec(ResourceType::InternetGateway, IGW))
            .send()
            .await
            .task()?;
        Ok(Observed::new(
            out.internet_gateway()
                .and_then(|g| g.internet_gateway_id())
                .unwrap_or_default(),
        ))
    }
}

/// The gateway attached to the VPC. Untagged in AWS: found through the gateway.
#[derive(Debug)]
pub struct GatewayAttachment;

impl GatewayAttachment {
    fn observed(igw: &str, vpc: &str) -> Observed {
        let mut o = Observed::new(format!("{igw}/{vpc}"));
        o.outputs.insert("igw".into(), igw.into());
        o.outputs.insert("vpc".into(), vpc.into());
        o
    }
}

#[async_trait]
impl Task<AwsContext> for GatewayAttachment {
    fn id(&self) -> &str {
        IGW_ATTACHMENT
    }
    fn kind(&self) -> &'static str {
        "GatewayAttachment"
    }
    fn deps(&self) -> Vec<String> {
        vec![IGW.into(), VPC.into()]
    }
    fn find_deps(&self) -> Vec<String> {
        vec![IGW.into()]
    }
    fn wave(&self) -> u8 {
        wave::ASSOCIATION
    }
    async fn find(&self, _: &AwsContext, refs: &Refs) -> Result<Option<Observed>, TaskError> {
        let igw = refs.get(IGW).expect("found through the gateway");
        Ok(igw
            .outputs
            .get("vpc")
            .map(|vpc| Self::observed(&igw.physical_id, vpc)))
    }
    async fn create(&self, ctx: &AwsContext, refs: &Refs) -> Result<Observed, TaskError> {
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
        Ok(Self::observed(igw, vpc))
    }
}

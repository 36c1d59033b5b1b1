//! Subnets, and the public ones' "map public IP on launch" attribute.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_ec2::types::{AttributeBooleanValue, ResourceType};
use escala_core::plan::FieldChange;
use escala_core::task::{Observed, Prop, Refs, Task, TaskError};

use super::VPC;
use crate::context::{is_own, AwsContext};
use crate::inventory::wave;
use crate::sdk::SdkResultExt;

const MAP_PUBLIC_IP: &str = "mapPublicIp";

/// One subnet in one zone. Its block and zone can't change in place.
#[derive(Debug)]
pub struct Subnet {
    pub id: String,
    pub cidr: String,
    pub zone: String,
}

#[async_trait]
impl Task<AwsContext> for Subnet {
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static str {
        "Subnet"
    }
    fn deps(&self) -> Vec<String> {
        vec![VPC.into()]
    }
    fn wave(&self) -> u8 {
        wave::SUBNET
    }
    fn desired(&self) -> BTreeMap<String, Prop> {
        BTreeMap::from([
            ("cidr".into(), Prop::fixed(&self.cidr)),
            ("zone".into(), Prop::fixed(&self.zone)),
        ])
    }
    async fn find(&self, ctx: &AwsContext, _: &Refs) -> Result<Option<Observed>, TaskError> {
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
            .map(|s| {
                let mut o = Observed::new(s.subnet_id().unwrap_or_default())
                    .with_prop("cidr", s.cidr_block().unwrap_or_default())
                    .with_prop("zone", s.availability_zone().unwrap_or_default());
                // The public-IP attribute task reads this instead of describing the subnet again.
                o.outputs.insert(
                    MAP_PUBLIC_IP.into(),
                    s.map_public_ip_on_launch().unwrap_or(false).to_string(),
                );
                o
            }))
    }
    async fn create(&self, ctx: &AwsContext, refs: &Refs) -> Result<Observed, TaskError> {
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
        let id = out.subnet().and_then(|s| s.subnet_id()).unwrap_or_default();
        let mut o = Observed::new(id)
            .with_prop("cidr", &self.cidr)
            .with_prop("zone", &self.zone);
        o.outputs.insert(MAP_PUBLIC_IP.into(), "false".into());
        Ok(o)
    }
}

/// Instances launched in a public subnet get a public IP.
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

    fn observed(subnet_id: &str, on: bool) -> Observed {
        Observed::new(format!("{subnet_id}/map-public-ip")).with_prop(MAP_PUBLIC_IP, on)
    }
}

#[async_trait]
impl Task<AwsContext> for SubnetPublicIp {
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static str {
        "SubnetAttribute"
    }
    fn deps(&self) -> Vec<String> {
        vec![self.subnet.clone()]
    }
    fn find_deps(&self) -> Vec<String> {
        vec![self.subnet.clone()]
    }
    fn wave(&self) -> u8 {
        wave::WITH_PARENT
    }
    fn desired(&self) -> BTreeMap<String, Prop> {
        BTreeMap::from([(MAP_PUBLIC_IP.into(), Prop::mutable(true))])
    }
    async fn find(&self, _: &AwsContext, refs: &Refs) -> Result<Option<Observed>, TaskError> {
        let subnet = refs.get(&self.subnet).expect("found through its subnet");
        let on = subnet
            .outputs
            .get(MAP_PUBLIC_IP)
            .is_some_and(|v| v == "true");
        Ok(Some(Self::observed(&subnet.physical_id, on)))
    }
    async fn create(&self, ctx: &AwsContext, refs: &Refs) -> Result<Observed, TaskError> {
        let subnet = refs.id(&self.subnet)?;
        ctx.ec2
            .modify_subnet_attribute()
            .subnet_id(subnet)
            .map_public_ip_on_launch(AttributeBooleanValue::builder().value(true).build())
            .send()
            .await
            .task()?;
        Ok(Self::observed(subnet, true))
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
        _: &Observed,
        _: &[FieldChange],
    ) -> Result<Observed, TaskError> {
        self.create(ctx, refs).await
    }
}

//! Elastic IPs and NAT gateways.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_ec2::client::Waiters;
use aws_sdk_ec2::types::{DomainType, NatGatewayState, ResourceType};
use escala_core::plan::FieldChange;
use escala_core::task::{Observed, Prop, Refs, Task, TaskError};

use crate::context::{is_own, AwsContext};
use crate::inventory::wave;
use crate::sdk::{wait_through_transients, SdkResultExt};

/// How long a NAT gateway may take to become available (AWS: usually one to three minutes).
const NAT_READY: Duration = Duration::from_secs(10 * 60);

/// The public address a NAT gateway uses.
#[derive(Debug)]
pub struct ElasticIp {
    pub id: String,
}

#[async_trait]
impl Task<AwsContext> for ElasticIp {
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static str {
        "ElasticIp"
    }
    fn deps(&self) -> Vec<String> {
        vec![]
    }
    fn wave(&self) -> u8 {
        wave::ROUTE_TABLE
    }
    async fn find(&self, ctx: &AwsContext, _: &Refs) -> Result<Option<Observed>, TaskError> {
        let out = ctx
            .ec2
            .describe_addresses()
            .set_filters(Some(ctx.own(&self.id)))
            .send()
            .await
            .task()?;
        Ok(out
            .addresses()
            .iter()
            .find(|o| is_own(o.tags(), &ctx.stack, Some(&self.id)))
            .map(|a| {
                let mut o = Observed::new(a.allocation_id().unwrap_or_default());
                o.outputs
                    .insert("publicIp".into(), a.public_ip().unwrap_or_default().into());
                o
            }))
    }
    async fn create(&self, ctx: &AwsContext, _: &Refs) -> Result<Observed, TaskError> {
        let out = ctx
            .ec2
            .allocate_address()
            .domain(DomainType::Vpc)
            .tag_specifications(ctx.tag_spec(ResourceType::ElasticIp, &self.id))
            .send()
            .await
            .task()?;
        let mut o = Observed::new(out.allocation_id().unwrap_or_default());
        o.outputs.insert(
            "publicIp".into(),
            out.public_ip().unwrap_or_default().into(),
        );
        Ok(o)
    }
}

/// Gateways that exist for billing purposes: deleted and failed ones linger in listings for an hour.
pub(crate) fn live_states() -> aws_sdk_ec2::types::Filter {
    aws_sdk_ec2::types::Filter::builder()
        .name("state")
        .values("pending")
        .values("available")
        .build()
}

/// Gateways still to be deleted, including those a crashed destroy left deleting.
pub(crate) fn live_or_deleting() -> aws_sdk_ec2::types::Filter {
    aws_sdk_ec2::types::Filter::builder()
        .name("state")
        .values("pending")
        .values("available")
        .values("deleting")
        .build()
}

/// A NAT gateway in a public subnet. Created, then waited for until it is available, because a route
/// through a pending gateway carries nothing.
#[derive(Debug)]
pub struct NatGateway {
    pub id: String,
    pub subnet: String,
    pub eip: String,
}

impl NatGateway {
    async fn wait_available(ctx: &AwsContext, nat: &str) -> Result<(), TaskError> {
        wait_through_transients(
            &format!("{nat} did not become available"),
            NAT_READY,
            |max| {
                ctx.ec2
                    .wait_until_nat_gateway_available()
                    .nat_gateway_ids(nat)
                    .wait(max)
            },
        )
        .await
    }
}

#[async_trait]
impl Task<AwsContext> for NatGateway {
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static str {
        "NatGateway"
    }
    fn deps(&self) -> Vec<String> {
        vec![self.subnet.clone(), self.eip.clone()]
    }
    fn wave(&self) -> u8 {
        wave::NAT
    }
    fn desired(&self) -> BTreeMap<String, Prop> {
        // A gateway left pending by a crash is finished by waiting for it: an in-place "update".
        BTreeMap::from([("state".into(), Prop::mutable("available"))])
    }
    async fn find(&self, ctx: &AwsContext, _: &Refs) -> Result<Option<Observed>, TaskError> {
        let out = ctx
            .ec2
            .describe_nat_gateways()
            .set_filter(Some(ctx.own(&self.id)))
            .filter(live_states())
            .send()
            .await
            .task()?;
        let live = |n: &&aws_sdk_ec2::types::NatGateway| {
            matches!(
                n.state(),
                Some(NatGatewayState::Pending | NatGatewayState::Available)
            )
        };
        let mut mine = out
            .nat_gateways()
            .iter()
            .filter(|n| is_own(n.tags(), &ctx.stack, Some(&self.id)));
        Ok(mine.find(live).map(|n| {
            let state = n.state().map(NatGatewayState::as_str).unwrap_or("unknown");
            Observed::new(n.nat_gateway_id().unwrap_or_default()).with_prop("state", state)
        }))
    }
    async fn create(&self, ctx: &AwsContext, refs: &Refs) -> Result<Observed, TaskError> {
        let out = ctx
            .ec2
            .create_nat_gateway()
            .subnet_id(refs.id(&self.subnet)?)
            .allocation_id(refs.id(&self.eip)?)
            .tag_specifications(ctx.tag_spec(ResourceType::Natgateway, &self.id))
            .send()
            .await
            .task()?;
        let nat = out
            .nat_gateway()
            .and_then(|n| n.nat_gateway_id())
            .unwrap_or_default()
            .to_string();
        Self::wait_available(ctx, &nat).await?;
        Ok(Observed::new(nat).with_prop("state", "available"))
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        _: &Refs,
        current: &Observed,
        _: &[FieldChange],
    ) -> Result<Observed, TaskError> {
        Self::wait_available(ctx, &current.physical_id).await?;
        Ok(Observed::new(&current.physical_id).with_prop("state", "available"))
    }
}

//! Elastic IPs and NAT gateways.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_ec2::client::Waiters;
use aws_sdk_ec2::types::{DomainType, NatGatewayState, ResourceType};
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use crate::context::{found, is_own, AwsContext};
use crate::iam::{Grant, Scope};
use crate::sdk::{ignore_gone, read, wait_through_transients, SdkResultExt};

/// How long a NAT gateway may take to become available (AWS: usually one to three minutes).
const NAT_READY: Duration = Duration::from_secs(10 * 60);
/// How long deleting a NAT gateway may take before the run gives up.
const NAT_GONE: Duration = Duration::from_secs(10 * 60);

const ADDRESSES: &[&str] = &["arn:aws:ec2:*:*:elastic-ip/*"];
const GATEWAYS: &[&str] = &["arn:aws:ec2:*:*:natgateway/*"];

fields! {
    /// The address itself, for people reading the plan.
    pub struct AddressOutputs {
        public_ip("publicIp"): String,
    }
}

/// The public address a NAT gateway uses.
#[derive(Debug)]
pub struct ElasticIp {
    pub id: String,
}

#[async_trait]
impl Resource<AwsContext> for ElasticIp {
    type Props = ();
    type Outputs = AddressOutputs;
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &ElasticIpKind
    }
    fn deps(&self) -> Vec<String> {
        vec![]
    }
    fn desired(&self) {}
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<(), AddressOutputs>>, TaskError> {
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
            .map(|a| Current {
                id: a.allocation_id().unwrap_or_default().into(),
                props: (),
                outputs: AddressOutputs {
                    public_ip: a.public_ip().unwrap_or_default().into(),
                },
            }))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Current<(), AddressOutputs>, TaskError> {
        let out = ctx
            .ec2
            .allocate_address()
            .domain(DomainType::Vpc)
            .tag_specifications(ctx.tag_spec(ResourceType::ElasticIp, &self.id))
            .send()
            .await
            .task()?;
        Ok(Current {
            id: out.allocation_id().unwrap_or_default().into(),
            props: (),
            outputs: AddressOutputs {
                public_ip: out.public_ip().unwrap_or_default().into(),
            },
        })
    }
}

/// Elastic IPs: released once the NAT gateway holding one is gone.
#[derive(Debug)]
pub struct ElasticIpKind;

#[async_trait]
impl Kind<AwsContext> for ElasticIpKind {
    fn name(&self) -> &'static str {
        "ElasticIp"
    }
    fn discovery(&self) -> Discovery {
        Discovery::Tagged
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&["ec2:DescribeAddresses"]),
            Grant::new(&["ec2:AllocateAddress"], ADDRESSES, Scope::Creating),
            Grant::new(
                &["ec2:CreateTags"],
                ADDRESSES,
                Scope::WhileCreating {
                    key: "ec2:CreateAction",
                    creates: &["AllocateAddress"],
                },
            ),
            Grant::new(&["ec2:ReleaseAddress"], ADDRESSES, Scope::Tagged),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        let out = read(|| async {
            ctx.ec2
                .describe_addresses()
                .filters(ctx.stack_filter())
                .send()
                .await
                .task()
        })
        .await?;
        Ok(out
            .addresses()
            .iter()
            .filter(|a| is_own(a.tags(), &ctx.stack, None))
            .map(|a| found(self.name(), a.tags(), a.allocation_id()))
            .collect())
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        ignore_gone(
            ctx.ec2
                .release_address()
                .allocation_id(&f.physical_id)
                .send()
                .await
                .task(),
        )
    }
}

/// Gateways that exist for billing purposes: deleted and failed ones linger in listings for an hour.
fn live_states() -> aws_sdk_ec2::types::Filter {
    aws_sdk_ec2::types::Filter::builder()
        .name("state")
        .values("pending")
        .values("available")
        .build()
}

/// Gateways still to be deleted, including those a crashed destroy left deleting.
fn live_or_deleting() -> aws_sdk_ec2::types::Filter {
    aws_sdk_ec2::types::Filter::builder()
        .name("state")
        .values("pending")
        .values("available")
        .values("deleting")
        .build()
}

fields! {
    /// A gateway left pending by a crash is finished by waiting for it: an in-place "update".
    pub struct NatProps {
        state("state"): String,
    }
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
impl Resource<AwsContext> for NatGateway {
    type Props = NatProps;
    type Outputs = ();
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &NatGatewayKind
    }
    fn deps(&self) -> Vec<String> {
        vec![self.subnet.clone(), self.eip.clone()]
    }
    fn desired(&self) -> NatProps {
        NatProps {
            state: "available".into(),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<NatProps, ()>>, TaskError> {
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
            Current::new(
                n.nat_gateway_id().unwrap_or_default(),
                NatProps {
                    state: state.into(),
                },
            )
        }))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<NatProps, ()>, TaskError> {
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
        Ok(Current::new(nat, self.desired()))
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        _: &Refs,
        current: &Current<NatProps, ()>,
    ) -> Result<Current<NatProps, ()>, TaskError> {
        Self::wait_available(ctx, &current.id).await?;
        Ok(Current::new(&current.id, self.desired()))
    }
}

/// NAT gateways: each holds an address and a network interface in its subnet, and a mapped public
/// address that keeps the internet gateway attached.
#[derive(Debug)]
pub struct NatGatewayKind;

#[async_trait]
impl Kind<AwsContext> for NatGatewayKind {
    fn name(&self) -> &'static str {
        "NatGateway"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &["Subnet", "ElasticIp", "GatewayAttachment"]
    }
    fn discovery(&self) -> Discovery {
        Discovery::Tagged
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&["ec2:DescribeNatGateways"]),
            Grant::new(&["ec2:CreateNatGateway"], GATEWAYS, Scope::Creating),
            Grant::new(
                &["ec2:CreateNatGateway"],
                &["arn:aws:ec2:*:*:subnet/*", "arn:aws:ec2:*:*:elastic-ip/*"],
                Scope::Tagged,
            ),
            Grant::new(
                &["ec2:CreateTags"],
                GATEWAYS,
                Scope::WhileCreating {
                    key: "ec2:CreateAction",
                    creates: &["CreateNatGateway"],
                },
            ),
            Grant::new(&["ec2:DeleteNatGateway"], GATEWAYS, Scope::Tagged),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        let out = read(|| async {
            ctx.ec2
                .describe_nat_gateways()
                .filter(ctx.stack_filter())
                .filter(live_or_deleting())
                .send()
                .await
                .task()
        })
        .await?;
        let gone = |n: &&aws_sdk_ec2::types::NatGateway| {
            matches!(
                n.state(),
                Some(NatGatewayState::Deleted | NatGatewayState::Failed)
            )
        };
        // The emulator ignores the tag filter here, so ownership is checked on each gateway.
        Ok(out
            .nat_gateways()
            .iter()
            .filter(|n| !gone(n) && is_own(n.tags(), &ctx.stack, None))
            .map(|n| found(self.name(), n.tags(), n.nat_gateway_id()))
            .collect())
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        let id = f.physical_id.as_str();
        ignore_gone(
            ctx.ec2
                .delete_nat_gateway()
                .nat_gateway_id(id)
                .send()
                .await
                .task(),
        )?;
        wait_through_transients(&format!("{id} was not deleted"), NAT_GONE, |max| {
            ctx.ec2
                .wait_until_nat_gateway_deleted()
                .nat_gateway_ids(id)
                .wait(max)
        })
        .await
    }
}

//! Discovery of everything a stack owns (by its tags, plus the untagged dependents that block
//! deletion) and the deletion of each kind.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_ec2::client::Waiters;
use aws_sdk_ec2::types::{Filter, NatGatewayState};
use escala_core::task::{Found, Inventory, TaskError};

use crate::context::{filter, is_own, logical_id, AwsContext};
use crate::sdk::{is_not_found, read, wait_through_transients, SdkResultExt};
use escala_core::tags;

/// Deletion waves, first to last. Objects of one wave don't depend on each other.
pub mod wave {
    /// The load balancer (and, next, the Auto Scaling group): they hold network interfaces in
    /// the subnets and use the templates, target groups and security groups below.
    pub const FRONT: u8 = 0;
    /// NAT gateways hold an address and a network interface in a subnet. Launch templates, key
    /// pairs and target groups go here too, free once the front is gone.
    pub const NAT: u8 = 1;
    /// Routes, associations and the gateway attachment: the links between objects.
    pub const ASSOCIATION: u8 = 2;
    /// Route tables and Elastic IPs (free once the NAT gateway is gone).
    pub const ROUTE_TABLE: u8 = 3;
    /// Subnets, the internet gateway and security groups.
    pub const SUBNET: u8 = 4;
    /// The VPC itself, last.
    pub const VPC: u8 = 5;
    /// Attributes and rules that go away with their parent and need no call of their own.
    pub const WITH_PARENT: u8 = ASSOCIATION;
}

/// How long deleting a NAT gateway may take before the run gives up.
const NAT_GONE: Duration = Duration::from_secs(10 * 60);

/// The stack's inventory on EC2.
#[derive(Debug, Default)]
pub struct NetworkInventory;

fn found(kind: &str, tags: &[aws_sdk_ec2::types::Tag], id: Option<&str>, wave: u8) -> Found {
    Found {
        kind: kind.into(),
        logical_id: logical_id(tags),
        physical_id: id.unwrap_or_default().into(),
        parent: None,
        wave,
        detail: BTreeMap::new(),
    }
}

fn dependent(kind: &str, id: String, parent: &str, wave: u8, detail: &[(&str, &str)]) -> Found {
    Found {
        kind: kind.into(),
        logical_id: None,
        physical_id: id,
        parent: Some(parent.into()),
        wave,
        detail: detail
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

#[async_trait]
impl Inventory<AwsContext> for NetworkInventory {
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        let ec2 = &ctx.ec2;
        // One cheap question first: does anything carry the stack's tag? For a new stack (the
        // first apply, a finished destroy) the answer ends discovery in a single small call.
        let any = read(|| async {
            ec2.describe_tags()
                .filters(filter("key", tags::STACK))
                .filters(filter("value", &ctx.stack))
                .max_results(5)
                .send()
                .await
                .task()
        })
        .await?;
        if any.tags().is_empty() {
            return Ok(vec![]);
        }
        let mine: Vec<Filter> = vec![ctx.stack_filter()];
        let f = || Some(mine.clone());
        let (vpcs, subnets, igws, tables, addresses, nats, groups, keys, templates) = tokio::try_join!(
            read(|| async { ec2.describe_vpcs().set_filters(f()).send().await.task() }),
            read(|| async { ec2.describe_subnets().set_filters(f()).send().await.task() }),
            read(|| async {
                ec2.describe_internet_gateways()
                    .set_filters(f())
                    .send()
                    .await
                    .task()
            }),
            read(|| async {
                ec2.describe_route_tables()
                    .set_filters(f())
                    .send()
                    .await
                    .task()
            }),
            read(|| async {
                ec2.describe_addresses()
                    .set_filters(f())
                    .send()
                    .await
                    .task()
            }),
            read(|| async {
                ec2.describe_nat_gateways()
                    .set_filter(f())
                    .filter(crate::network::nat_live_or_deleting())
                    .send()
                    .await
                    .task()
            }),
            read(|| async {
                ec2.describe_security_groups()
                    .set_filters(f())
                    .send()
                    .await
                    .task()
            }),
            read(|| async {
                ec2.describe_key_pairs()
                    .set_filters(f())
                    .send()
                    .await
                    .task()
            }),
            read(|| async {
                ec2.describe_launch_templates()
                    .set_filters(f())
                    .send()
                    .await
                    .task()
            }),
        )?;
        let mut out = Vec::new();
        let deleted = |n: &&aws_sdk_ec2::types::NatGateway| {
            matches!(
                n.state(),
                Some(NatGatewayState::Deleted | NatGatewayState::Failed)
            )
        };
        for n in nats
            .nat_gateways()
            .iter()
            .filter(|n| !deleted(n) && is_own(n.tags(), &ctx.stack, None))
        {
            out.push(found("NatGateway", n.tags(), n.nat_gateway_id(), wave::NAT));
        }
        for t in tables
            .route_tables()
            .iter()
            .filter(|t| is_own(t.tags(), &ctx.stack, None))
        {
            let rt = t.route_table_id().unwrap_or_default();
            out.push(found("RouteTable", t.tags(), Some(rt), wave::ROUTE_TABLE));
            // A default route carries no tag, but the task that makes it has a known id: named so,
            // it is planned for deletion when the Spec drops it (nat: single → none), instead of
            // staying behind as a blackhole.
            let table_id = logical_id(t.tags());
            for r in t.routes().iter().filter(|r| {
                r.gateway_id().is_some_and(|g| g != "local") || r.nat_gateway_id().is_some()
            }) {
                if let (Some(dest), Some(table)) = (r.destination_cidr_block(), &table_id) {
                    let mut route = dependent(
                        "Route",
                        format!("{rt}/{dest}"),
                        rt,
                        wave::ASSOCIATION,
                        &[("routeTable", rt), ("destination", dest)],
                    );
                    route.logical_id = Some(format!("{table}-default"));
                    out.push(route);
                }
            }
            for a in t
                .associations()
                .iter()
                .filter(|a| !a.main().unwrap_or(false))
            {
                if let Some(assoc) = a.route_table_association_id() {
                    out.push(dependent(
                        "RouteTableAssociation",
                        assoc.into(),
                        rt,
                        wave::ASSOCIATION,
                        &[],
                    ));
                }
            }
        }
        for g in igws
            .internet_gateways()
            .iter()
            .filter(|g| is_own(g.tags(), &ctx.stack, None))
        {
            let igw = g.internet_gateway_id().unwrap_or_default();
            out.push(found("InternetGateway", g.tags(), Some(igw), wave::SUBNET));
            for vpc in g.attachments().iter().filter_map(|a| a.vpc_id()) {
                let detail = [("igw", igw), ("vpc", vpc)];
                out.push(dependent(
                    "GatewayAttachment",
                    format!("{igw}/{vpc}"),
                    igw,
                    wave::ASSOCIATION,
                    &detail,
                ));
            }
        }
        for a in addresses
            .addresses()
            .iter()
            .filter(|a| is_own(a.tags(), &ctx.stack, None))
        {
            out.push(found(
                "ElasticIp",
                a.tags(),
                a.allocation_id(),
                wave::ROUTE_TABLE,
            ));
        }
        for s in subnets
            .subnets()
            .iter()
            .filter(|s| is_own(s.tags(), &ctx.stack, None))
        {
            out.push(found("Subnet", s.tags(), s.subnet_id(), wave::SUBNET));
        }
        for v in vpcs
            .vpcs()
            .iter()
            .filter(|v| is_own(v.tags(), &ctx.stack, None))
        {
            out.push(found("Vpc", v.tags(), v.vpc_id(), wave::VPC));
        }
        // A VPC's default group is never tagged by Escala, so only the route's groups are here.
        for g in groups
            .security_groups()
            .iter()
            .filter(|g| is_own(g.tags(), &ctx.stack, None))
        {
            out.push(found("SecurityGroup", g.tags(), g.group_id(), wave::SUBNET));
        }
        // Retried like every other read: a throttled call mustn't fail a whole discovery.
        out.extend(read(|| crate::asg::front(ctx)).await?);
        for k in keys
            .key_pairs()
            .iter()
            .filter(|k| is_own(k.tags(), &ctx.stack, None))
        {
            let mut pair = found("KeyPair", k.tags(), k.key_pair_id(), wave::NAT);
            // Deleted by name: the emulator ignores a delete by id.
            pair.detail
                .insert("name".into(), k.key_name().unwrap_or_default().into());
            out.push(pair);
        }
        for t in templates
            .launch_templates()
            .iter()
            .filter(|t| is_own(t.tags(), &ctx.stack, None))
        {
            out.push(found(
                "LaunchTemplate",
                t.tags(),
                t.launch_template_id(),
                wave::NAT,
            ));
        }
        Ok(out)
    }

    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        let ec2 = &ctx.ec2;
        let id = f.physical_id.as_str();
        let detail = |k: &str| f.detail.get(k).map(String::as_str).unwrap_or_default();
        match f.kind.as_str() {
            "NatGateway" => {
                ignore_gone(
                    ec2.delete_nat_gateway()
                        .nat_gateway_id(id)
                        .send()
                        .await
                        .task(),
                )?;
                wait_through_transients(&format!("{id} was not deleted"), NAT_GONE, |max| {
                    ec2.wait_until_nat_gateway_deleted()
                        .nat_gateway_ids(id)
                        .wait(max)
                })
                .await?;
            }
            "RouteTableAssociation" => {
                ignore_gone(
                    ec2.disassociate_route_table()
                        .association_id(id)
                        .send()
                        .await
                        .task(),
                )?;
            }
            "GatewayAttachment" => {
                let req = ec2
                    .detach_internet_gateway()
                    .internet_gateway_id(detail("igw"))
                    .vpc_id(detail("vpc"));
                ignore_gone(req.send().await.task())?;
            }
            "Route" => {
                let req = ec2
                    .delete_route()
                    .route_table_id(detail("routeTable"))
                    .destination_cidr_block(detail("destination"));
                ignore_gone(req.send().await.task())?;
            }
            "RouteTable" => ignore_gone(
                ec2.delete_route_table()
                    .route_table_id(id)
                    .send()
                    .await
                    .task(),
            )?,
            "ElasticIp" => {
                ignore_gone(ec2.release_address().allocation_id(id).send().await.task())?
            }
            "InternetGateway" => ignore_gone(
                ec2.delete_internet_gateway()
                    .internet_gateway_id(id)
                    .send()
                    .await
                    .task(),
            )?,
            "Subnet" => ignore_gone(ec2.delete_subnet().subnet_id(id).send().await.task())?,
            "LoadBalancer" => crate::asg::delete_load_balancer(ctx, id).await?,
            "AutoScalingGroup" => crate::asg::delete_group(ctx, id).await?,
            "Alarm" => crate::asg::delete_alarm(ctx, id).await?,
            "TargetGroup" => ignore_gone(
                ctx.elb
                    .delete_target_group()
                    .target_group_arn(id)
                    .send()
                    .await
                    .task(),
            )?,
            "KeyPair" => ignore_gone(
                ec2.delete_key_pair()
                    .key_name(detail("name"))
                    .send()
                    .await
                    .task(),
            )?,
            "LaunchTemplate" => ignore_gone(
                ec2.delete_launch_template()
                    .launch_template_id(id)
                    .send()
                    .await
                    .task(),
            )?,
            // A group another group's rule names answers DependencyViolation until that group is
            // gone; the engine retries it within the wave.
            "SecurityGroup" => {
                ignore_gone(ec2.delete_security_group().group_id(id).send().await.task())?
            }
            "Vpc" => ignore_gone(ec2.delete_vpc().vpc_id(id).send().await.task())?,
            // Attributes and default-group rules go away with their VPC or subnet.
            "VpcAttribute" | "SubnetAttribute" | "SecurityGroupRules" => {}
            other => {
                return Err(TaskError::fatal(
                    "UnknownKind",
                    format!("Escala does not know how to delete a {other}"),
                ))
            }
        }
        Ok(())
    }
}

/// Deleting something already gone is success: a crashed destroy re-runs cleanly. The NotFound
/// codes are retryable elsewhere (eventual consistency after create) but final here.
fn ignore_gone<T>(r: Result<T, TaskError>) -> Result<(), TaskError> {
    match r {
        Err(e) if is_not_found(&e.code) => Ok(()),
        Err(e) => Err(e),
        Ok(_) => Ok(()),
    }
}

//! Route tables, their default routes and their subnet associations.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_ec2::types::ResourceType;
use escala_core::task::{Observed, Prop, Refs, Task, TaskError};

use super::{IGW, IGW_ATTACHMENT, VPC};
use crate::context::{is_own, AwsContext};
use crate::inventory::wave;
use crate::sdk::SdkResultExt;

const DEFAULT_ROUTE: &str = "0.0.0.0/0";

/// A route table of the VPC. Its routes and associations are tasks of their own, found through it.
#[derive(Debug)]
pub struct RouteTable {
    pub id: String,
}

#[async_trait]
impl Task<AwsContext> for RouteTable {
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static str {
        "RouteTable"
    }
    fn deps(&self) -> Vec<String> {
        vec![VPC.into()]
    }
    fn wave(&self) -> u8 {
        wave::ROUTE_TABLE
    }
    async fn find(&self, ctx: &AwsContext, _: &Refs) -> Result<Option<Observed>, TaskError> {
        let out = ctx
            .ec2
            .describe_route_tables()
            .set_filters(Some(ctx.own(&self.id)))
            .send()
            .await
            .task()?;
        Ok(out
            .route_tables()
            .iter()
            .find(|o| is_own(o.tags(), &ctx.stack, Some(&self.id)))
            .map(|rt| {
                let mut o = Observed::new(rt.route_table_id().unwrap_or_default());
                for r in rt.routes() {
                    if let (Some(dest), Some(target)) = (
                        r.destination_cidr_block(),
                        r.gateway_id().or(r.nat_gateway_id()),
                    ) {
                        o.outputs.insert(format!("route:{dest}"), target.into());
                    }
                }
                for a in rt.associations() {
                    if let (Some(subnet), Some(assoc)) =
                        (a.subnet_id(), a.route_table_association_id())
                    {
                        o.outputs.insert(format!("assoc:{subnet}"), assoc.into());
                    }
                }
                o
            }))
    }
    async fn create(&self, ctx: &AwsContext, refs: &Refs) -> Result<Observed, TaskError> {
        let out = ctx
            .ec2
            .create_route_table()
            .vpc_id(refs.id(VPC)?)
            .tag_specifications(ctx.tag_spec(ResourceType::RouteTable, &self.id))
            .send()
            .await
            .task()?;
        Ok(Observed::new(
            out.route_table()
                .and_then(|r| r.route_table_id())
                .unwrap_or_default(),
        ))
    }
}

/// One route table, read again by its id (the observed state from planning may predate this run).
async fn describe_table(
    ctx: &AwsContext,
    id: &str,
) -> Result<aws_sdk_ec2::types::RouteTable, TaskError> {
    let out = ctx
        .ec2
        .describe_route_tables()
        .route_table_ids(id)
        .send()
        .await
        .task()?;
    out.route_tables().first().cloned().ok_or_else(|| {
        TaskError::eventual(
            "InvalidRouteTableID.NotFound",
            format!("{id} is not visible yet"),
        )
    })
}

/// Where a default route sends traffic.
#[derive(Debug, Clone)]
pub enum RouteTarget {
    InternetGateway,
    /// The NAT gateway task's logical id.
    NatGateway(String),
}

/// The 0.0.0.0/0 route of a table: through the internet gateway (public) or a NAT gateway (private).
#[derive(Debug)]
pub struct Route {
    id: String,
    table: String,
    target: RouteTarget,
}

impl Route {
    pub fn default_via(table: &str, target: RouteTarget) -> Self {
        Self {
            id: format!("{table}-default"),
            table: table.into(),
            target,
        }
    }

    fn via(&self) -> &'static str {
        match self.target {
            RouteTarget::InternetGateway => "internet-gateway",
            RouteTarget::NatGateway(_) => "nat-gateway",
        }
    }

    fn observed(&self, table: &str, target: &str) -> Observed {
        let via = if target.starts_with("nat-") {
            "nat-gateway"
        } else {
            "internet-gateway"
        };
        let mut o = Observed::new(format!("{table}/{DEFAULT_ROUTE}")).with_prop("via", via);
        o.outputs.insert("routeTable".into(), table.into());
        o.outputs.insert("destination".into(), DEFAULT_ROUTE.into());
        o
    }
}

#[async_trait]
impl Task<AwsContext> for Route {
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static str {
        "Route"
    }
    fn deps(&self) -> Vec<String> {
        match &self.target {
            // The gateway must be attached before a route can use it.
            RouteTarget::InternetGateway => {
                vec![self.table.clone(), IGW.into(), IGW_ATTACHMENT.into()]
            }
            RouteTarget::NatGateway(nat) => vec![self.table.clone(), nat.clone()],
        }
    }
    fn find_deps(&self) -> Vec<String> {
        vec![self.table.clone()]
    }
    fn wave(&self) -> u8 {
        wave::ASSOCIATION
    }
    fn desired(&self) -> BTreeMap<String, Prop> {
        BTreeMap::from([("via".into(), Prop::fixed(self.via()))])
    }
    async fn find(&self, _: &AwsContext, refs: &Refs) -> Result<Option<Observed>, TaskError> {
        let table = refs.get(&self.table).expect("found through its table");
        Ok(table
            .outputs
            .get(&format!("route:{DEFAULT_ROUTE}"))
            .map(|target| self.observed(&table.physical_id, target)))
    }
    async fn create(&self, ctx: &AwsContext, refs: &Refs) -> Result<Observed, TaskError> {
        let table = refs.id(&self.table)?;
        let req = ctx
            .ec2
            .create_route()
            .route_table_id(table)
            .destination_cidr_block(DEFAULT_ROUTE);
        let (req, target) = match &self.target {
            RouteTarget::InternetGateway => {
                let igw = refs.id(IGW)?;
                (req.gateway_id(igw), igw)
            }
            RouteTarget::NatGateway(nat) => {
                let nat = refs.id(nat)?;
                (req.nat_gateway_id(nat), nat)
            }
        };
        match req.send().await.task() {
            Ok(_) => {}
            // An earlier try whose answer was lost made it: fine if it leads where this one would.
            Err(e) if e.code == "RouteAlreadyExists" => {
                let rt = describe_table(ctx, table).await?;
                let existing = rt
                    .routes()
                    .iter()
                    .find(|r| r.destination_cidr_block() == Some(DEFAULT_ROUTE))
                    .and_then(|r| r.gateway_id().or(r.nat_gateway_id()));
                if existing != Some(target) {
                    return Err(TaskError::fatal(
                        e.code,
                        format!(
                            "{table} already routes {DEFAULT_ROUTE} through {}, not {target}",
                            existing.unwrap_or("something else")
                        ),
                    ));
                }
            }
            Err(e) => return Err(e),
        }
        Ok(self.observed(table, target))
    }
}

/// A subnet's association with a route table.
#[derive(Debug)]
pub struct Association {
    id: String,
    table: String,
    subnet: String,
}

impl Association {
    pub fn new(table: &str, subnet: &str) -> Self {
        Self {
            id: format!("{table}-assoc-{subnet}"),
            table: table.into(),
            subnet: subnet.into(),
        }
    }
}

#[async_trait]
impl Task<AwsContext> for Association {
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static str {
        "RouteTableAssociation"
    }
    fn deps(&self) -> Vec<String> {
        vec![self.table.clone(), self.subnet.clone()]
    }
    fn find_deps(&self) -> Vec<String> {
        vec![self.table.clone(), self.subnet.clone()]
    }
    fn wave(&self) -> u8 {
        wave::ASSOCIATION
    }
    async fn find(&self, _: &AwsContext, refs: &Refs) -> Result<Option<Observed>, TaskError> {
        let table = refs.get(&self.table).expect("found through its table");
        let subnet = refs.id(&self.subnet)?;
        Ok(table
            .outputs
            .get(&format!("assoc:{subnet}"))
            .map(|a| Observed::new(a.clone())))
    }
    async fn create(&self, ctx: &AwsContext, refs: &Refs) -> Result<Observed, TaskError> {
        let (table, subnet) = (refs.id(&self.table)?, refs.id(&self.subnet)?);
        let made = ctx
            .ec2
            .associate_route_table()
            .route_table_id(table)
            .subnet_id(subnet)
            .send()
            .await
            .task();
        match made {
            Ok(out) => Ok(Observed::new(out.association_id().unwrap_or_default())),
            // An earlier try whose answer was lost made it: adopt it if it is this table's.
            Err(e) if e.code == "Resource.AlreadyAssociated" => {
                let rt = describe_table(ctx, table).await?;
                rt.associations()
                    .iter()
                    .find(|a| a.subnet_id() == Some(subnet))
                    .and_then(|a| a.route_table_association_id())
                    .map(Observed::new)
                    .ok_or_else(|| {
                        TaskError::fatal(
                            e.code,
                            format!("{subnet} is associated with another route table"),
                        )
                    })
            }
            Err(e) => Err(e),
        }
    }
}

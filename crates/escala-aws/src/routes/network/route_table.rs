//! Route tables, their default routes and their subnet associations.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_ec2::types::ResourceType;
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::task::{Current, Field, Fields, Found, Refs, Resource, TaskError};

use super::ids::{IGW, IGW_ATTACHMENT, VPC};
use crate::context::{found, is_own, logical_id, AwsContext};
use crate::iam::{Grant, Scope};
use crate::sdk::{ignore_gone, read, SdkResultExt};

const DEFAULT_ROUTE: &str = "0.0.0.0/0";
const TABLES: &[&str] = &["arn:aws:ec2:*:*:route-table/*"];

/// What a table's routes and associations are found from, without describing it again.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableOutputs {
    /// Destination → the gateway it goes through.
    pub routes: BTreeMap<String, String>,
    /// Subnet id → its association's id.
    pub associations: BTreeMap<String, String>,
}

impl Fields for TableOutputs {
    fn fields(&self) -> Vec<Field> {
        let entry = |name: &'static str, (k, v): (&String, &String)| Field {
            name,
            value: format!("{k} {v}"),
            mutable: true,
        };
        self.routes
            .iter()
            .map(|e| entry("route", e))
            .chain(self.associations.iter().map(|e| entry("association", e)))
            .collect()
    }
}

/// A route table of the VPC. Its routes and associations are tasks of their own, found through it.
#[derive(Debug)]
pub struct RouteTable {
    pub id: String,
}

#[async_trait]
impl Resource<AwsContext> for RouteTable {
    type Props = ();
    type Outputs = TableOutputs;
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &RouteTableKind
    }
    fn deps(&self) -> Vec<String> {
        vec![VPC.into()]
    }
    fn desired(&self) {}
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<(), TableOutputs>>, TaskError> {
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
                let mut outputs = TableOutputs::default();
                for r in rt.routes() {
                    if let (Some(dest), Some(target)) = (
                        r.destination_cidr_block(),
                        r.gateway_id().or(r.nat_gateway_id()),
                    ) {
                        outputs.routes.insert(dest.into(), target.into());
                    }
                }
                for a in rt.associations() {
                    if let (Some(subnet), Some(assoc)) =
                        (a.subnet_id(), a.route_table_association_id())
                    {
                        outputs.associations.insert(subnet.into(), assoc.into());
                    }
                }
                Current {
                    id: rt.route_table_id().unwrap_or_default().into(),
                    props: (),
                    outputs,
                }
            }))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<(), TableOutputs>, TaskError> {
        let out = ctx
            .ec2
            .create_route_table()
            .vpc_id(refs.id(VPC)?)
            .tag_specifications(ctx.tag_spec(ResourceType::RouteTable, &self.id))
            .send()
            .await
            .task()?;
        Ok(Current {
            id: out
                .route_table()
                .and_then(|r| r.route_table_id())
                .unwrap_or_default()
                .into(),
            props: (),
            outputs: TableOutputs::default(),
        })
    }
}

/// Route tables, with their routes and subnet associations as dependents.
#[derive(Debug)]
pub struct RouteTableKind;

#[async_trait]
impl Kind<AwsContext> for RouteTableKind {
    fn name(&self) -> &'static str {
        "RouteTable"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &["Vpc"]
    }
    fn discovery(&self) -> Discovery {
        Discovery::Tagged
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&["ec2:DescribeRouteTables"]),
            Grant::new(&["ec2:CreateRouteTable"], TABLES, Scope::Creating),
            Grant::new(
                &["ec2:CreateRouteTable"],
                &["arn:aws:ec2:*:*:vpc/*"],
                Scope::Tagged,
            ),
            Grant::new(
                &["ec2:CreateTags"],
                TABLES,
                Scope::WhileCreating {
                    key: "ec2:CreateAction",
                    creates: &["CreateRouteTable"],
                },
            ),
            Grant::new(&["ec2:DeleteRouteTable"], TABLES, Scope::Tagged),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        let out = read(|| async {
            ctx.ec2
                .describe_route_tables()
                .filters(ctx.stack_filter())
                .send()
                .await
                .task()
        })
        .await?;
        let mut all = Vec::new();
        for t in out
            .route_tables()
            .iter()
            .filter(|t| is_own(t.tags(), &ctx.stack, None))
        {
            let rt = t.route_table_id().unwrap_or_default();
            all.push(found(self.name(), t.tags(), Some(rt)));
            // A default route carries no tag, but the task that makes it has a known id: named so,
            // it is planned for deletion when the Spec drops it (nat: single → none), instead of
            // staying behind as a blackhole.
            let table_id = logical_id(t.tags());
            for r in t.routes().iter().filter(|r| {
                r.gateway_id().is_some_and(|g| g != "local") || r.nat_gateway_id().is_some()
            }) {
                if let (Some(dest), Some(table)) = (r.destination_cidr_block(), &table_id) {
                    let mut route = Found::dependent(
                        RouteKind.name(),
                        format!("{rt}/{dest}"),
                        rt,
                        &[("routeTable", rt), ("destination", dest)],
                    );
                    route.logical_id = Some(format!("{table}-default"));
                    all.push(route);
                }
            }
            for a in t
                .associations()
                .iter()
                .filter(|a| !a.main().unwrap_or(false))
            {
                if let Some(assoc) = a.route_table_association_id() {
                    all.push(Found::dependent(AssociationKind.name(), assoc, rt, &[]));
                }
            }
        }
        Ok(all)
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        ignore_gone(
            ctx.ec2
                .delete_route_table()
                .route_table_id(&f.physical_id)
                .send()
                .await
                .task(),
        )
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

fields! {
    /// Where the route leads: a change means a new route.
    pub struct RouteProps {
        via("via", fixed): &'static str,
    }
}

fields! {
    /// What deleting the route needs.
    pub struct RouteOutputs {
        table("routeTable"): String,
        destination("destination"): &'static str,
    }
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

    fn current(table: &str, target: &str) -> Current<RouteProps, RouteOutputs> {
        Current {
            id: format!("{table}/{DEFAULT_ROUTE}"),
            props: RouteProps {
                via: if target.starts_with("nat-") {
                    "nat-gateway"
                } else {
                    "internet-gateway"
                },
            },
            outputs: RouteOutputs {
                table: table.into(),
                destination: DEFAULT_ROUTE,
            },
        }
    }
}

#[async_trait]
impl Resource<AwsContext> for Route {
    type Props = RouteProps;
    type Outputs = RouteOutputs;
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &RouteKind
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
    fn desired(&self) -> RouteProps {
        RouteProps {
            via: match self.target {
                RouteTarget::InternetGateway => "internet-gateway",
                RouteTarget::NatGateway(_) => "nat-gateway",
            },
        }
    }
    async fn find(
        &self,
        _: &AwsContext,
        refs: &Refs,
    ) -> Result<Option<Current<RouteProps, RouteOutputs>>, TaskError> {
        let table: &TableOutputs = refs.outputs(&self.table)?;
        let id = refs.id(&self.table)?;
        Ok(table
            .routes
            .get(DEFAULT_ROUTE)
            .map(|target| Self::current(id, target)))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<RouteProps, RouteOutputs>, TaskError> {
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
        Ok(Self::current(table, target))
    }
}

/// A table's routes: untagged, found with their table.
#[derive(Debug)]
pub struct RouteKind;

#[async_trait]
impl Kind<AwsContext> for RouteKind {
    fn name(&self) -> &'static str {
        "Route"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &["RouteTable"]
    }
    fn discovery(&self) -> Discovery {
        Discovery::WithParent
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[Grant::new(
            &["ec2:CreateRoute", "ec2:DeleteRoute"],
            TABLES,
            Scope::Tagged,
        )];
        GRANTS
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        let detail = |k: &str| f.detail.get(k).map(String::as_str).unwrap_or_default();
        ignore_gone(
            ctx.ec2
                .delete_route()
                .route_table_id(detail("routeTable"))
                .destination_cidr_block(detail("destination"))
                .send()
                .await
                .task(),
        )
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
impl Resource<AwsContext> for Association {
    type Props = ();
    type Outputs = ();
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &AssociationKind
    }
    fn deps(&self) -> Vec<String> {
        vec![self.table.clone(), self.subnet.clone()]
    }
    fn find_deps(&self) -> Vec<String> {
        vec![self.table.clone(), self.subnet.clone()]
    }
    fn desired(&self) {}
    async fn find(
        &self,
        _: &AwsContext,
        refs: &Refs,
    ) -> Result<Option<Current<(), ()>>, TaskError> {
        let table: &TableOutputs = refs.outputs(&self.table)?;
        let subnet = refs.id(&self.subnet)?;
        Ok(table.associations.get(subnet).map(|a| Current::new(a, ())))
    }
    async fn create(&self, ctx: &AwsContext, refs: &Refs) -> Result<Current<(), ()>, TaskError> {
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
            Ok(out) => Ok(Current::new(out.association_id().unwrap_or_default(), ())),
            // An earlier try whose answer was lost made it: adopt it if it is this table's.
            Err(e) if e.code == "Resource.AlreadyAssociated" => {
                let rt = describe_table(ctx, table).await?;
                rt.associations()
                    .iter()
                    .find(|a| a.subnet_id() == Some(subnet))
                    .and_then(|a| a.route_table_association_id())
                    .map(|a| Current::new(a, ()))
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

/// Subnet associations: untagged, found with their table.
#[derive(Debug)]
pub struct AssociationKind;

#[async_trait]
impl Kind<AwsContext> for AssociationKind {
    fn name(&self) -> &'static str {
        "RouteTableAssociation"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &["RouteTable", "Subnet"]
    }
    fn discovery(&self) -> Discovery {
        Discovery::WithParent
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[Grant::new(
            &["ec2:AssociateRouteTable", "ec2:DisassociateRouteTable"],
            &["arn:aws:ec2:*:*:route-table/*", "arn:aws:ec2:*:*:subnet/*"],
            Scope::Tagged,
        )];
        GRANTS
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        ignore_gone(
            ctx.ec2
                .disassociate_route_table()
                .association_id(&f.physical_id)
                .send()
                .await
                .task(),
        )
    }
}

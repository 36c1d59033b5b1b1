//! The stack's security groups: the load balancer's (HTTP from anywhere), and those behind it,
//! each open on one port to one other group only: the instances or tasks to the load balancer's
//! (so they are never reachable around it), Redis to the tasks'.

use async_trait::async_trait;
use aws_sdk_ec2::types::{IpPermission, IpRange, ResourceType, UserIdGroupPair};
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use crate::context::{found, is_own, AwsContext};
use crate::iam::{Grant, Scope};
use crate::routes::network::ids::VPC;
use crate::sdk::{ignore_gone, read, SdkResultExt};

/// The port the load balancer listens on, and the instances serve.
pub const HTTP: u16 = 80;
const GROUPS: &[&str] = &["arn:aws:ec2:*:*:security-group/*"];

fields! {
    /// The group's ingress rules, named independently of AWS ids so the diff is stable.
    pub struct IngressProps {
        ingress("ingress"): String,
    }
}

/// Where traffic may come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Anywhere,
    /// Another of the stack's security groups, by logical id.
    Group(String),
}

/// One TCP port open to one source.
#[derive(Debug)]
pub struct SecurityGroup {
    pub id: String,
    pub description: String,
    pub port: u16,
    pub source: Source,
}

impl SecurityGroup {
    /// The rule as the plan shows it, independent of AWS ids so the diff is stable.
    fn describe(&self) -> String {
        let port = self.port;
        match &self.source {
            Source::Anywhere => format!("tcp/{port} from 0.0.0.0/0"),
            Source::Group(id) => format!("tcp/{port} from {id}"),
        }
    }

    fn permission(&self, refs: &Refs) -> Result<IpPermission, TaskError> {
        let port = i32::from(self.port);
        let p = IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(port)
            .to_port(port);
        Ok(match &self.source {
            Source::Anywhere => p
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
            Source::Group(g) => p
                .user_id_group_pairs(UserIdGroupPair::builder().group_id(refs.id(g)?).build())
                .build(),
        })
    }

    /// The group's ingress rules, named as [`Self::describe`] does when they are Escala's.
    fn rules(group: &aws_sdk_ec2::types::SecurityGroup, refs: &Refs) -> String {
        let mut rules: Vec<String> = Vec::new();
        for p in group.ip_permissions() {
            let port = p.from_port().unwrap_or_default();
            for r in p.ip_ranges() {
                rules.push(format!(
                    "tcp/{port} from {}",
                    r.cidr_ip().unwrap_or_default()
                ));
            }
            for pair in p.user_id_group_pairs() {
                let gid = pair.group_id().unwrap_or_default();
                let name = refs.logical_id_of(gid).unwrap_or(gid);
                rules.push(format!("tcp/{port} from {name}"));
            }
        }
        rules.sort();
        rules.join(", ")
    }

    async fn authorize(&self, ctx: &AwsContext, group: &str, refs: &Refs) -> Result<(), TaskError> {
        let done = ctx
            .ec2
            .authorize_security_group_ingress()
            .group_id(group)
            .ip_permissions(self.permission(refs)?)
            .send()
            .await
            .task();
        match done {
            // A lost answer of an earlier try already added it.
            Err(e) if e.code == "InvalidPermission.Duplicate" => Ok(()),
            other => other.map(|_| ()),
        }
    }
}

#[async_trait]
impl Resource<AwsContext> for SecurityGroup {
    type Props = IngressProps;
    type Outputs = ();
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &SecurityGroupKind
    }
    fn deps(&self) -> Vec<String> {
        let mut d = vec![VPC.to_string()];
        if let Source::Group(g) = &self.source {
            d.push(g.clone());
        }
        d
    }
    /// A rule naming another group is read back by that group's logical id, so it is found first.
    fn find_deps(&self) -> Vec<String> {
        match &self.source {
            Source::Group(g) => vec![g.clone()],
            Source::Anywhere => vec![],
        }
    }
    fn desired(&self) -> IngressProps {
        IngressProps {
            ingress: self.describe(),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Option<Current<IngressProps, ()>>, TaskError> {
        let out = ctx
            .ec2
            .describe_security_groups()
            .set_filters(Some(ctx.own(&self.id)))
            .send()
            .await
            .task()?;
        Ok(out
            .security_groups()
            .iter()
            .find(|g| is_own(g.tags(), &ctx.stack, Some(&self.id)))
            .map(|g| {
                Current::new(
                    g.group_id().unwrap_or_default(),
                    IngressProps {
                        ingress: Self::rules(g, refs),
                    },
                )
            }))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<IngressProps, ()>, TaskError> {
        let out = ctx
            .ec2
            .create_security_group()
            .group_name(format!("{}-{}", ctx.stack, self.id))
            .description(&self.description)
            .vpc_id(refs.id(VPC)?)
            .tag_specifications(ctx.tag_spec(ResourceType::SecurityGroup, &self.id))
            .send()
            .await
            .task()?;
        let group = out.group_id().unwrap_or_default().to_string();
        self.authorize(ctx, &group, refs).await?;
        Ok(Current::new(group, self.desired()))
    }
    /// Replaces the ingress rules with the one the Spec asks for.
    async fn update(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
        current: &Current<IngressProps, ()>,
    ) -> Result<Current<IngressProps, ()>, TaskError> {
        let group = current.id.as_str();
        let out = ctx
            .ec2
            .describe_security_groups()
            .group_ids(group)
            .send()
            .await
            .task()?;
        let existing: Vec<IpPermission> = out
            .security_groups()
            .iter()
            .flat_map(|g| g.ip_permissions().iter().cloned())
            .collect();
        if !existing.is_empty() {
            ctx.ec2
                .revoke_security_group_ingress()
                .group_id(group)
                .set_ip_permissions(Some(existing))
                .send()
                .await
                .task()?;
        }
        self.authorize(ctx, group, refs).await?;
        Ok(Current::new(group, self.desired()))
    }
}

/// The stack's own security groups (never a VPC's default one, which Escala doesn't tag).
#[derive(Debug)]
pub struct SecurityGroupKind;

#[async_trait]
impl Kind<AwsContext> for SecurityGroupKind {
    fn name(&self) -> &'static str {
        "SecurityGroup"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &["Vpc"]
    }
    fn discovery(&self) -> Discovery {
        Discovery::Tagged
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&["ec2:DescribeSecurityGroups"]),
            Grant::new(&["ec2:CreateSecurityGroup"], GROUPS, Scope::Creating),
            Grant::new(
                &["ec2:CreateSecurityGroup"],
                &["arn:aws:ec2:*:*:vpc/*"],
                Scope::Tagged,
            ),
            Grant::new(
                &["ec2:CreateTags"],
                GROUPS,
                Scope::WhileCreating {
                    key: "ec2:CreateAction",
                    creates: &["CreateSecurityGroup"],
                },
            ),
            // Revoking is allowed on any group for the VPC's default one (see the network).
            Grant::new(
                &[
                    "ec2:AuthorizeSecurityGroupIngress",
                    "ec2:DeleteSecurityGroup",
                ],
                GROUPS,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        let out = read(|| async {
            ctx.ec2
                .describe_security_groups()
                .filters(ctx.stack_filter())
                .send()
                .await
                .task()
        })
        .await?;
        Ok(out
            .security_groups()
            .iter()
            .filter(|g| is_own(g.tags(), &ctx.stack, None))
            .map(|g| found(self.name(), g.tags(), g.group_id()))
            .collect())
    }
    /// A group another group's rule names answers DependencyViolation until that group is gone;
    /// the engine retries it meanwhile.
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        ignore_gone(
            ctx.ec2
                .delete_security_group()
                .group_id(&f.physical_id)
                .send()
                .await
                .task(),
        )
    }
}

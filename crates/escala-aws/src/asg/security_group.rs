//! The route's security groups: the load balancer's (HTTP from anywhere) and the instances' (HTTP
//! from the load balancer's group only, so instances are never reachable around it).

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_ec2::types::{IpPermission, IpRange, ResourceType, UserIdGroupPair};
use escala_core::plan::FieldChange;
use escala_core::task::{Observed, Prop, Refs, Task, TaskError};

use crate::context::{is_own, AwsContext};
use crate::inventory::wave;
use crate::network::VPC;
use crate::sdk::SdkResultExt;

const HTTP: i32 = 80;

/// Where HTTP may come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Anywhere,
    /// Another of the stack's security groups, by logical id.
    Group(String),
}

impl Source {
    /// The rule as the plan shows it, independent of AWS ids so the diff is stable.
    fn describe(&self) -> String {
        match self {
            Source::Anywhere => format!("tcp/{HTTP} from 0.0.0.0/0"),
            Source::Group(id) => format!("tcp/{HTTP} from {id}"),
        }
    }
}

#[derive(Debug)]
pub struct SecurityGroup {
    pub id: String,
    pub description: String,
    pub source: Source,
}

impl SecurityGroup {
    fn permission(&self, refs: &Refs) -> Result<IpPermission, TaskError> {
        let p = IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(HTTP)
            .to_port(HTTP);
        Ok(match &self.source {
            Source::Anywhere => p
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
            Source::Group(g) => p
                .user_id_group_pairs(UserIdGroupPair::builder().group_id(refs.id(g)?).build())
                .build(),
        })
    }

    /// The group's ingress rules, named as [`Source::describe`] does when they are Escala's.
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
                let name = refs
                    .0
                    .iter()
                    .find(|(_, o)| o.physical_id == gid)
                    .map(|(id, _)| id.clone())
                    .unwrap_or_else(|| gid.to_string());
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
impl Task<AwsContext> for SecurityGroup {
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static str {
        "SecurityGroup"
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
    fn wave(&self) -> u8 {
        wave::SUBNET
    }
    fn desired(&self) -> BTreeMap<String, Prop> {
        BTreeMap::from([("ingress".into(), Prop::mutable(self.source.describe()))])
    }
    async fn find(&self, ctx: &AwsContext, refs: &Refs) -> Result<Option<Observed>, TaskError> {
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
                Observed::new(g.group_id().unwrap_or_default())
                    .with_prop("ingress", Self::rules(g, refs))
            }))
    }
    async fn create(&self, ctx: &AwsContext, refs: &Refs) -> Result<Observed, TaskError> {
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
        Ok(Observed::new(group).with_prop("ingress", self.source.describe()))
    }
    /// Replaces the ingress rules with the one the Spec asks for.
    async fn update(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
        current: &Observed,
        _: &[FieldChange],
    ) -> Result<Observed, TaskError> {
        let group = current.physical_id.as_str();
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
        Ok(Observed::new(group).with_prop("ingress", self.source.describe()))
    }
}

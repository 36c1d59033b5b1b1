//! The ECS service: the tasks kept running from the task definition, registered by IP in the
//! target group, split between FARGATE and FARGATE_SPOT by the capacity-provider strategy, and
//! rolled back by the deployment circuit breaker when a new revision's tasks don't get healthy.
//! Application Auto Scaling owns its desired count once the service exists.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_ecs::client::Waiters;
use aws_sdk_ecs::types::{
    AssignPublicIp, AwsVpcConfiguration, CapacityProviderStrategyItem, DeploymentCircuitBreaker,
    DeploymentConfiguration, LoadBalancer, NetworkConfiguration, PropagateTags,
    Service as Described,
};
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::routes::fargate::{CapacityProviders, Tasks};
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::cluster::{ecs_owned, ecs_tags};
use super::ids::{
    cluster_name, CLUSTER, CONTAINER, SERVICE, SERVICE_NAME, SG_TASKS, TASK_DEFINITION,
};
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::routes::balancer::ids::{LISTENER, TARGET_GROUP};
use crate::sdk::{read, wait_through_transients, SdkResultExt};

const SERVICES: &[&str] = &["arn:aws:ecs:*:*:service/*/*"];
/// How long a service takes to drain its tasks once scaled to zero.
const DRAIN_WAIT: Duration = Duration::from_secs(15 * 60);

fields! {
    /// Where and how the tasks run: placement is fixed (ECS can't move a service between
    /// subnets' kinds of addressing in place without a new deployment anyway), the rest changes
    /// in place. The desired count is Application Auto Scaling's once running, so it is not
    /// compared: only set at creation.
    pub struct ServiceProps {
        placement("placement", fixed): String,
        strategy("capacityProviders"): String,
        revision("taskDefinition"): String,
        grace("healthCheckGraceSeconds"): i32,
    }
}

#[derive(Debug)]
pub struct Service {
    pub tasks: Tasks,
    pub providers: CapacityProviders,
    pub port: u32,
    /// The subnets' logical ids: private behind NAT, or public with a public IP.
    pub subnets: Vec<String>,
    pub public_ip: bool,
    /// The task definition's revision (see its task), which the running one is compared with.
    pub revision: String,
}

/// A task needs this long to start, pull its image and answer its first health check before
/// the load balancer's verdict counts.
const GRACE_SECONDS: i32 = 60;

impl Service {
    fn placement(&self) -> String {
        let mut subnets = self.subnets.clone();
        subnets.sort();
        format!(
            "{}{}",
            subnets.join(", "),
            if self.public_ip { ", public IP" } else { "" }
        )
    }

    fn strategy(&self) -> Vec<CapacityProviderStrategyItem> {
        let p = &self.providers;
        let mut items = vec![CapacityProviderStrategyItem::builder()
            .capacity_provider("FARGATE")
            .base(p.fargate_base as i32)
            .weight(p.fargate_weight as i32)
            .build()];
        if p.spot_weight > 0 {
            items.push(
                CapacityProviderStrategyItem::builder()
                    .capacity_provider("FARGATE_SPOT")
                    .weight(p.spot_weight as i32)
                    .build(),
            );
        }
        items.into_iter().flatten().collect()
    }

    fn describe_strategy(items: &[CapacityProviderStrategyItem]) -> String {
        items
            .iter()
            .map(|i| {
                format!(
                    "{} base {} weight {}",
                    i.capacity_provider(),
                    i.base(),
                    i.weight()
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn network(&self, refs: &Refs) -> Result<NetworkConfiguration, TaskError> {
        let subnets = self
            .subnets
            .iter()
            .map(|s| refs.id(s).map(str::to_string))
            .collect::<Result<Vec<_>, _>>()?;
        let vpc = AwsVpcConfiguration::builder()
            .set_subnets(Some(subnets))
            .security_groups(refs.id(SG_TASKS)?)
            .assign_public_ip(if self.public_ip {
                AssignPublicIp::Enabled
            } else {
                AssignPublicIp::Disabled
            })
            .build()
            .map_err(|e| TaskError::fatal("BuildError", e.to_string()))?;
        Ok(NetworkConfiguration::builder()
            .awsvpc_configuration(vpc)
            .build())
    }

    fn deployment() -> DeploymentConfiguration {
        DeploymentConfiguration::builder()
            .deployment_circuit_breaker(
                DeploymentCircuitBreaker::builder()
                    .enable(true)
                    .rollback(true)
                    .build(),
            )
            // Never fewer healthy tasks than asked for during a rollout, at most twice as many.
            .minimum_healthy_percent(100)
            .maximum_percent(200)
            .build()
    }
}

/// The stack's service, when it is active. A same-named one of another's would be replaced by
/// CreateService in moto (and refused by AWS), so it is refused here before anything is made.
async fn described(ctx: &AwsContext) -> Result<Option<Described>, TaskError> {
    let out = ctx
        .ecs
        .describe_services()
        .cluster(cluster_name(&ctx.stack))
        .services(SERVICE_NAME)
        .include(aws_sdk_ecs::types::ServiceField::Tags)
        .send()
        .await
        .task();
    let out = match out {
        Err(e) if e.code == "ClusterNotFoundException" => return Ok(None),
        other => other?,
    };
    let Some(s) = out
        .services()
        .iter()
        .find(|s| s.status() != Some("INACTIVE"))
    else {
        return Ok(None);
    };
    if !ecs_owned(ctx, s.tags()) {
        return Err(TaskError::fatal(
            "ServiceNameTaken",
            format!(
                "the cluster '{}' has a service '{SERVICE_NAME}' that isn't this stack's",
                cluster_name(&ctx.stack)
            ),
        ));
    }
    Ok(Some(s.clone()))
}

/// The revision tag of the task definition a service runs.
async fn running_revision(ctx: &AwsContext, s: &Described) -> Result<String, TaskError> {
    let Some(arn) = s.task_definition() else {
        return Ok(String::new());
    };
    let out = ctx
        .ecs
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .task()?;
    Ok(out
        .tags()
        .iter()
        .find(|t| t.key() == Some(escala_core::tags::TEMPLATE))
        .and_then(|t| t.value())
        .unwrap_or_default()
        .into())
}

#[async_trait]
impl Resource<AwsContext> for Service {
    type Props = ServiceProps;
    type Outputs = ();
    fn id(&self) -> &str {
        SERVICE
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &EcsServiceKind
    }
    fn deps(&self) -> Vec<String> {
        let mut d = vec![
            CLUSTER.to_string(),
            TASK_DEFINITION.into(),
            SG_TASKS.into(),
            TARGET_GROUP.into(),
            // A target group takes targets only once a listener forwards to it.
            LISTENER.into(),
        ];
        d.extend(self.subnets.iter().cloned());
        d
    }
    /// Its subnets are read back by their logical ids.
    fn find_deps(&self) -> Vec<String> {
        self.subnets.clone()
    }
    fn desired(&self) -> ServiceProps {
        ServiceProps {
            placement: self.placement(),
            strategy: Self::describe_strategy(&self.strategy()),
            revision: self.revision.clone(),
            grace: GRACE_SECONDS,
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Option<Current<ServiceProps, ()>>, TaskError> {
        let Some(s) = described(ctx).await? else {
            return Ok(None);
        };
        let vpc = s
            .network_configuration()
            .and_then(|n| n.awsvpc_configuration());
        let mut subnets: Vec<&str> = vpc
            .map(|v| {
                v.subnets()
                    .iter()
                    .map(|id| refs.logical_id_of(id).unwrap_or(id))
                    .collect()
            })
            .unwrap_or_default();
        subnets.sort_unstable();
        let public = vpc.and_then(|v| v.assign_public_ip()) == Some(&AssignPublicIp::Enabled);
        let placement = format!(
            "{}{}",
            subnets.join(", "),
            if public { ", public IP" } else { "" }
        );
        // moto leaves the strategy out of its answers (see ../shared/moto-routes.md): then the one
        // given at creation stands.
        let strategy = if s.capacity_provider_strategy().is_empty() && ctx.emulator {
            Self::describe_strategy(&self.strategy())
        } else {
            Self::describe_strategy(s.capacity_provider_strategy())
        };
        Ok(Some(Current::new(
            s.service_arn().unwrap_or_default(),
            ServiceProps {
                placement,
                strategy,
                revision: running_revision(ctx, &s).await?,
                grace: s
                    .health_check_grace_period_seconds()
                    .unwrap_or(GRACE_SECONDS),
            },
        )))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<ServiceProps, ()>, TaskError> {
        let balancer = LoadBalancer::builder()
            .target_group_arn(refs.id(TARGET_GROUP)?)
            .container_name(CONTAINER)
            .container_port(self.port as i32)
            .build();
        let out = ctx
            .ecs
            .create_service()
            .cluster(cluster_name(&ctx.stack))
            .service_name(SERVICE_NAME)
            .task_definition(refs.id(TASK_DEFINITION)?)
            .desired_count(self.tasks.desired as i32)
            .set_capacity_provider_strategy(Some(self.strategy()))
            .network_configuration(self.network(refs)?)
            .load_balancers(balancer)
            .health_check_grace_period_seconds(GRACE_SECONDS)
            .deployment_configuration(Self::deployment())
            .propagate_tags(PropagateTags::Service)
            .enable_ecs_managed_tags(true)
            .set_tags(Some(ecs_tags(ctx, SERVICE)))
            .send()
            .await
            .task()?;
        Ok(Current::new(
            out.service()
                .and_then(|s| s.service_arn())
                .unwrap_or_default(),
            self.desired(),
        ))
    }
    /// Rolls the service onto the new task definition and strategy: ECS starts the new tasks,
    /// waits for them to be healthy, then stops the old ones (or rolls back).
    async fn update(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
        current: &Current<ServiceProps, ()>,
    ) -> Result<Current<ServiceProps, ()>, TaskError> {
        ctx.ecs
            .update_service()
            .cluster(cluster_name(&ctx.stack))
            .service(SERVICE_NAME)
            .task_definition(refs.id(TASK_DEFINITION)?)
            .set_capacity_provider_strategy(Some(self.strategy()))
            .health_check_grace_period_seconds(GRACE_SECONDS)
            .deployment_configuration(Self::deployment())
            // A new strategy takes a new deployment to apply.
            .force_new_deployment(current.props.strategy != self.desired().strategy)
            .send()
            .await
            .task()?;
        Ok(Current::new(current.id.clone(), self.desired()))
    }
}

/// Services: scaled to zero (AWS refuses to delete one with tasks), deleted, and waited for until
/// inactive, so their tasks' network interfaces leave the subnets and security groups, and their
/// targets the target group.
#[derive(Debug)]
pub struct EcsServiceKind;

#[async_trait]
impl Kind<AwsContext> for EcsServiceKind {
    fn name(&self) -> &'static str {
        "EcsService"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &[
            "EcsCluster",
            "TaskDefinition",
            "TargetGroup",
            "SecurityGroup",
            "Subnet",
            "LogGroup",
            "ReplicationGroup",
            "EcrRepository",
        ]
    }
    fn discovery(&self) -> Discovery {
        Discovery::Always
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::new(&["ecs:DescribeServices"], SERVICES, Scope::Reading),
            Grant::new(
                &["ecs:ListTagsForResource"],
                &["arn:aws:ecs:*:*:task-definition/*:*"],
                Scope::Reading,
            ),
            Grant::new(
                &["ecs:CreateService", "ecs:TagResource"],
                SERVICES,
                Scope::Creating,
            ),
            Grant::new(
                &["ecs:UpdateService", "ecs:DeleteService"],
                SERVICES,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        let found = match read(|| described(ctx)).await {
            Err(e) if e.code == "ServiceNameTaken" => None,
            other => other?,
        };
        Ok(found
            .map(|s| {
                let mut f = Found::new(self.name(), Some(SERVICE.into()), SERVICE_NAME);
                f.detail
                    .insert("cluster".into(), s.cluster_arn().unwrap_or_default().into());
                f
            })
            .into_iter()
            .collect())
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        let cluster = f
            .detail
            .get("cluster")
            .cloned()
            .unwrap_or_else(|| cluster_name(&ctx.stack));
        let gone = |e: &TaskError| {
            e.code == "ServiceNotFoundException"
                || e.code == "ServiceNotActiveException"
                || e.code == "ClusterNotFoundException"
        };
        let scaled = ctx
            .ecs
            .update_service()
            .cluster(&cluster)
            .service(&f.physical_id)
            .desired_count(0)
            .send()
            .await
            .task();
        match scaled {
            Err(e) if gone(&e) => return Ok(()),
            other => {
                other?;
            }
        }
        let deleted = ctx
            .ecs
            .delete_service()
            .cluster(&cluster)
            .service(&f.physical_id)
            .send()
            .await
            .task();
        match deleted {
            Err(e) if gone(&e) => return Ok(()),
            other => {
                other?;
            }
        }
        wait_through_transients(
            &format!("the service {} did not stop", f.physical_id),
            DRAIN_WAIT,
            |max| {
                ctx.ecs
                    .wait_until_services_inactive()
                    .cluster(&cluster)
                    .services(&f.physical_id)
                    .wait(max)
            },
        )
        .await
    }
}

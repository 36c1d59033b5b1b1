//! The `fargate` route as tasks: the seed's third case study, its socket.io + Redis chat in
//! containers on ECS Fargate. The image (built by Escala and pushed to its ECR repository), the
//! tasks' log group, the security groups (the tasks open to the load balancer only,
//! Redis to the tasks only), Redis in the private subnets, the load balancer with a sticky `ip`
//! target group, the cluster, the task definition, the service, and Application Auto Scaling's
//! target, policy and schedules. The tasks' roles are the account's, shared by every Fargate stack
//! ([`roles`]).

mod aas;
mod cache_subnet_group;
mod cluster;
mod dashboard;
mod facts;
mod ids;
mod log_group;
mod replication_group;
mod roles;
mod scalable_target;
mod service;
mod service_schedule;
mod service_tracking;
mod task_definition;

pub use crate::routes::container::image::parts as chat_parts;

use std::sync::Arc;

use async_trait::async_trait;
use escala_core::kind::Kind;
use escala_core::network::ResolvedNetwork;
use escala_core::routes::fargate::{FargateSpec, Placement};
use escala_core::routes::Section;
use escala_core::task::Task;
use escala_core::validate::CheckedSpec;

use crate::account::AccountRole;
use crate::context::AwsContext;
use crate::iam::Grant;
use crate::route::{Build, Route, Scaling};
use crate::routes::balancer::ids::SG_ALB;
use crate::routes::balancer::listener::{self, Listener};
use crate::routes::balancer::load_balancer::{self, LoadBalancer};
use crate::routes::balancer::security_group::{self, SecurityGroup, Source, HTTP};
use crate::routes::balancer::target_group::{self, TargetGroup, Targets};
use crate::AwsError;

use crate::routes::container::image::{self, Image};
use crate::routes::container::repository::{self, Repository};
use cache_subnet_group::CacheSubnetGroup;
use cluster::EcsCluster;
use facts::Facts;
use ids::{SG_REDIS, SG_TASKS};
use log_group::LogGroup;
use replication_group::{ReplicationGroup, REDIS_PORT};
use scalable_target::ScalableTarget;
use service::Service;
use service_schedule::ServiceSchedule;
use service_tracking::ServiceTracking;
use task_definition::TaskDefinition;

/// The chat in ECS Fargate tasks behind an Application Load Balancer, with Redis between them.
#[derive(Debug)]
pub struct Fargate;

#[async_trait]
impl Route for Fargate {
    fn name(&self) -> &'static str {
        FargateSpec::NAME
    }
    fn summary(&self) -> &'static str {
        "the chat in ECS Fargate tasks behind a load balancer, with Redis, on the network"
    }
    fn kinds(&self) -> &'static [&'static dyn Kind<AwsContext>] {
        &[
            &repository::RepositoryKind,
            &image::ImageKind,
            &log_group::LogGroupKind,
            &security_group::SecurityGroupKind,
            &cache_subnet_group::CacheSubnetGroupKind,
            &replication_group::ReplicationGroupKind,
            &target_group::TargetGroupKind,
            &load_balancer::LoadBalancerKind,
            &listener::ListenerKind,
            &cluster::EcsClusterKind,
            &task_definition::TaskDefinitionKind,
            &service::EcsServiceKind,
            &scalable_target::ScalableTargetKind,
            &service_tracking::ServiceTrackingKind,
            &service_schedule::ServiceScheduleKind,
        ]
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            // Planning: whether the region offers the Redis node type.
            Grant::reads(&["elasticache:DescribeReservedCacheNodesOfferings"]),
            // Planning finds the account's task roles; the task definition hands them to ECS.
            roles::GRANTS[0],
            roles::GRANTS[1],
            // The dashboard.
            Grant::reads(&[
                "cloudwatch:GetMetricData",
                "application-autoscaling:DescribeScalingActivities",
                "application-autoscaling:DescribeScalableTargets",
            ]),
        ];
        GRANTS
    }
    fn account_roles(&self) -> &'static [AccountRole] {
        &[roles::EXECUTION, roles::TASK]
    }
    fn service_linked_roles(&self) -> &'static [&'static str] {
        &[
            "ecs.amazonaws.com",
            "elasticache.amazonaws.com",
            "elasticloadbalancing.amazonaws.com",
            "ecs.application-autoscaling.amazonaws.com",
        ]
    }
    async fn prepare(&self, ctx: &AwsContext, spec: &CheckedSpec) -> Result<Build, AwsError> {
        let fargate = spec
            .spec()
            .route
            .as_ref()
            .and_then(FargateSpec::of)
            .ok_or_else(|| AwsError::Invalid("the Spec has no fargate route".into()))?
            .clone();
        let facts = facts::look_up(ctx, &fargate).await?;
        Ok(Box::new(move |net| tasks(&fargate, &facts, net)))
    }
    fn scaling(&self) -> Option<&'static dyn Scaling> {
        Some(&dashboard::ServiceScaling)
    }
}

fn subnet_ids(subnets: &[escala_core::network::SubnetPlan]) -> Vec<String> {
    subnets
        .iter()
        .map(|s| format!("subnet-{}", s.logical_id()))
        .collect()
}

fn tasks(f: &FargateSpec, facts: &Facts, net: &ResolvedNetwork) -> Vec<Arc<dyn Task<AwsContext>>> {
    let (subnets, public_ip) = match f.subnets {
        Placement::Private => (subnet_ids(&net.private), false),
        Placement::Public => (subnet_ids(&net.public), true),
    };
    let definition = TaskDefinition {
        cpu: f.cpu,
        memory: f.memory,
        platform: f.platform,
        port: f.port,
        digest: facts.image.digest().to_string(),
        redis: f.redis.nodes().is_some(),
        roles: facts.roles.clone(),
    };
    let revision = definition.revision();
    let mut t: Vec<Arc<dyn Task<AwsContext>>> = vec![
        Arc::new(Repository { spec: f.repository }),
        Arc::new(Image {
            image: facts.image.clone(),
        }),
        Arc::new(LogGroup {
            retention_days: f.log_retention_days,
        }),
        Arc::new(SecurityGroup {
            id: SG_ALB.into(),
            description: "The load balancer: HTTP from anywhere".into(),
            port: HTTP,
            source: Source::Anywhere,
        }),
        Arc::new(SecurityGroup {
            id: SG_TASKS.into(),
            description: "The chat's tasks: their port from the load balancer only".into(),
            port: f.port as u16,
            source: Source::Group(SG_ALB.into()),
        }),
        Arc::new(TargetGroup {
            targets: Targets::Ip,
            port: f.port as u16,
            health_check_path: f.health_check_path.clone(),
            sticky: true,
            deregistration_delay_seconds: Some(f.deregistration_delay_seconds),
        }),
        Arc::new(LoadBalancer {
            subnets: subnet_ids(&net.public),
        }),
        Arc::new(Listener),
        Arc::new(EcsCluster),
        Arc::new(definition),
        Arc::new(Service {
            tasks: f.tasks,
            providers: f.capacity_providers,
            port: f.port,
            subnets,
            public_ip,
            revision,
        }),
        Arc::new(ScalableTarget { tasks: f.tasks }),
    ];
    if let Some(nodes) = f.redis.nodes() {
        // Redis's nodes go where the tasks can reach them and the internet can't.
        let placed = if net.private.is_empty() {
            &net.public
        } else {
            &net.private
        };
        t.push(Arc::new(SecurityGroup {
            id: SG_REDIS.into(),
            description: "The chat's Redis: its port from the tasks only".into(),
            port: REDIS_PORT,
            source: Source::Group(SG_TASKS.into()),
        }));
        t.push(Arc::new(CacheSubnetGroup {
            subnets: subnet_ids(placed),
        }));
        t.push(Arc::new(ReplicationGroup {
            nodes: nodes.clone(),
        }));
    }
    if let Some(tracking) = f.scaling.target_tracking {
        t.push(Arc::new(ServiceTracking { tracking }));
    }
    for action in &f.scaling.scheduled {
        t.push(Arc::new(ServiceSchedule {
            id: ids::schedule(&action.name),
            action: action.clone(),
        }));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use escala_core::spec::Spec;
    use escala_core::validate::{RegionZones, ValidSpec};

    #[test]
    fn every_task_is_of_a_kind_the_route_registers() {
        let yaml = include_str!("../../../../../examples/seed-fargate.yaml");
        let spec = Spec::from_yaml(yaml).unwrap();
        let zones = RegionZones {
            region: "us-east-1".into(),
            zones: vec!["us-east-1a".into(), "us-east-1b".into()],
        };
        let valid = ValidSpec::new(spec, &zones).unwrap_or_else(|e| panic!("{e}"));
        let fargate = valid
            .spec()
            .route
            .as_ref()
            .and_then(FargateSpec::of)
            .unwrap();
        let facts = Facts::for_tests();
        let registered: Vec<&str> = Fargate.kinds().iter().map(|k| k.name()).collect();
        let tasks = tasks(fargate, &facts, valid.network());
        assert_eq!(tasks.len(), 16, "{tasks:?}");
        for t in tasks {
            assert!(
                registered.contains(&t.kind().name()),
                "{} is a {}, which the fargate route doesn't register",
                t.id(),
                t.kind().name()
            );
        }
    }
}

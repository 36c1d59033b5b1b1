//! The `fargate` route as tasks: the seed's third case study, its chat in containers on ECS
//! Fargate. So far: the image's repository, the tasks' log group and their two roles. The network
//! side (security groups, Redis, the load balancer) and ECS itself come next, on this branch.

mod ids;
mod log_group;
mod repository;
mod role;

use std::sync::Arc;

use async_trait::async_trait;
use escala_core::kind::Kind;
use escala_core::routes::fargate::FargateSpec;
use escala_core::routes::Section;
use escala_core::task::Task;
use escala_core::validate::CheckedSpec;

use crate::context::AwsContext;
use crate::iam::Grant;
use crate::route::{Build, Route};
use crate::AwsError;

use log_group::LogGroup;
use repository::Repository;
use role::Role;

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
            &log_group::LogGroupKind,
            &role::RoleKind,
        ]
    }
    fn permissions(&self) -> &'static [Grant] {
        &[]
    }
    async fn prepare(&self, _ctx: &AwsContext, spec: &CheckedSpec) -> Result<Build, AwsError> {
        let fargate = spec
            .spec()
            .route
            .as_ref()
            .and_then(FargateSpec::of)
            .ok_or_else(|| AwsError::Invalid("the Spec has no fargate route".into()))?
            .clone();
        Ok(Box::new(move |_net| tasks(&fargate)))
    }
}

fn tasks(f: &FargateSpec) -> Vec<Arc<dyn Task<AwsContext>>> {
    vec![
        Arc::new(Repository { spec: f.repository }),
        Arc::new(LogGroup {
            retention_days: f.log_retention_days,
        }),
        Arc::new(Role::execution()),
        Arc::new(Role::task()),
    ]
}

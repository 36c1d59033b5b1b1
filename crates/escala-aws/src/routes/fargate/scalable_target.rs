//! The service as Application Auto Scaling's scalable target: its desired count kept between the
//! Spec's minimum and maximum tasks, which the policies and schedules then move.

use async_trait::async_trait;
use aws_sdk_applicationautoscaling::types::{
    ScalableDimension, ScalableTarget as Described, ServiceNamespace,
};
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::routes::fargate::Tasks;
use escala_core::tags;
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::aas::{gone, TARGETS};
use super::ids::{self, service_resource_id, SCALABLE_TARGET, SERVICE, TARGET_POLICY};
use super::service_schedule::ServiceScheduleKind;
use super::service_tracking::{policy_name, ServiceTrackingKind};
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::sdk::{read, SdkResultExt};

fields! {
    pub struct ScalableTargetProps {
        bounds("tasks"): String,
    }
}

fn bounds(min: i32, max: i32) -> String {
    format!("{min} to {max}")
}

#[derive(Debug)]
pub struct ScalableTarget {
    pub tasks: Tasks,
}

/// The service's scalable target, when registered.
pub async fn described(ctx: &AwsContext) -> Result<Option<Described>, TaskError> {
    let out = ctx
        .aas
        .describe_scalable_targets()
        .service_namespace(ServiceNamespace::Ecs)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .resource_ids(service_resource_id(&ctx.stack))
        .send()
        .await
        .task()?;
    Ok(out.scalable_targets().first().cloned())
}

#[async_trait]
impl Resource<AwsContext> for ScalableTarget {
    type Props = ScalableTargetProps;
    type Outputs = ();
    fn id(&self) -> &str {
        SCALABLE_TARGET
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &ScalableTargetKind
    }
    fn deps(&self) -> Vec<String> {
        vec![SERVICE.into()]
    }
    fn desired(&self) -> ScalableTargetProps {
        ScalableTargetProps {
            bounds: bounds(self.tasks.min as i32, self.tasks.max as i32),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<ScalableTargetProps, ()>>, TaskError> {
        Ok(described(ctx).await?.map(|t| {
            Current::new(
                t.resource_id(),
                ScalableTargetProps {
                    bounds: bounds(t.min_capacity(), t.max_capacity()),
                },
            )
        }))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Current<ScalableTargetProps, ()>, TaskError> {
        let tags = tags::for_resource(&ctx.stack, SCALABLE_TARGET)
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ctx.aas
            .register_scalable_target()
            .service_namespace(ServiceNamespace::Ecs)
            .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
            .resource_id(service_resource_id(&ctx.stack))
            .min_capacity(self.tasks.min as i32)
            .max_capacity(self.tasks.max as i32)
            .set_tags(Some(tags))
            .send()
            .await
            .task()?;
        Ok(Current::new(
            service_resource_id(&ctx.stack),
            self.desired(),
        ))
    }
    /// Registering again changes the bounds in place.
    async fn update(
        &self,
        ctx: &AwsContext,
        _: &Refs,
        current: &Current<ScalableTargetProps, ()>,
    ) -> Result<Current<ScalableTargetProps, ()>, TaskError> {
        ctx.aas
            .register_scalable_target()
            .service_namespace(ServiceNamespace::Ecs)
            .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
            .resource_id(&current.id)
            .min_capacity(self.tasks.min as i32)
            .max_capacity(self.tasks.max as i32)
            .send()
            .await
            .task()?;
        Ok(Current::new(current.id.clone(), self.desired()))
    }
}

/// Scalable targets: found by the service's resource id, with their policies and scheduled
/// actions, which AWS deletes with them.
#[derive(Debug)]
pub struct ScalableTargetKind;

#[async_trait]
impl Kind<AwsContext> for ScalableTargetKind {
    fn name(&self) -> &'static str {
        "ScalableTarget"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &["EcsService"]
    }
    fn discovery(&self) -> Discovery {
        Discovery::Always
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&["application-autoscaling:DescribeScalableTargets"]),
            Grant::new(
                &[
                    "application-autoscaling:RegisterScalableTarget",
                    "application-autoscaling:TagResource",
                ],
                TARGETS,
                Scope::Creating,
            ),
            Grant::new(
                &[
                    "application-autoscaling:RegisterScalableTarget",
                    "application-autoscaling:DeregisterScalableTarget",
                ],
                TARGETS,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        let Some(target) = read(|| described(ctx)).await? else {
            return Ok(vec![]);
        };
        let resource = target.resource_id().to_string();
        let (policies, actions) = tokio::try_join!(
            read(|| async {
                ctx.aas
                    .describe_scaling_policies()
                    .service_namespace(ServiceNamespace::Ecs)
                    .resource_id(&resource)
                    .send()
                    .await
                    .task()
            }),
            read(|| async {
                ctx.aas
                    .describe_scheduled_actions()
                    .service_namespace(ServiceNamespace::Ecs)
                    .resource_id(&resource)
                    .send()
                    .await
                    .task()
            }),
        )?;
        let part = |kind: &dyn Kind<AwsContext>, id: &str, logical: String| {
            let mut f = Found::dependent(kind.name(), id, &resource, &[]);
            f.logical_id = Some(logical);
            f
        };
        let mut all = vec![Found::new(
            self.name(),
            Some(SCALABLE_TARGET.into()),
            &resource,
        )];
        let ours = policy_name(&ctx.stack);
        for p in policies.scaling_policies() {
            if p.policy_name() == ours {
                all.push(part(
                    &ServiceTrackingKind,
                    p.policy_name(),
                    TARGET_POLICY.into(),
                ));
            }
        }
        for a in actions.scheduled_actions() {
            let name = a.scheduled_action_name();
            all.push(part(&ServiceScheduleKind, name, ids::schedule(name)));
        }
        Ok(all)
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        gone(
            ctx.aas
                .deregister_scalable_target()
                .service_namespace(ServiceNamespace::Ecs)
                .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
                .resource_id(&f.physical_id)
                .send()
                .await
                .task()
                .map(|_| ()),
        )
    }
}

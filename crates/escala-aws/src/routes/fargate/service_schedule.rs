//! Scheduled changes of the service's bounds (business hours, a known campaign), on a UTC cron.
//! Put idempotently, so create and update are the same call.

use async_trait::async_trait;
use aws_sdk_applicationautoscaling::types::{
    ScalableDimension, ScalableTargetAction, ServiceNamespace,
};
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::routes::fargate::ServiceScheduledAction;
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::aas::{gone, TARGETS};
use super::ids::{service_resource_id, SCALABLE_TARGET};
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::sdk::SdkResultExt;

fields! {
    /// When it fires and the bounds it sets: both change in place.
    pub struct ServiceScheduleProps {
        schedule("schedule"): String,
        tasks("tasks"): String,
    }
}

fn tasks(min: Option<i32>, max: Option<i32>) -> String {
    format!("{} to {}", min.unwrap_or_default(), max.unwrap_or_default())
}

/// A five-field UTC cron (minute hour day-of-month month day-of-week) as Application Auto
/// Scaling writes it: six fields with a year, one of the two days `?`, and weekdays counted from
/// Sunday as 1 (cron counts from 0, and 7 is Sunday too).
pub fn schedule_expression(cron: &str) -> String {
    let f: Vec<&str> = cron.split_whitespace().collect();
    let [minute, hour, dom, month, dow] = f[..] else {
        // Validated as five fields; given as it is otherwise, for AWS to name the problem.
        return format!("cron({cron})");
    };
    let weekday = |d: &str| -> String {
        match d.parse::<u32>() {
            Ok(n) => ((n % 7) + 1).to_string(),
            Err(_) => d.to_string(),
        }
    };
    // Every number in a list or range of days is shifted; names (MON-FRI) are the same.
    let dow: String = dow
        .split(',')
        .map(|part| part.split('-').map(weekday).collect::<Vec<_>>().join("-"))
        .collect::<Vec<_>>()
        .join(",");
    let (dom, dow) = if dow == "*" {
        (dom.to_string(), "?".to_string())
    } else {
        ("?".to_string(), dow)
    };
    format!("cron({minute} {hour} {dom} {month} {dow} *)")
}

#[derive(Debug)]
pub struct ServiceSchedule {
    pub id: String,
    pub action: ServiceScheduledAction,
}

impl ServiceSchedule {
    async fn put(&self, ctx: &AwsContext) -> Result<Current<ServiceScheduleProps, ()>, TaskError> {
        let t = self.action.tasks;
        ctx.aas
            .put_scheduled_action()
            .service_namespace(ServiceNamespace::Ecs)
            .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
            .resource_id(service_resource_id(&ctx.stack))
            .scheduled_action_name(&self.action.name)
            .schedule(schedule_expression(&self.action.cron))
            .timezone("Etc/UTC")
            .scalable_target_action(
                ScalableTargetAction::builder()
                    .min_capacity(t.min as i32)
                    .max_capacity(t.max as i32)
                    .build(),
            )
            .send()
            .await
            .task()?;
        Ok(Current::new(&self.action.name, self.desired()))
    }
}

#[async_trait]
impl Resource<AwsContext> for ServiceSchedule {
    type Props = ServiceScheduleProps;
    type Outputs = ();
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &ServiceScheduleKind
    }
    fn deps(&self) -> Vec<String> {
        vec![SCALABLE_TARGET.into()]
    }
    fn find_deps(&self) -> Vec<String> {
        vec![SCALABLE_TARGET.into()]
    }
    fn desired(&self) -> ServiceScheduleProps {
        let t = self.action.tasks;
        ServiceScheduleProps {
            schedule: schedule_expression(&self.action.cron),
            tasks: tasks(Some(t.min as i32), Some(t.max as i32)),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<ServiceScheduleProps, ()>>, TaskError> {
        let out = ctx
            .aas
            .describe_scheduled_actions()
            .service_namespace(ServiceNamespace::Ecs)
            .resource_id(service_resource_id(&ctx.stack))
            .scheduled_action_names(&self.action.name)
            .send()
            .await
            .task()?;
        Ok(out.scheduled_actions().first().map(|a| {
            let bounds = a.scalable_target_action();
            Current::new(
                a.scheduled_action_name(),
                ServiceScheduleProps {
                    schedule: a.schedule().into(),
                    tasks: tasks(
                        bounds.and_then(|b| b.min_capacity()),
                        bounds.and_then(|b| b.max_capacity()),
                    ),
                },
            )
        }))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Current<ServiceScheduleProps, ()>, TaskError> {
        self.put(ctx).await
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        _: &Refs,
        _: &Current<ServiceScheduleProps, ()>,
    ) -> Result<Current<ServiceScheduleProps, ()>, TaskError> {
        self.put(ctx).await
    }
}

/// The service's scheduled actions: found with its scalable target, and deleted when the Spec
/// drops one.
#[derive(Debug)]
pub struct ServiceScheduleKind;

#[async_trait]
impl Kind<AwsContext> for ServiceScheduleKind {
    fn name(&self) -> &'static str {
        "ServiceScheduledAction"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &["ScalableTarget"]
    }
    fn discovery(&self) -> Discovery {
        Discovery::WithParent
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&["application-autoscaling:DescribeScheduledActions"]),
            Grant::new(
                &[
                    "application-autoscaling:PutScheduledAction",
                    "application-autoscaling:DeleteScheduledAction",
                ],
                TARGETS,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        gone(
            ctx.aas
                .delete_scheduled_action()
                .service_namespace(ServiceNamespace::Ecs)
                .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
                .resource_id(service_resource_id(&ctx.stack))
                .scheduled_action_name(&f.physical_id)
                .send()
                .await
                .task()
                .map(|_| ()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::schedule_expression;

    #[test]
    fn a_unix_cron_becomes_application_auto_scalings() {
        assert_eq!(schedule_expression("0 8 * * *"), "cron(0 8 * * ? *)");
        assert_eq!(schedule_expression("0 8 * * 1-5"), "cron(0 8 ? * 2-6 *)");
        assert_eq!(
            schedule_expression("30 18 * * 0,6"),
            "cron(30 18 ? * 1,7 *)"
        );
        assert_eq!(schedule_expression("0 9 * * 7"), "cron(0 9 ? * 1 *)");
        assert_eq!(
            schedule_expression("0 9 * * MON-FRI"),
            "cron(0 9 ? * MON-FRI *)"
        );
        assert_eq!(schedule_expression("0 0 1 * *"), "cron(0 0 1 * ? *)");
    }
}

//! Scheduled capacity changes (business hours, a known campaign), on a UTC cron. Put
//! idempotently, so create and update are the same call.

use async_trait::async_trait;
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::routes::asg::ScheduledAction;
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::ids::GROUP;
use super::lookup::{gone_with_group, group_name, GROUP_ARNS};
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::sdk::SdkResultExt;

fields! {
    /// When it fires and the size it sets: both change in place.
    pub struct ScheduleProps {
        cron("cron"): String,
        capacity("capacity"): String,
    }
}

fn capacity(min: i32, desired: i32, max: i32) -> String {
    format!("{min} / {desired} / {max}")
}

/// One scheduled action of the group.
#[derive(Debug)]
pub struct Scheduled {
    pub id: String,
    pub action: ScheduledAction,
}

impl Scheduled {
    async fn put(&self, ctx: &AwsContext) -> Result<Current<ScheduleProps, ()>, TaskError> {
        let c = self.action.capacity;
        ctx.autoscaling
            .put_scheduled_update_group_action()
            .auto_scaling_group_name(group_name(&ctx.stack))
            .scheduled_action_name(&self.action.name)
            .recurrence(&self.action.cron)
            .min_size(c.min as i32)
            .desired_capacity(c.desired as i32)
            .max_size(c.max as i32)
            .send()
            .await
            .task()?;
        Ok(Current::new(&self.action.name, self.desired()))
    }
}

#[async_trait]
impl Resource<AwsContext> for Scheduled {
    type Props = ScheduleProps;
    type Outputs = ();
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &ScheduledActionKind
    }
    fn deps(&self) -> Vec<String> {
        vec![GROUP.into()]
    }
    fn find_deps(&self) -> Vec<String> {
        vec![GROUP.into()]
    }
    fn desired(&self) -> ScheduleProps {
        let c = self.action.capacity;
        ScheduleProps {
            cron: self.action.cron.clone(),
            capacity: capacity(c.min as i32, c.desired as i32, c.max as i32),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<ScheduleProps, ()>>, TaskError> {
        let out = ctx
            .autoscaling
            .describe_scheduled_actions()
            .auto_scaling_group_name(group_name(&ctx.stack))
            .scheduled_action_names(&self.action.name)
            .send()
            .await
            .task()?;
        Ok(out.scheduled_update_group_actions().first().map(|a| {
            Current::new(
                a.scheduled_action_name().unwrap_or_default(),
                ScheduleProps {
                    cron: a.recurrence().unwrap_or_default().into(),
                    capacity: capacity(
                        a.min_size().unwrap_or_default(),
                        a.desired_capacity().unwrap_or_default(),
                        a.max_size().unwrap_or_default(),
                    ),
                },
            )
        }))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Current<ScheduleProps, ()>, TaskError> {
        self.put(ctx).await
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        _: &Refs,
        _: &Current<ScheduleProps, ()>,
    ) -> Result<Current<ScheduleProps, ()>, TaskError> {
        self.put(ctx).await
    }
}

/// The group's scheduled actions: found with the group, and deleted when the Spec drops one.
#[derive(Debug)]
pub struct ScheduledActionKind;

#[async_trait]
impl Kind<AwsContext> for ScheduledActionKind {
    fn name(&self) -> &'static str {
        "ScheduledAction"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &["AutoScalingGroup"]
    }
    fn discovery(&self) -> Discovery {
        Discovery::WithParent
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&["autoscaling:DescribeScheduledActions"]),
            Grant::new(
                &[
                    "autoscaling:PutScheduledUpdateGroupAction",
                    "autoscaling:DeleteScheduledAction",
                ],
                GROUP_ARNS,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        gone_with_group(
            ctx.autoscaling
                .delete_scheduled_action()
                .auto_scaling_group_name(group_name(&ctx.stack))
                .scheduled_action_name(&f.physical_id)
                .send()
                .await
                .task(),
        )
    }
}

//! The tasks' CloudWatch Logs group, where the awslogs driver writes, with its retention.

use std::collections::HashMap;

use async_trait::async_trait;
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::tags;
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::ids::{log_group_name, LOG_GROUP};
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::sdk::{ignore_gone, read, SdkResultExt};

const GROUPS: &[&str] = &["arn:aws:logs:*:*:log-group:/ecs/*"];

fields! {
    pub struct LogGroupProps {
        retention_days("retentionDays"): u32,
    }
}

#[derive(Debug)]
pub struct LogGroup {
    pub retention_days: u32,
}

#[async_trait]
impl Resource<AwsContext> for LogGroup {
    type Props = LogGroupProps;
    type Outputs = ();
    fn id(&self) -> &str {
        LOG_GROUP
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &LogGroupKind
    }
    fn deps(&self) -> Vec<String> {
        vec![]
    }
    fn desired(&self) -> LogGroupProps {
        LogGroupProps {
            retention_days: self.retention_days,
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<LogGroupProps, ()>>, TaskError> {
        let name = log_group_name(&ctx.stack);
        let out = ctx
            .logs
            .describe_log_groups()
            .log_group_name_prefix(&name)
            .send()
            .await
            .task()?;
        // A prefix matches longer names too: only the exact one is this stack's.
        let Some(group) = out
            .log_groups()
            .iter()
            .find(|g| g.log_group_name() == Some(name.as_str()))
        else {
            return Ok(None);
        };
        let arn = group.arn().unwrap_or_default().trim_end_matches(":*");
        let tagged = ctx
            .logs
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .task()?;
        let owned = tagged
            .tags()
            .is_some_and(|t| t.get(tags::STACK).map(String::as_str) == Some(ctx.stack.as_str()));
        if !owned {
            return Ok(None);
        }
        Ok(Some(Current::new(
            name,
            LogGroupProps {
                retention_days: group.retention_in_days().unwrap_or_default() as u32,
            },
        )))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Current<LogGroupProps, ()>, TaskError> {
        let name = log_group_name(&ctx.stack);
        let tags: HashMap<String, String> = tags::for_resource(&ctx.stack, LOG_GROUP)
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ctx.logs
            .create_log_group()
            .log_group_name(&name)
            .set_tags(Some(tags))
            .send()
            .await
            .task()?;
        let current = Current::new(name, LogGroupProps { retention_days: 0 });
        self.update(ctx, &Refs::default(), &current).await
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        _: &Refs,
        current: &Current<LogGroupProps, ()>,
    ) -> Result<Current<LogGroupProps, ()>, TaskError> {
        ctx.logs
            .put_retention_policy()
            .log_group_name(&current.id)
            .retention_in_days(self.retention_days as i32)
            .send()
            .await
            .task()?;
        Ok(Current::new(current.id.clone(), self.desired()))
    }
}

/// Log groups, with their streams and events.
#[derive(Debug)]
pub struct LogGroupKind;

#[async_trait]
impl Kind<AwsContext> for LogGroupKind {
    fn name(&self) -> &'static str {
        "LogGroup"
    }
    fn discovery(&self) -> Discovery {
        Discovery::Always
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&["logs:DescribeLogGroups"]),
            Grant::new(&["logs:ListTagsForResource"], GROUPS, Scope::Reading),
            Grant::new(
                &["logs:CreateLogGroup", "logs:TagResource"],
                GROUPS,
                Scope::Creating,
            ),
            Grant::new(
                &["logs:PutRetentionPolicy", "logs:DeleteLogGroup"],
                GROUPS,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        let refs = Refs::default();
        let group = read(|| Resource::find(&LogGroup { retention_days: 0 }, ctx, &refs)).await?;
        Ok(group
            .map(|g| Found::new(self.name(), Some(LOG_GROUP.into()), g.id))
            .into_iter()
            .collect())
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        ignore_gone(
            ctx.logs
                .delete_log_group()
                .log_group_name(&f.physical_id)
                .send()
                .await
                .task()
                .map(|_| ()),
        )
    }
}

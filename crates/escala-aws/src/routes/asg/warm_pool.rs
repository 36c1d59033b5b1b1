//! The warm pool: stopped instances, already booted once, that join the group faster than new
//! ones. Put idempotently, so create and update are the same call.

use async_trait::async_trait;
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::ids::{GROUP, WARM_POOL};
use super::lookup::{gone_with_group, group_name, GROUP_ARNS};
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::sdk::SdkResultExt;

fields! {
    /// How many instances are kept warm: changes in place.
    pub struct WarmPoolProps {
        min_size("minSize"): u32,
    }
}

#[derive(Debug)]
pub struct WarmPool {
    pub min_size: u32,
}

impl WarmPool {
    async fn put(&self, ctx: &AwsContext) -> Result<Current<WarmPoolProps, ()>, TaskError> {
        ctx.autoscaling
            .put_warm_pool()
            .auto_scaling_group_name(group_name(&ctx.stack))
            .min_size(self.min_size as i32)
            .send()
            .await
            .task()?;
        Ok(Current::new(group_name(&ctx.stack), self.desired()))
    }
}

#[async_trait]
impl Resource<AwsContext> for WarmPool {
    type Props = WarmPoolProps;
    type Outputs = ();
    fn id(&self) -> &str {
        WARM_POOL
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &WarmPoolKind
    }
    fn deps(&self) -> Vec<String> {
        vec![GROUP.into()]
    }
    fn find_deps(&self) -> Vec<String> {
        vec![GROUP.into()]
    }
    fn desired(&self) -> WarmPoolProps {
        WarmPoolProps {
            min_size: self.min_size,
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<WarmPoolProps, ()>>, TaskError> {
        let out = ctx
            .autoscaling
            .describe_warm_pool()
            .auto_scaling_group_name(group_name(&ctx.stack))
            .send()
            .await
            .task()?;
        Ok(out.warm_pool_configuration().map(|w| {
            Current::new(
                group_name(&ctx.stack),
                WarmPoolProps {
                    min_size: w.min_size().unwrap_or_default() as u32,
                },
            )
        }))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Current<WarmPoolProps, ()>, TaskError> {
        self.put(ctx).await
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        _: &Refs,
        _: &Current<WarmPoolProps, ()>,
    ) -> Result<Current<WarmPoolProps, ()>, TaskError> {
        self.put(ctx).await
    }
}

/// The group's warm pool: found with the group, and deleted (with its instances) when the Spec
/// drops it.
#[derive(Debug)]
pub struct WarmPoolKind;

#[async_trait]
impl Kind<AwsContext> for WarmPoolKind {
    fn name(&self) -> &'static str {
        "WarmPool"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &["AutoScalingGroup"]
    }
    fn discovery(&self) -> Discovery {
        Discovery::WithParent
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&["autoscaling:DescribeWarmPool"]),
            Grant::new(
                &["autoscaling:PutWarmPool", "autoscaling:DeleteWarmPool"],
                GROUP_ARNS,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn delete(&self, ctx: &AwsContext, _: &Found) -> Result<(), TaskError> {
        gone_with_group(
            ctx.autoscaling
                .delete_warm_pool()
                .auto_scaling_group_name(group_name(&ctx.stack))
                .force_delete(true)
                .send()
                .await
                .task(),
        )
    }
}

//! The HTTP listener that forwards to the target group: found through its load balancer, and
//! gone with it when the stack is destroyed; deleted on its own when it is replaced.

use async_trait::async_trait;
use aws_sdk_elasticloadbalancingv2::types::{Action, ActionTypeEnum, ProtocolEnum};
use escala_core::kind::{Discovery, Kind};
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::elb;
use super::ids::{LISTENER, LOAD_BALANCER, TARGET_GROUP};
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::sdk::{ignore_gone, SdkResultExt};

/// AWS names both listener types for these actions, so a statement must name both.
const LISTENERS: &[&str] = &[
    "arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*",
    "arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*",
];

/// HTTP on port 80.
#[derive(Debug)]
pub struct Listener;

#[async_trait]
impl Resource<AwsContext> for Listener {
    type Props = ();
    type Outputs = ();
    fn id(&self) -> &str {
        LISTENER
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &ListenerKind
    }
    fn deps(&self) -> Vec<String> {
        vec![LOAD_BALANCER.into(), TARGET_GROUP.into()]
    }
    fn find_deps(&self) -> Vec<String> {
        vec![LOAD_BALANCER.into()]
    }
    fn desired(&self) {}
    async fn find(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Option<Current<(), ()>>, TaskError> {
        let out = ctx
            .elb
            .describe_listeners()
            .load_balancer_arn(refs.id(LOAD_BALANCER)?)
            .send()
            .await
            .task()?;
        Ok(out
            .listeners()
            .iter()
            .find(|l| l.port() == Some(80))
            .map(|l| Current::new(l.listener_arn().unwrap_or_default(), ())))
    }
    async fn create(&self, ctx: &AwsContext, refs: &Refs) -> Result<Current<(), ()>, TaskError> {
        let forward = Action::builder()
            .r#type(ActionTypeEnum::Forward)
            .target_group_arn(refs.id(TARGET_GROUP)?)
            .build();
        let out = ctx
            .elb
            .create_listener()
            .load_balancer_arn(refs.id(LOAD_BALANCER)?)
            .protocol(ProtocolEnum::Http)
            .port(80)
            .default_actions(forward)
            .set_tags(Some(elb::tags(ctx, LISTENER)))
            .send()
            .await
            .task()?;
        Ok(Current::new(
            out.listeners()
                .first()
                .and_then(|l| l.listener_arn())
                .unwrap_or_default(),
            (),
        ))
    }
}

/// Listeners: they go away with their load balancer, and a target group can't be deleted while
/// one forwards to it.
#[derive(Debug)]
pub struct ListenerKind;

#[async_trait]
impl Kind<AwsContext> for ListenerKind {
    fn name(&self) -> &'static str {
        "Listener"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &["LoadBalancer", "TargetGroup"]
    }
    fn discovery(&self) -> Discovery {
        Discovery::WithParent
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&["elasticloadbalancing:DescribeListeners"]),
            // The listener is made on the stack's tagged load balancer, tagged itself.
            Grant::new(
                &["elasticloadbalancing:CreateListener"],
                &["arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*"],
                Scope::Tagged,
            ),
            Grant::new(
                &["elasticloadbalancing:AddTags"],
                LISTENERS,
                Scope::WhileCreating {
                    key: "elasticloadbalancing:CreateAction",
                    creates: &["CreateListener"],
                },
            ),
            Grant::new(
                &["elasticloadbalancing:DeleteListener"],
                LISTENERS,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        ignore_gone(
            ctx.elb
                .delete_listener()
                .listener_arn(&f.physical_id)
                .send()
                .await
                .task(),
        )
    }
}

//! The task's two IAM roles, both assumed by ECS tasks: the execution role, which ECS itself uses
//! to pull the image and write the logs (AWS's managed AmazonECSTaskExecutionRolePolicy), and the
//! task role, the chat's own identity, which needs no permission at all.

use async_trait::async_trait;
use aws_sdk_iam::types::Tag;
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::tags;
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::ids::{role_name, EXECUTION_ROLE, ROLE_PATH, TASK_ROLE};
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::sdk::{ignore_gone, read, SdkResultExt};

const ROLES: &[&str] = &["arn:aws:iam::*:role/escala/*"];

/// The managed policy ECS documents for a task execution role.
pub const EXECUTION_POLICY: &str =
    "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

/// Only ECS tasks may assume the roles.
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

fields! {
    pub struct RoleProps {
        name("name", fixed): String,
        /// The managed policy attached, or empty.
        policy("policy"): String,
    }
}

fields! {
    /// What the task definition names the role by.
    pub struct RoleOutputs {
        arn("arn"): String,
    }
}

#[derive(Debug)]
pub struct Role {
    pub logical_id: &'static str,
    pub policy: Option<&'static str>,
}

impl Role {
    pub fn execution() -> Self {
        Self {
            logical_id: EXECUTION_ROLE,
            policy: Some(EXECUTION_POLICY),
        }
    }

    pub fn task() -> Self {
        Self {
            logical_id: TASK_ROLE,
            policy: None,
        }
    }
}

#[async_trait]
impl Resource<AwsContext> for Role {
    type Props = RoleProps;
    type Outputs = RoleOutputs;
    fn id(&self) -> &str {
        self.logical_id
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &RoleKind
    }
    fn deps(&self) -> Vec<String> {
        vec![]
    }
    fn desired(&self) -> RoleProps {
        RoleProps {
            name: String::new(),
            policy: self.policy.unwrap_or_default().to_string(),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<RoleProps, RoleOutputs>>, TaskError> {
        let name = role_name(&ctx.stack, self.logical_id);
        let out = ctx.iam.get_role().role_name(&name).send().await.task();
        let role = match out {
            Err(e) if e.code == "NoSuchEntity" => return Ok(None),
            other => other?,
        };
        let Some(role) = role.role() else {
            return Ok(None);
        };
        let tagged = ctx
            .iam
            .list_role_tags()
            .role_name(&name)
            .send()
            .await
            .task()?;
        if !tagged
            .tags()
            .iter()
            .any(|t| t.key() == tags::STACK && t.value() == ctx.stack)
        {
            return Ok(None);
        }
        let attached = ctx
            .iam
            .list_attached_role_policies()
            .role_name(&name)
            .send()
            .await
            .task()?;
        Ok(Some(Current {
            id: name.clone(),
            props: RoleProps {
                name: String::new(),
                policy: attached
                    .attached_policies()
                    .first()
                    .and_then(|p| p.policy_arn())
                    .unwrap_or_default()
                    .to_string(),
            },
            outputs: RoleOutputs {
                arn: role.arn().to_string(),
            },
        }))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<RoleProps, RoleOutputs>, TaskError> {
        let name = role_name(&ctx.stack, self.logical_id);
        let tags = tags::for_resource(&ctx.stack, self.logical_id)
            .into_iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| TaskError::fatal("InvalidTag", e.to_string()))?;
        let out = ctx
            .iam
            .create_role()
            .role_name(&name)
            .path(ROLE_PATH)
            .assume_role_policy_document(TRUST)
            .description("The chat's ECS tasks (Escala)")
            .set_tags(Some(tags))
            .send()
            .await
            .task()?;
        let arn = out.role().map(|r| r.arn().to_string()).unwrap_or_default();
        let made = Current {
            id: name,
            props: RoleProps {
                name: String::new(),
                policy: String::new(),
            },
            outputs: RoleOutputs { arn },
        };
        self.update(ctx, refs, &made).await
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        _: &Refs,
        current: &Current<RoleProps, RoleOutputs>,
    ) -> Result<Current<RoleProps, RoleOutputs>, TaskError> {
        if let Some(policy) = self.policy.filter(|p| *p != current.props.policy) {
            ctx.iam
                .attach_role_policy()
                .role_name(&current.id)
                .policy_arn(policy)
                .send()
                .await
                .task()?;
        }
        Ok(Current {
            props: self.desired(),
            ..current.clone()
        })
    }
}

/// Roles: deleted once their policies are detached; an ECS task definition may still name one
/// (AWS allows it; the definition is deregistered first anyway).
#[derive(Debug)]
pub struct RoleKind;

#[async_trait]
impl Kind<AwsContext> for RoleKind {
    fn name(&self) -> &'static str {
        "IamRole"
    }
    fn discovery(&self) -> Discovery {
        Discovery::Always
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::new(
                &[
                    "iam:GetRole",
                    "iam:ListRoleTags",
                    "iam:ListAttachedRolePolicies",
                ],
                ROLES,
                Scope::Reading,
            ),
            Grant::new(&["iam:CreateRole", "iam:TagRole"], ROLES, Scope::Creating),
            Grant::new(
                &[
                    "iam:AttachRolePolicy",
                    "iam:DetachRolePolicy",
                    "iam:DeleteRole",
                    // ECS is handed the roles in the task definition.
                    "iam:PassRole",
                ],
                ROLES,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        let refs = Refs::default();
        let mut found = Vec::new();
        for role in [Role::execution(), Role::task()] {
            if let Some(r) = read(|| Resource::find(&role, ctx, &refs)).await? {
                found.push(Found::new(self.name(), Some(role.logical_id.into()), r.id));
            }
        }
        Ok(found)
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        let attached = ctx
            .iam
            .list_attached_role_policies()
            .role_name(&f.physical_id)
            .send()
            .await
            .task();
        let attached = match attached {
            Err(e) if e.code == "NoSuchEntity" => return Ok(()),
            other => other?,
        };
        for policy in attached.attached_policies() {
            ignore_gone(
                ctx.iam
                    .detach_role_policy()
                    .role_name(&f.physical_id)
                    .policy_arn(policy.policy_arn().unwrap_or_default())
                    .send()
                    .await
                    .task()
                    .map(|_| ()),
            )?;
        }
        ignore_gone(
            ctx.iam
                .delete_role()
                .role_name(&f.physical_id)
                .send()
                .await
                .task()
                .map(|_| ()),
        )
    }
}

//! The tasks' two IAM roles, both assumed by ECS tasks and shared by every Fargate stack of the
//! account: the execution role, which ECS itself uses to pull the image and write the logs (AWS's
//! managed AmazonECSTaskExecutionRolePolicy), and the task role, the chat's own identity, which
//! needs no permission at all. Making a role and attaching a policy is permissions management, so
//! the admin makes them with the deploy user ([`crate::account`]); the deploy user only hands them
//! to ECS, and only to ECS.

use crate::account::{self, AccountRole};
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::AwsError;

pub const EXECUTION: AccountRole = AccountRole {
    name: "escala-ecs-task-execution",
    service: TASKS,
    trust: &["sts:AssumeRole"],
    policies: &["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"],
    inline: None,
    description: "ECS pulls Escala's Fargate images and writes their logs with it (Escala)",
};

pub const TASK: AccountRole = AccountRole {
    name: "escala-ecs-task",
    service: TASKS,
    trust: &["sts:AssumeRole"],
    policies: &[],
    inline: None,
    description: "The identity of Escala's Fargate tasks, with no permission (Escala)",
};

const TASKS: &str = "ecs-tasks.amazonaws.com";
const ROLES: &[&str] = &["arn:aws:iam::*:role/escala/escala-ecs-*"];

/// What the deploy user may do with the roles: see them, and pass them to ECS tasks only.
pub const GRANTS: &[Grant] = &[
    Grant::new(&["iam:GetRole"], ROLES, Scope::Reading),
    Grant::new(&["iam:PassRole"], ROLES, Scope::PassedTo { service: TASKS }),
];

/// The roles' ARNs, for the task definition.
#[derive(Debug, Clone)]
pub struct RoleArns {
    pub execution: String,
    pub task: String,
}

/// The roles as the account has them. The sandbox's account is Escala's own, with admin keys:
/// there they are made on first need, as the admin would have. Elsewhere a missing one is an error
/// that says who makes it.
pub async fn look_up(ctx: &AwsContext) -> Result<RoleArns, AwsError> {
    let arn = |role: &'static AccountRole| async move {
        if ctx.sandbox.is_some() {
            return account::ensure(&ctx.iam, role).await;
        }
        account::find(&ctx.iam, role).await?.ok_or_else(|| {
            AwsError::Invalid(format!(
                "the account has no IAM role {}, which Fargate's tasks run with: an admin makes \
                 it once per account with `escala auth create-deploy-user --route fargate` (or \
                 the wizard's Connect step)",
                role.name
            ))
        })
    };
    let (execution, task) = tokio::try_join!(arn(&EXECUTION), arn(&TASK))?;
    Ok(RoleArns { execution, task })
}

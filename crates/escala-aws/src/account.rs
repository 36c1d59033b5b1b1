//! What the admin who makes a deploy user sets up once per account for the routes it deploys, and
//! that a deploy user can't make for itself without permissions management: the services'
//! service-linked roles, and the roles a route's objects are handed (ECS tasks' execution role).
//! They belong to the account, not to a stack: every stack of a route shares them, a teardown
//! leaves them (they cost nothing), and a rollback of the deploy user's creation leaves them too.
//! AWS's own consoles do the same with their `ecsTaskExecutionRole`.

use aws_sdk_iam::Client;

use crate::sdk::api_error;
use crate::AwsError;

/// Where the shared roles live; a deploy user's grants name them under it.
pub const ROLE_PATH: &str = "/escala/";

/// A role that one AWS service assumes on a route's behalf.
#[derive(Debug)]
pub struct AccountRole {
    pub name: &'static str,
    /// The service principal that may assume it (`ecs-tasks.amazonaws.com`).
    pub service: &'static str,
    /// What the service may do with it: `sts:AssumeRole`, and `sts:TagSession` for EKS Pod
    /// Identity, which tags each pod's session with its cluster, namespace and service account.
    pub trust: &'static [&'static str],
    /// The AWS managed policies it holds.
    pub policies: &'static [&'static str],
    /// Its own policy document, for a service AWS has no managed policy for (cluster-autoscaler).
    pub inline: Option<&'static str>,
    pub description: &'static str,
}

/// The name of a role's own policy.
const INLINE_POLICY: &str = "escala";

/// Makes the service-linked roles of these services and these shared roles, those the account
/// lacks (the routes' `service_linked_roles` and `account_roles`).
pub async fn prepare(
    iam: &Client,
    services: &[&str],
    roles: &[&AccountRole],
) -> Result<(), AwsError> {
    for service in services {
        service_linked_role(iam, service).await?;
    }
    for role in roles {
        ensure(iam, role).await?;
    }
    Ok(())
}

/// The role's ARN, when the account has it.
pub async fn find(iam: &Client, role: &AccountRole) -> Result<Option<String>, AwsError> {
    match iam.get_role().role_name(role.name).send().await {
        Ok(out) => Ok(out.role().map(|r| r.arn().to_string())),
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_no_such_entity_exception()) =>
        {
            Ok(None)
        }
        Err(e) => Err(api_error("iam:GetRole", e)),
    }
}

/// The role, made with its trust and policy when the account lacks it; its ARN.
pub async fn ensure(iam: &Client, role: &AccountRole) -> Result<String, AwsError> {
    if let Some(arn) = find(iam, role).await? {
        return Ok(arn);
    }
    let trust = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": role.service},
            "Action": role.trust,
        }],
    });
    let out = match iam
        .create_role()
        .role_name(role.name)
        .path(ROLE_PATH)
        .assume_role_policy_document(trust.to_string())
        .description(role.description)
        .send()
        .await
    {
        Ok(out) => out,
        // Made meanwhile by another apply in the account, which attaches its policies too.
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_entity_already_exists_exception()) =>
        {
            return find(iam, role).await?.ok_or_else(|| {
                AwsError::Invalid(format!(
                    "the IAM role {} exists and can't be read",
                    role.name
                ))
            });
        }
        Err(e) => return Err(api_error("iam:CreateRole", e)),
    };
    for policy in role.policies {
        iam.attach_role_policy()
            .role_name(role.name)
            .policy_arn(*policy)
            .send()
            .await
            .map_err(|e| api_error("iam:AttachRolePolicy", e))?;
    }
    if let Some(document) = role.inline {
        iam.put_role_policy()
            .role_name(role.name)
            .policy_name(INLINE_POLICY)
            .policy_document(document)
            .send()
            .await
            .map_err(|e| api_error("iam:PutRolePolicy", e))?;
    }
    Ok(out.role().map(|r| r.arn().to_string()).unwrap_or_default())
}

/// The service-linked role of `service`, made now if the account has none yet (AWS would make it
/// on first use anyway, with a permission a deploy user doesn't get).
async fn service_linked_role(iam: &Client, service: &str) -> Result<(), AwsError> {
    match iam
        .create_service_linked_role()
        .aws_service_name(service)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) => match api_error("iam:CreateServiceLinkedRole", e) {
            // AWS: "Service role name … has been taken in this account".
            AwsError::Api { code, message, .. }
                if code == "EntityAlreadyExists"
                    || (code == "InvalidInput" && message.contains("has been taken")) =>
            {
                Ok(())
            }
            other => Err(other),
        },
    }
}

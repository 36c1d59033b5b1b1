//! Before an apply or a destroy changes anything: may the credentials in use call every action
//! the change needs? Asked of IAM's policy simulator for the caller's own IAM user, with the
//! stack's tags as the request's context and, for each action, a resource of the types its grant
//! names, so a missing action is reported, with its name, before anything is made or deleted.
//!
//! Only IAM users can be simulated this way. For other principals (an assumed role, SSO), or when
//! the simulator itself can't be asked, the check is skipped and the change goes ahead as it
//! would without it: AWS still refuses what isn't allowed, at the call.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_iam::types::{ContextEntry, ContextKeyTypeEnum, PolicyEvaluationDecisionType};

use crate::context::AwsContext;
use crate::iam::{Grant, Scope, STACK_TAG};
use crate::AwsError;

/// A name in a resource ARN the check makes up: no real object is named.
const PLACEHOLDER: &str = "escala-preflight";

/// A resource of the type `pattern` names, in this region and account.
fn example_arn(pattern: &str, region: &str, account: &str, user: &str) -> String {
    if pattern == "*" {
        return pattern.into();
    }
    let mut parts: Vec<String> = pattern.splitn(6, ':').map(str::to_string).collect();
    if parts.len() == 6 {
        for (i, value) in [(3, region), (4, account)] {
            if parts[i] == "*" {
                parts[i] = value.into();
            }
        }
        parts[5] = parts[5]
            .replace("${aws:username}", user)
            .replace('*', PLACEHOLDER);
    }
    parts.join(":")
}

/// Every action of `grants`, with the example resources its grants name.
fn needs(
    grants: &[Grant],
    region: &str,
    account: &str,
    user: &str,
) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for g in grants {
        for action in g.actions {
            let resources = out.entry(action.to_string()).or_default();
            for pattern in g.resources {
                let arn = example_arn(pattern, region, account, user);
                if !resources.contains(&arn) {
                    resources.push(arn);
                }
            }
        }
    }
    out
}

/// The request context Escala's own calls carry: the stack's tag on what it makes and changes,
/// and which creates tag what.
fn context(ctx: &AwsContext, grants: &[Grant], account: &str, user: &str) -> Vec<ContextEntry> {
    let string = |key: String, values: Vec<String>, kind: ContextKeyTypeEnum| {
        ContextEntry::builder()
            .context_key_name(key)
            .set_context_key_values(Some(values))
            .context_key_type(kind)
            .build()
    };
    let mut lists: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    // Single-valued keys: an ARN a request names, the service a role is passed to.
    let mut single: BTreeMap<&str, String> = BTreeMap::new();
    for g in grants {
        match g.scope {
            Scope::WhileCreating { key, creates } => {
                lists
                    .entry(key)
                    .or_default()
                    .extend(creates.iter().copied());
            }
            Scope::Through { key, arn } => {
                single.insert(key, example_arn(arn, &ctx.region, account, user));
            }
            Scope::PassedTo { service } => {
                single.insert(crate::policy::PASSED_TO, service.to_string());
            }
            Scope::Reading | Scope::Always | Scope::Creating | Scope::Tagged => {}
        }
    }
    let mut entries = vec![
        string(
            format!("aws:RequestTag/{STACK_TAG}"),
            vec![ctx.stack.clone()],
            ContextKeyTypeEnum::String,
        ),
        string(
            format!("aws:ResourceTag/{STACK_TAG}"),
            vec![ctx.stack.clone()],
            ContextKeyTypeEnum::String,
        ),
    ];
    for (key, values) in lists {
        entries.push(string(
            key.into(),
            values.into_iter().map(str::to_string).collect(),
            ContextKeyTypeEnum::StringList,
        ));
    }
    for (key, value) in single {
        entries.push(string(key.into(), vec![value], ContextKeyTypeEnum::String));
    }
    entries
}

/// Checks that the caller may call every action of `grants`. `Err(Denied)` names those it may
/// not; a check that can't be made is skipped.
pub async fn check(ctx: &AwsContext, grants: &[Grant]) -> Result<(), AwsError> {
    if !ctx.checks_permissions {
        return Ok(());
    }
    let Ok(me) = ctx.sts.get_caller_identity().send().await else {
        return Ok(());
    };
    let arn = me.arn().unwrap_or_default().to_string();
    let Some(user) = arn
        .split_once(":user/")
        .map(|(_, path)| path.rsplit('/').next().unwrap_or(path).to_string())
    else {
        tracing::info!(principal = %arn, "not an IAM user: the permission check is skipped");
        return Ok(());
    };
    let account = me.account().unwrap_or_default();
    let needs = needs(grants, &ctx.region, account, &user);
    // Actions that take no resource are simulated against the others' (a `*` grant matches any).
    let resources: BTreeSet<&String> = needs.values().flatten().filter(|r| *r != "*").collect();
    let mut decisions: BTreeMap<String, BTreeMap<String, PolicyEvaluationDecisionType>> =
        BTreeMap::new();
    let mut marker: Option<String> = None;
    loop {
        let answer = ctx
            .iam
            .simulate_principal_policy()
            .policy_source_arn(&arn)
            .set_action_names(Some(needs.keys().cloned().collect()))
            .set_resource_arns(
                (!resources.is_empty()).then(|| resources.iter().map(|r| r.to_string()).collect()),
            )
            .set_context_entries(Some(context(ctx, grants, account, &user)))
            .set_marker(marker.take())
            .send()
            .await;
        let out = match answer {
            Ok(out) => out,
            Err(e) => {
                tracing::info!(error = %crate::sdk::describe(&e), "the policy simulator can't be asked: the permission check is skipped");
                return Ok(());
            }
        };
        for r in out.evaluation_results() {
            let by_resource = decisions
                .entry(r.eval_action_name().to_string())
                .or_default();
            if r.resource_specific_results().is_empty() {
                by_resource.insert(
                    r.eval_resource_name().unwrap_or("*").to_string(),
                    r.eval_decision().clone(),
                );
            }
            for s in r.resource_specific_results() {
                by_resource.insert(
                    s.eval_resource_name().to_string(),
                    s.eval_resource_decision().clone(),
                );
            }
        }
        match out.marker() {
            Some(m) if out.is_truncated() => marker = Some(m.to_string()),
            _ => break,
        }
    }
    // An action is allowed when one of the resources of its own grants is (any resource, for an
    // action granted on `*`).
    let allowed = |action: &str, own: &[String]| {
        decisions.get(action).is_some_and(|by_resource| {
            by_resource.iter().any(|(r, d)| {
                *d == PolicyEvaluationDecisionType::Allowed
                    && (own.contains(r) || own.iter().any(|o| o == "*"))
            })
        })
    };
    let denied: Vec<String> = needs
        .iter()
        .filter(|(action, own)| !allowed(action, own))
        .map(|(action, _)| action.clone())
        .collect();
    if denied.is_empty() {
        Ok(())
    } else {
        Err(AwsError::Denied {
            principal: arn,
            actions: denied,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_resources_fill_in_the_region_the_account_and_the_user() {
        let arn = |p| example_arn(p, "eu-west-1", "123456789012", "deployer");
        assert_eq!(
            arn("arn:aws:ec2:*:*:vpc/*"),
            "arn:aws:ec2:eu-west-1:123456789012:vpc/escala-preflight"
        );
        assert_eq!(
            arn("arn:aws:ssm:*:*:parameter/aws/service/ami-amazon-linux-latest/*"),
            "arn:aws:ssm:eu-west-1:123456789012:parameter/aws/service/ami-amazon-linux-latest/escala-preflight"
        );
        assert_eq!(
            arn("arn:aws:iam::*:user/escala/${aws:username}"),
            "arn:aws:iam::123456789012:user/escala/deployer"
        );
        assert_eq!(arn("*"), "*");
    }
}

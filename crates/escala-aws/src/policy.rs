//! The least-privilege IAM policy Escala generates for a deploy user, instead of the seed's four
//! FullAccess managed policies (EC2, S3, VPC, IAM).
//!
//! It is made from the registry, never from a hand-kept list: the grants of the chosen routes'
//! kinds (the network's always among them), the routes' own (what planning looks up, the
//! dashboard, service-linked roles), and every registered kind's reads, since discovery looks for
//! every kind. Grants with the same scope and resources share a statement. Creates are allowed
//! only when the request tags the new object for a stack, changes only on objects that carry that
//! tag; the documents are split so each stays within IAM's limit for a managed policy.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::iam::{Grant, Scope, STACK_TAG};
use crate::route::Route;
use crate::routes;

/// The condition key that names the service a role is passed to.
pub(crate) const PASSED_TO: &str = "iam:PassedToService";

/// IAM's limit for a managed policy document, whitespace not counted.
pub const MAX_POLICY_CHARS: usize = 6144;

/// The grants a deploy user of `chosen` needs.
pub(crate) fn grants(chosen: &[&'static dyn Route]) -> Vec<Grant> {
    let mut routes: Vec<&dyn Route> = vec![routes::BASE];
    routes.extend(chosen.iter().filter(|r| r.name() != routes::BASE.name()));
    let mut out: Vec<Grant> = Vec::new();
    for route in &routes {
        out.extend(route.permissions());
        for kind in route.kinds() {
            out.extend(kind.permissions());
        }
    }
    for kind in routes::inventory().kinds() {
        out.extend(
            kind.permissions()
                .iter()
                .filter(|g| g.scope == Scope::Reading),
        );
    }
    out
}

/// One statement in the making: its actions, resources, and the values its condition names.
#[derive(Default)]
struct Merged {
    actions: BTreeSet<&'static str>,
    resources: BTreeSet<&'static str>,
    values: BTreeSet<&'static str>,
}

/// What decides whether two grants can share a statement. Under a tag condition they can: IAM
/// checks each action against the resource types it acts on, and the condition against each one,
/// so an action gains nothing from another's resources. Without a condition only grants on the
/// same resources can, or each action would be allowed on the other's.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    scope: Condition,
    condition_key: &'static str,
    resources: Vec<&'static str>,
}

/// A statement's condition, without its values: grants with the same one can share a statement.
/// The order is the statements' order in the policy.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Condition {
    Read,
    Unscoped,
    RequestTagged,
    ResourceTagged,
    CreateAction,
    ThroughArn,
    PassedTo,
}

fn grouping(grant: &Grant) -> (Key, Vec<&'static str>) {
    let (scope, condition_key, values): (Condition, &str, Vec<&'static str>) = match grant.scope {
        Scope::Reading => (Condition::Read, "", vec![]),
        Scope::Always => (Condition::Unscoped, "", vec![]),
        Scope::Creating => (Condition::RequestTagged, "", vec![]),
        Scope::Tagged => (Condition::ResourceTagged, "", vec![]),
        Scope::WhileCreating { key, creates } => (Condition::CreateAction, key, creates.to_vec()),
        Scope::Through { key, arn } => (Condition::ThroughArn, key, vec![arn]),
        Scope::PassedTo { service } => (Condition::PassedTo, PASSED_TO, vec![service]),
    };
    let mut resources = grant.resources.to_vec();
    resources.sort_unstable();
    // A role passed to one service is still only that role: like the unscoped grants, it shares a
    // statement only with grants on the same roles.
    if !matches!(
        scope,
        Condition::Read | Condition::Unscoped | Condition::PassedTo
    ) {
        resources.clear();
    }
    (
        Key {
            scope,
            condition_key,
            resources,
        },
        values,
    )
}

fn statement(n: usize, key: &Key, merged: &Merged) -> Value {
    let (sid, condition) = match key.scope {
        Condition::Read => ("Read", Value::Null),
        Condition::Unscoped => ("Unscoped", Value::Null),
        Condition::RequestTagged => (
            "CreateOnlyTaggedForAStack",
            json!({"Null": {format!("aws:RequestTag/{STACK_TAG}"): "false"}}),
        ),
        Condition::ResourceTagged => (
            "ChangeOnlyWhatEscalaTagged",
            json!({"Null": {format!("aws:ResourceTag/{STACK_TAG}"): "false"}}),
        ),
        Condition::CreateAction => (
            "TagOnlyWhileCreating",
            json!({"StringEquals": {key.condition_key: merged.values}}),
        ),
        Condition::ThroughArn => (
            "OnlyThrough",
            json!({"ArnLike": {key.condition_key: merged.values}}),
        ),
        Condition::PassedTo => (
            "PassOnlyTo",
            json!({"StringEquals": {key.condition_key: merged.values}}),
        ),
    };
    let mut s = json!({
        "Sid": format!("{sid}{n}"),
        "Effect": "Allow",
        "Action": merged.actions,
        "Resource": merged.resources,
    });
    if !condition.is_null() {
        s["Condition"] = condition;
    }
    s
}

/// The statements for `chosen`, in a stable order.
pub fn statements(chosen: &[&'static dyn Route]) -> Vec<Value> {
    let mut merged: BTreeMap<Key, Merged> = BTreeMap::new();
    for grant in grants(chosen) {
        let (key, values) = grouping(&grant);
        let m = merged.entry(key).or_default();
        m.actions.extend(grant.actions);
        m.resources.extend(grant.resources);
        m.values.extend(values);
    }
    merged
        .iter()
        .enumerate()
        .map(|(i, (key, m))| statement(i + 1, key, m))
        .collect()
}

/// The policy documents for `chosen`: the statements, packed in order into as few documents as
/// IAM's size limit allows.
pub fn documents(chosen: &[&'static dyn Route]) -> Vec<Value> {
    let document = |statements: &[Value]| json!({"Version": "2012-10-17", "Statement": statements});
    let mut docs: Vec<Vec<Value>> = vec![Vec::new()];
    for s in statements(chosen) {
        let last = docs.last_mut().expect("never empty");
        last.push(s);
        if document(last).to_string().len() > MAX_POLICY_CHARS && last.len() > 1 {
            let s = last.pop().expect("just pushed");
            docs.push(vec![s]);
        }
    }
    docs.iter().map(|d| document(d)).collect()
}

/// The name deploy users of `chosen` share a group and policies under: the routes on top of the
/// network, or `network` alone.
pub fn key(chosen: &[&'static dyn Route]) -> String {
    let mut names: Vec<&str> = chosen
        .iter()
        .map(|r| r.name())
        .filter(|n| *n != routes::BASE.name())
        .collect();
    names.sort_unstable();
    names.dedup();
    if names.is_empty() {
        routes::BASE.name().to_string()
    } else {
        names.join("-")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actions(docs: &[Value]) -> Vec<String> {
        docs.iter()
            .flat_map(|d| d["Statement"].as_array().unwrap().clone())
            .flat_map(|s| {
                s["Action"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_string())
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    fn statements_of(docs: &[Value]) -> Vec<Value> {
        docs.iter()
            .flat_map(|d| d["Statement"].as_array().unwrap().clone())
            .collect()
    }

    fn route(name: &str) -> &'static dyn Route {
        routes::named(name).unwrap()
    }

    #[test]
    fn every_action_is_named_and_no_service_is_granted_whole() {
        for r in routes::all() {
            let docs = documents(&[r]);
            let actions = actions(&docs);
            assert!(
                actions.iter().all(|a| !a.contains('*')),
                "{}: {actions:?}",
                r.name()
            );
            for d in &docs {
                assert!(
                    d.to_string().len() <= MAX_POLICY_CHARS,
                    "managed policies are capped at 6,144 characters"
                );
            }
        }
    }

    #[test]
    fn the_network_user_reads_every_kind_but_changes_only_the_network() {
        let actions = actions(&documents(&[route("network")]));
        assert!(actions.contains(&"ec2:CreateNatGateway".to_string()));
        assert!(
            actions.contains(&"autoscaling:DescribeAutoScalingGroups".to_string()),
            "discovery reads every kind Escala makes"
        );
        assert!(!actions
            .iter()
            .any(|a| a == "autoscaling:CreateAutoScalingGroup"
                || a == "ec2:CreateSecurityGroup"
                || (a.starts_with("iam:") && a != "iam:SimulatePrincipalPolicy")));
    }

    #[test]
    fn the_fargate_user_makes_no_role_and_passes_the_accounts_only_to_ecs_tasks() {
        let docs = documents(&[route("fargate")]);
        let statements = statements_of(&docs);
        let iam: BTreeSet<&str> = statements
            .iter()
            .flat_map(|s| s["Action"].as_array().unwrap())
            .filter_map(|a| a.as_str())
            .filter(|a| a.starts_with("iam:"))
            .collect();
        assert_eq!(
            iam,
            BTreeSet::from(["iam:GetRole", "iam:PassRole", "iam:SimulatePrincipalPolicy"]),
            "{iam:?}"
        );
        let pass = statements
            .iter()
            .find(|s| s["Action"] == json!(["iam:PassRole"]))
            .unwrap();
        assert_eq!(
            pass["Resource"],
            json!(["arn:aws:iam::*:role/escala/escala-ecs-*"])
        );
        assert_eq!(
            pass["Condition"],
            json!({"StringEquals": {"iam:PassedToService": ["ecs-tasks.amazonaws.com"]}})
        );
    }

    #[test]
    fn creates_require_the_stack_tag_and_changes_require_it_on_the_object() {
        let docs = documents(&[route("asg")]);
        let statements = statements_of(&docs);
        let with = |action: &str| -> Vec<&Value> {
            statements
                .iter()
                .filter(|s| s["Action"].as_array().unwrap().iter().any(|a| a == action))
                .collect()
        };
        for s in with("autoscaling:CreateAutoScalingGroup") {
            assert_eq!(
                s["Condition"]["Null"]["aws:RequestTag/escala:stack"], "false",
                "{s}"
            );
        }
        for s in with("elasticloadbalancing:DeleteLoadBalancer") {
            assert_eq!(
                s["Condition"]["Null"]["aws:ResourceTag/escala:stack"], "false",
                "{s}"
            );
        }
        let tagging = with("ec2:CreateTags");
        assert_eq!(tagging.len(), 1, "{tagging:?}");
        let creates = tagging[0]["Condition"]["StringEquals"]["ec2:CreateAction"]
            .as_array()
            .unwrap();
        assert!(creates.iter().any(|c| c == "CreateLaunchTemplate"));
        assert!(creates.iter().any(|c| c == "RunInstances"));
    }

    #[test]
    fn the_group_and_policies_are_named_for_the_routes_on_top_of_the_network() {
        assert_eq!(key(&[route("network")]), "network");
        assert_eq!(key(&[route("asg"), route("network")]), "asg");
        assert!(!statements(&[route("asg")])
            .iter()
            .any(|s| s.to_string().contains("iam:CreateRole")));
    }
}

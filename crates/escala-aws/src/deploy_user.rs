//! `escala auth create-deploy-user`: what the seed does by hand with four FullAccess policies, done
//! with the least-privilege policies of [`crate::policy`] for the routes the user will deploy. From
//! admin credentials it creates a group with those policies, a user in the group and an access key
//! that goes straight into the OS keyring, after the account's one-time setup for those routes
//! ([`crate::account`]). If any step fails, what this run created or changed is undone, the
//! account's setup aside.

use aws_config::SdkConfig;
use aws_sdk_iam::Client;
use serde::Serialize;

use escala_core::sensitive::Sensitive;

use crate::account::AccountRole;
use crate::credentials::{AccessKey, KeyringStore};
use crate::policy;
use crate::route::Route;
use crate::routes;
use crate::sdk::api_error;
use crate::AwsError;

const PATH: &str = "/escala/";

/// What to create.
#[derive(Debug, Clone)]
pub struct DeployUserRequest {
    pub user_name: String,
    /// The routes the user may provision, by name (the network is always among them).
    pub routes: Vec<String>,
    /// The keyring profile the new keys are saved under.
    pub profile: String,
}

/// What was created. The secret key is not here: it went to the keyring only.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeployUser {
    pub user_name: String,
    pub user_arn: String,
    pub group_name: String,
    /// The first of the group's policies (the others are `…-2`, `…-3`, when the grants needed more
    /// than one document).
    pub policy_arn: String,
    pub policy_arns: Vec<String>,
    pub access_key_id: String,
    pub profile: String,
}

/// IAM user names: 1 to 64 of letters, digits and `+=,.@_-`.
pub fn check_user_name(name: &str) -> Result<(), AwsError> {
    let ok = (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(AwsError::Invalid(format!(
            "'{name}' is not an IAM user name: use 1 to 64 letters, digits or + = , . @ _ -"
        )))
    }
}

/// The registered routes of these names; an unknown one is refused with the known ones listed.
pub fn chosen_routes(names: &[String]) -> Result<Vec<&'static dyn Route>, AwsError> {
    if names.is_empty() {
        return Err(AwsError::Invalid(
            "choose at least one route for the deploy user".into(),
        ));
    }
    names
        .iter()
        .map(|n| {
            routes::named(n).ok_or_else(|| {
                let known: Vec<&str> = routes::all().map(|r| r.name()).collect();
                AwsError::Invalid(format!(
                    "'{n}' is not a route: choose from {}",
                    known.join(", ")
                ))
            })
        })
        .collect()
}

/// Things created or changed so far, undone in reverse on failure.
enum Undo {
    Group(String),
    Policy(String),
    /// A policy given a new default version: the old one is made the default again.
    Version {
        policy: String,
        old: String,
        new: String,
    },
    Attachment {
        group: String,
        policy: String,
    },
    User(String),
    Membership {
        user: String,
        group: String,
    },
    Key {
        user: String,
        key: String,
    },
}

pub async fn create_deploy_user(
    admin: &SdkConfig,
    req: &DeployUserRequest,
    keyring: &KeyringStore,
) -> Result<DeployUser, AwsError> {
    check_user_name(&req.user_name)?;
    let chosen = chosen_routes(&req.routes)?;
    let iam = Client::new(admin);
    let mut undo = Vec::new();
    match steps(&iam, admin, req, &chosen, keyring, &mut undo).await {
        Ok(user) => Ok(user),
        Err(e) => {
            rollback(&iam, undo).await;
            Err(e)
        }
    }
}

async fn steps(
    iam: &Client,
    admin: &SdkConfig,
    req: &DeployUserRequest,
    chosen: &[&'static dyn Route],
    keyring: &KeyringStore,
    undo: &mut Vec<Undo>,
) -> Result<DeployUser, AwsError> {
    let key = policy::key(chosen);
    let group = format!("escala-deployers-{key}");
    let account = crate::credentials::who_am_i(admin, "admin").await?.account;
    // Collected first: a future held across the awaits must not borrow the routes' closures.
    let services: Vec<&str> = chosen
        .iter()
        .flat_map(|r| r.service_linked_roles().iter().copied())
        .collect();
    let roles: Vec<&AccountRole> = chosen.iter().flat_map(|r| r.account_roles()).collect();
    crate::account::prepare(iam, &services, &roles).await?;

    // The group and policies are shared by every deploy user of these routes: reuse them, with
    // the documents this version of Escala generates.
    let new_group = match iam.get_group().group_name(&group).send().await {
        Ok(_) => false,
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_no_such_entity_exception()) =>
        {
            true
        }
        Err(e) => return Err(api_error("iam:GetGroup", e)),
    };
    if new_group {
        iam.create_group()
            .group_name(&group)
            .path(PATH)
            .send()
            .await
            .map_err(|e| api_error("iam:CreateGroup", e))?;
        undo.push(Undo::Group(group.clone()));
    }
    let mut policy_arns = Vec::new();
    for (i, document) in policy::documents(chosen).iter().enumerate() {
        let name = match i {
            0 => format!("escala-{key}-deploy"),
            n => format!("escala-{key}-deploy-{}", n + 1),
        };
        let arn = format!("arn:aws:iam::{account}:policy{PATH}{name}");
        let created = ensure_policy(iam, &name, &arn, &key, &document.to_string(), undo).await?;
        iam.attach_group_policy()
            .group_name(&group)
            .policy_arn(&arn)
            .send()
            .await
            .map_err(|e| api_error("iam:AttachGroupPolicy", e))?;
        // An existing group may have had this policy attached already: that stays.
        if new_group || created {
            undo.push(Undo::Attachment {
                group: group.clone(),
                policy: arn.clone(),
            });
        }
        policy_arns.push(arn);
    }

    let user = iam
        .create_user()
        .user_name(&req.user_name)
        .path(PATH)
        .send()
        .await
        .map_err(|e| match api_error("iam:CreateUser", e) {
            AwsError::Api { code, .. } if code == "EntityAlreadyExists" => {
                AwsError::Invalid(format!(
                    "an IAM user named '{}' already exists; choose another name with --user",
                    req.user_name
                ))
            }
            other => other,
        })?;
    undo.push(Undo::User(req.user_name.clone()));
    let user_arn = user.user().map(|u| u.arn().to_string()).unwrap_or_default();
    iam.add_user_to_group()
        .user_name(&req.user_name)
        .group_name(&group)
        .send()
        .await
        .map_err(|e| api_error("iam:AddUserToGroup", e))?;
    undo.push(Undo::Membership {
        user: req.user_name.clone(),
        group: group.clone(),
    });

    let key = iam
        .create_access_key()
        .user_name(&req.user_name)
        .send()
        .await
        .map_err(|e| api_error("iam:CreateAccessKey", e))?;
    let key = key
        .access_key()
        .ok_or_else(|| AwsError::Invalid("IAM returned no access key".into()))?;
    let access_key_id = key.access_key_id().to_string();
    undo.push(Undo::Key {
        user: req.user_name.clone(),
        key: access_key_id.clone(),
    });
    let secret = Sensitive::new(key.secret_access_key().to_string());
    keyring.save(
        &req.profile,
        &AccessKey {
            access_key_id: access_key_id.clone(),
            secret_access_key: secret,
        },
    )?;

    Ok(DeployUser {
        user_name: req.user_name.clone(),
        user_arn,
        group_name: group,
        policy_arn: policy_arns[0].clone(),
        policy_arns,
        access_key_id,
        profile: req.profile.clone(),
    })
}

/// The policy `arn` with `document` as its default version: created (true), or given a new
/// version when an older Escala wrote another document.
async fn ensure_policy(
    iam: &Client,
    name: &str,
    arn: &str,
    key: &str,
    document: &str,
    undo: &mut Vec<Undo>,
) -> Result<bool, AwsError> {
    let existing = match iam.get_policy().policy_arn(arn).send().await {
        Ok(out) => out
            .policy()
            .and_then(|p| p.default_version_id().map(str::to_string)),
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_no_such_entity_exception()) =>
        {
            None
        }
        Err(e) => return Err(api_error("iam:GetPolicy", e)),
    };
    let Some(old) = existing else {
        iam.create_policy()
            .policy_name(name)
            .path(PATH)
            .description(format!(
                "Least privilege for Escala's {key} deploy user, generated by Escala"
            ))
            .policy_document(document)
            .send()
            .await
            .map_err(|e| api_error("iam:CreatePolicy", e))?;
        undo.push(Undo::Policy(arn.into()));
        return Ok(true);
    };
    let current = iam
        .get_policy_version()
        .policy_arn(arn)
        .version_id(&old)
        .send()
        .await
        .map_err(|e| api_error("iam:GetPolicyVersion", e))?;
    let same = current
        .policy_version()
        .and_then(|v| v.document())
        .and_then(decode_document)
        .is_some_and(|d| Some(d) == serde_json::from_str::<serde_json::Value>(document).ok());
    if same {
        return Ok(false);
    }
    // IAM keeps at most five versions: the oldest that isn't the default makes room.
    let versions = iam
        .list_policy_versions()
        .policy_arn(arn)
        .send()
        .await
        .map_err(|e| api_error("iam:ListPolicyVersions", e))?;
    if versions.versions().len() >= 5 {
        if let Some(oldest) = versions
            .versions()
            .iter()
            .filter(|v| !v.is_default_version())
            .min_by_key(|v| v.create_date().map(|d| d.secs()))
            .and_then(|v| v.version_id())
        {
            iam.delete_policy_version()
                .policy_arn(arn)
                .version_id(oldest)
                .send()
                .await
                .map_err(|e| api_error("iam:DeletePolicyVersion", e))?;
        }
    }
    let made = iam
        .create_policy_version()
        .policy_arn(arn)
        .policy_document(document)
        .set_as_default(true)
        .send()
        .await
        .map_err(|e| api_error("iam:CreatePolicyVersion", e))?;
    undo.push(Undo::Version {
        policy: arn.into(),
        old,
        new: made
            .policy_version()
            .and_then(|v| v.version_id())
            .unwrap_or_default()
            .into(),
    });
    Ok(false)
}

/// A policy version's document, which IAM returns URL-encoded.
pub fn decode_document(encoded: &str) -> Option<serde_json::Value> {
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut it = encoded.bytes();
    while let Some(b) = it.next() {
        match b {
            b'%' => {
                let hex = [it.next()?, it.next()?];
                bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
            }
            b'+' => bytes.push(b' '),
            b => bytes.push(b),
        }
    }
    serde_json::from_slice(&bytes)
        .ok()
        .or_else(|| serde_json::from_str(encoded).ok())
}

async fn rollback(iam: &Client, undo: Vec<Undo>) {
    for step in undo.into_iter().rev() {
        // Best effort: the original error is what the user needs to see.
        let _ = match step {
            Undo::Key { user, key } => iam
                .delete_access_key()
                .user_name(user)
                .access_key_id(key)
                .send()
                .await
                .map(|_| ())
                .map_err(|_| ()),
            Undo::Membership { user, group } => iam
                .remove_user_from_group()
                .user_name(user)
                .group_name(group)
                .send()
                .await
                .map(|_| ())
                .map_err(|_| ()),
            Undo::User(user) => iam
                .delete_user()
                .user_name(user)
                .send()
                .await
                .map(|_| ())
                .map_err(|_| ()),
            Undo::Attachment { group, policy } => iam
                .detach_group_policy()
                .group_name(group)
                .policy_arn(policy)
                .send()
                .await
                .map(|_| ())
                .map_err(|_| ()),
            Undo::Version { policy, old, new } => {
                let restored = iam
                    .set_default_policy_version()
                    .policy_arn(&policy)
                    .version_id(old)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|_| ());
                let _ = iam
                    .delete_policy_version()
                    .policy_arn(policy)
                    .version_id(new)
                    .send()
                    .await;
                restored
            }
            Undo::Policy(arn) => iam
                .delete_policy()
                .policy_arn(arn)
                .send()
                .await
                .map(|_| ())
                .map_err(|_| ()),
            Undo::Group(group) => iam
                .delete_group()
                .group_name(group)
                .send()
                .await
                .map(|_| ())
                .map_err(|_| ()),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_document_is_read_back_however_iam_encodes_it() {
        let doc = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A b","Effect":"Allow"}]}"#;
        let want: serde_json::Value = serde_json::from_str(doc).unwrap();
        assert_eq!(decode_document(doc), Some(want.clone()));
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Sid%22%3A%22A%20b%22%2C%22Effect%22%3A%22Allow%22%7D%5D%7D";
        assert_eq!(decode_document(encoded), Some(want));
    }

    #[test]
    fn only_registered_routes_are_chosen() {
        assert_eq!(chosen_routes(&["asg".into()]).unwrap()[0].name(), "asg");
        let err = chosen_routes(&["gke".into()]).unwrap_err().to_string();
        assert!(
            err.contains("'gke' is not a route: choose from network, asg"),
            "{err}"
        );
        assert!(chosen_routes(&[]).is_err());
    }
}

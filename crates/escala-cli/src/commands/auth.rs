//! `escala auth login|status|logout|create-deploy-user`.

use std::io::Read;

use serde_json::json;

use escala_aws::connect::{sdk_config, CredentialSource};
use escala_aws::credentials::{self, AccessKey};
use escala_aws::deploy_user::DeployUserRequest;
use escala_core::sensitive::Sensitive;

use crate::args::Auth;
use crate::context::{profile, Ctx};
use crate::error::CliError;

/// STS answers in every region; this one is only where the identity call is signed for.
const STS_REGION: &str = "us-east-1";

pub async fn run(ctx: &Ctx, command: Auth) -> Result<(), CliError> {
    match command {
        Auth::Login {
            access_key_id,
            secret_stdin,
        } => login(ctx, access_key_id, secret_stdin).await,
        Auth::Status => status(ctx).await,
        Auth::Logout => {
            let profile = profile(ctx);
            let removed = ctx.keyring().delete(&profile)?;
            if ctx.json() {
                println!("{}", json!({"profile": profile, "removed": removed}));
            } else if removed {
                println!("Removed the keys of profile '{profile}' from the OS keyring.");
            } else {
                println!("No keys were saved for profile '{profile}'.");
            }
            Ok(())
        }
        Auth::Policy { route } => {
            let routes = escala_aws::deploy_user::chosen_routes(&route)?;
            let documents = escala_aws::policy::documents(&routes);
            if ctx.json() {
                println!("{}", json!({"policies": documents}));
            } else {
                for (i, d) in documents.iter().enumerate() {
                    let pretty = serde_json::to_string_pretty(d).expect("a policy serializes");
                    println!("# policy {} of {}\n{pretty}", i + 1, documents.len());
                }
            }
            Ok(())
        }
        Auth::CreateDeployUser {
            route,
            user,
            save_as,
        } => deploy_user(ctx, route, user, save_as).await,
    }
}

async fn login(
    ctx: &Ctx,
    access_key_id: Option<String>,
    secret_stdin: bool,
) -> Result<(), CliError> {
    let access_key_id = match access_key_id {
        Some(id) => id,
        None => prompt("Access key id: ")?,
    };
    let secret = Sensitive::new(if secret_stdin {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| CliError::Invalid(format!("reading the secret from stdin: {e}")))?;
        s.trim().to_string()
    } else {
        rpassword::prompt_password("Secret access key (hidden): ")
            .map_err(|e| CliError::Invalid(format!("reading the secret: {e}")))?
    });
    if access_key_id.trim().is_empty() || secret.expose().is_empty() {
        return Err(CliError::Invalid(
            "both the access key id and the secret access key are needed".into(),
        ));
    }
    let key = AccessKey {
        access_key_id: access_key_id.trim().to_string(),
        secret_access_key: secret,
    };
    let profile = profile(ctx);
    let identity =
        credentials::verify(&key, ctx.global.endpoint_url.as_deref(), STS_REGION).await?;
    ctx.keyring().save(&profile, &key)?;
    if ctx.json() {
        println!("{}", json!({"profile": profile, "identity": identity}));
    } else {
        println!(
            "Saved in the OS keyring as profile '{profile}': account {}, {}.",
            identity.account, identity.arn
        );
    }
    Ok(())
}

fn prompt(label: &str) -> Result<String, CliError> {
    use std::io::Write;
    eprint!("{label}");
    std::io::stderr().flush().ok();
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| CliError::Invalid(format!("reading {label}: {e}")))?;
    Ok(line.trim().to_string())
}

async fn status(ctx: &Ctx) -> Result<(), CliError> {
    let target = ctx.target()?;
    let config = sdk_config(&target, STS_REGION, ctx.keyring()).await?;
    let identity = credentials::who_am_i(&config, &target.credentials.describe()).await?;
    if ctx.json() {
        println!(
            "{}",
            json!({"identity": identity, "endpoint": target.endpoint})
        );
    } else {
        println!(
            "Account: {}\nARN:     {}\nSource:  {}",
            identity.account, identity.arn, identity.source
        );
        if let Some(e) = &target.endpoint {
            println!("Endpoint: {e}");
        }
    }
    Ok(())
}

async fn deploy_user(
    ctx: &Ctx,
    routes: Vec<String>,
    user: String,
    save_as: String,
) -> Result<(), CliError> {
    let target = ctx.target()?;
    if target.credentials == CredentialSource::Keyring(save_as.clone()) {
        return Err(CliError::Invalid(format!(
            "the admin keys in use are saved as profile '{save_as}'; save the deploy user's keys under another name with --save-as"
        )));
    }
    let request = DeployUserRequest {
        user_name: user,
        routes,
        profile: save_as,
    };
    let created = ctx.stacks.create_deploy_user(&target, &request).await?;
    if ctx.json() {
        println!("{}", json!({"deployUser": created}));
    } else {
        println!(
            "Created IAM user {} in group {} with policy {}.\nIts access key {} is saved in the OS keyring as profile '{}'.",
            created.user_arn, created.group_name, created.policy_arn, created.access_key_id, created.profile
        );
    }
    Ok(())
}

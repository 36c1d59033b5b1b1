//! `escala kube config` and `escala kube token`: a Kubernetes stack's kubeconfig, whose user is
//! this very program, and the token kubectl asks it for.

use std::path::PathBuf;

use escala_aws::routes::kubernetes::access::Plugin;
use serde_json::json;

use crate::args::KubeCommand;
use crate::context::Ctx;
use crate::error::CliError;

pub async fn run(ctx: &Ctx, command: KubeCommand) -> Result<(), CliError> {
    match command {
        KubeCommand::Token { stack } => {
            ctx.stacks.saved(&stack)?;
            let target = ctx.target()?;
            let credential = ctx.stacks.kube_token(&target, &stack).await?;
            println!("{credential}");
            Ok(())
        }
        KubeCommand::Config { stack, merge } => {
            ctx.stacks.saved(&stack)?;
            let target = ctx.target()?;
            let plugin = plugin(ctx, &target, &stack)?;
            let into = merge.then(user_kubeconfig).transpose()?;
            let written = ctx
                .stacks
                .kubeconfig(&target, &stack, &plugin, into.as_deref())
                .await?;
            if ctx.json() {
                println!("{}", json!(written));
            } else {
                println!("{}", written.path.display());
                match &written.merged_into {
                    Some(user) => ctx.note(&format!(
                        "Merged into {} as context {}, now the current one.",
                        user.display(),
                        written.context
                    )),
                    None => ctx.note(&format!(
                        "Use it with `KUBECONFIG={} kubectl get nodes`, or add --merge to put it in your kubeconfig.",
                        written.path.display()
                    )),
                }
            }
            Ok(())
        }
    }
}

/// How kubectl runs this program for a token: with the target it was reached with now (the
/// sandbox stays the sandbox even once credentials appear), and this Escala's folder.
fn plugin(
    ctx: &Ctx,
    target: &escala_aws::connect::Target,
    stack: &str,
) -> Result<Plugin, CliError> {
    let command = std::env::current_exe()
        .map_err(|e| CliError::Invalid(format!("finding this program's path: {e}")))?;
    let mut args: Vec<String> = ["kube", "token", "--stack", stack]
        .map(String::from)
        .to_vec();
    // An endpoint given by hand is kept; the managed sandbox is named as such, since its address
    // changes when it restarts.
    if let Some(endpoint) = &ctx.global.endpoint_url {
        args.extend(["--endpoint-url".into(), endpoint.clone()]);
    } else if target.is_sandbox() {
        args.push("--sandbox".into());
    }
    if let Some(profile) = &ctx.global.profile {
        args.extend(["--profile".into(), profile.clone()]);
    }
    let env = std::env::var("ESCALA_HOME")
        .map(|home| vec![("ESCALA_HOME".to_string(), home)])
        .unwrap_or_default();
    Ok(Plugin {
        command: command.display().to_string(),
        args,
        env,
    })
}

/// The user's kubeconfig, as kubectl finds it: $KUBECONFIG's first file, else ~/.kube/config.
fn user_kubeconfig() -> Result<PathBuf, CliError> {
    if let Some(first) = std::env::var_os("KUBECONFIG")
        .as_ref()
        .and_then(|v| std::env::split_paths(v).find(|p| !p.as_os_str().is_empty()))
    {
        return Ok(first);
    }
    std::env::var_os("HOME")
        .map(|home| PathBuf::from(home).join(".kube").join("config"))
        .ok_or_else(|| {
            CliError::Invalid("no HOME to find your kubeconfig in: set KUBECONFIG".into())
        })
}

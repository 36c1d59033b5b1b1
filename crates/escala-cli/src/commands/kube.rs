//! `escala kube`: a Kubernetes stack's kubeconfig, whose user is this very program, and the
//! token kubectl asks it for; what the cluster runs; and the changes made to its saved Spec (an
//! upgrade, an access grant), planned and applied as any other.

use std::path::PathBuf;

use escala_aws::routes::kubernetes::access::Plugin;
use escala_core::routes::kubernetes::{AccessGrant, AccessPolicy};
use escala_kube::status::ClusterStatus;
use escala_stacks::Access;
use serde_json::json;

use super::stack::apply_checked;
use crate::args::KubeCommand;
use crate::context::Ctx;
use crate::error::CliError;

pub async fn run(ctx: &Ctx, command: KubeCommand) -> Result<(), CliError> {
    match command {
        KubeCommand::Status { stack } => {
            ctx.stacks.saved(&stack)?;
            let status = ctx.stacks.kube_status(&ctx.target()?, &stack).await?;
            if ctx.json() {
                println!("{}", json!(status));
            } else {
                print!("{}", shown(&status));
            }
            Ok(())
        }
        KubeCommand::Upgrade { stack, to, yes } => {
            let spec = ctx.stacks.upgraded(&stack, &to)?;
            apply_checked(ctx, &spec, yes).await
        }
        KubeCommand::Grant {
            stack,
            principal,
            policy,
            namespaces,
            yes,
        } => {
            let policy = match policy.as_str() {
                "cluster-admin" => AccessPolicy::ClusterAdmin,
                "admin" => AccessPolicy::Admin,
                "edit" => AccessPolicy::Edit,
                _ => AccessPolicy::View,
            };
            let grant = AccessGrant {
                principal,
                policy,
                namespaces,
            };
            let spec = ctx.stacks.granted(&stack, Access::Grant(grant))?;
            apply_checked(ctx, &spec, yes).await
        }
        KubeCommand::Load(args) => super::kube_load::run(ctx, &args).await,
        KubeCommand::Revoke {
            stack,
            principal,
            yes,
        } => {
            let spec = ctx.stacks.granted(&stack, Access::Revoke { principal })?;
            apply_checked(ctx, &spec, yes).await
        }
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

/// The cluster's state for people.
fn shown(status: &ClusterStatus) -> String {
    let mut out = String::new();
    let ready = status.nodes.iter().filter(|n| n.ready).count();
    out.push_str(&format!("Nodes: {ready} of {} ready\n", status.nodes.len()));
    for n in &status.nodes {
        out.push_str(&format!(
            "  {:<44} {:<10} {:<12} {}\n",
            n.name,
            if n.ready { "Ready" } else { "NotReady" },
            n.instance_type.as_deref().unwrap_or("-"),
            n.zone.as_deref().unwrap_or("-")
        ));
    }
    out.push_str(&format!("Demo pods: {}\n", status.pods.len()));
    for p in &status.pods {
        out.push_str(&format!(
            "  {:<44} {:<10} {}\n",
            p.name,
            p.phase,
            p.node.as_deref().unwrap_or("(not scheduled)")
        ));
    }
    match &status.hpa {
        Some(h) => {
            let cpu = |v: Option<u32>| v.map_or("?".to_string(), |v| format!("{v}%"));
            out.push_str(&format!(
                "HPA: {} pods, wants {} (CPU {} of a {} target)\n",
                h.current_replicas,
                h.desired_replicas,
                cpu(h.current_cpu),
                cpu(h.target_cpu)
            ));
            for c in &h.conditions {
                out.push_str(&format!(
                    "  {} {}: {}\n",
                    c.kind,
                    c.status,
                    c.message.as_deref().or(c.reason.as_deref()).unwrap_or("")
                ));
            }
        }
        None => out.push_str("HPA: none\n"),
    }
    match &status.claim {
        Some(c) => out.push_str(&format!(
            "Claim: {}{}\n",
            c.phase,
            c.volume_id
                .as_deref()
                .map(|v| format!(", EBS volume {v}"))
                .unwrap_or_default()
        )),
        None => out.push_str("Claim: none\n"),
    }
    if let Some(address) = &status.address {
        out.push_str(&format!("The demo answers at http://{address}/\n"));
    }
    out
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

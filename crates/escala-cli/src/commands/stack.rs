//! `escala plan`, `apply`, `status` and `destroy`.

use std::path::Path;

use serde_json::json;
use tokio_util::sync::CancellationToken;

use escala_aws::connect::Target;
use escala_core::validate::CheckedSpec;
use escala_stacks::{Planned, StacksError};

use super::confirm;
use crate::args::{ApplySpec, DestroyStack, SpecFile, StackRef};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;
use crate::progress::CliProgress;

/// The Spec file, checked: bad input is refused here, before any target is chosen or started.
fn read_spec(ctx: &Ctx, path: &Path) -> Result<CheckedSpec, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Invalid(format!("cannot read {}: {e}", path.display())))?;
    Ok(ctx.stacks.read(&text)?)
}

fn target_label(target: &Target) -> String {
    match &target.endpoint {
        Some(e) if target.is_sandbox() => format!("sandbox at {e}"),
        Some(e) => format!("{} at {e}", target.credentials.describe()),
        None => target.credentials.describe(),
    }
}

/// The plan of a checked Spec where calls go; shared by `plan` and `apply`.
async fn planned(ctx: &Ctx, spec: &CheckedSpec) -> Result<(Target, Planned), CliError> {
    let target = ctx.target()?;
    let planned = ctx.stacks.plan(&target, spec).await?;
    Ok((target, planned))
}

/// Cancels the token on the first Ctrl-C; a second one ends the process at once.
fn cancel_on_ctrl_c(ctx: &Ctx) -> CancellationToken {
    let token = CancellationToken::new();
    let t = token.clone();
    let json = ctx.json();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            if !json {
                eprintln!("Cancelling: running calls finish, nothing new starts (Ctrl-C again to quit now)…");
            }
            t.cancel();
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(i32::from(crate::error::exit::CANCELLED));
            }
        }
    });
    token
}

pub async fn plan(ctx: &Ctx, args: &SpecFile) -> Result<(), CliError> {
    let spec = read_spec(ctx, &args.file)?;
    let (target, p) = planned(ctx, &spec).await?;
    if ctx.json() {
        println!("{}", json!({"plan": p.plan, "cost": p.cost}));
    } else {
        print!(
            "{}",
            output::plan(
                &p.plan,
                &spec.spec().region,
                &target_label(&target),
                &p.cost
            )
        );
    }
    Ok(())
}

pub async fn apply(ctx: &Ctx, args: &ApplySpec) -> Result<(), CliError> {
    let spec = read_spec(ctx, &args.spec.file)?;
    apply_checked(ctx, &spec, args.yes).await
}

/// Plans a checked Spec, shows the plan, asks, and applies: `apply`'s work, and that of the
/// commands that change a saved Spec (`kube upgrade`, `kube grant`).
pub async fn apply_checked(ctx: &Ctx, spec: &CheckedSpec, yes: bool) -> Result<(), CliError> {
    let spec = spec.clone();
    let name = &spec.spec().name;
    let (target, p) = planned(ctx, &spec).await?;
    if !ctx.json() {
        eprint!(
            "{}",
            output::plan(
                &p.plan,
                &spec.spec().region,
                &target_label(&target),
                &p.cost
            )
        );
    }
    if p.plan.is_empty() {
        ctx.stacks.remember(&spec)?;
        ctx.note("Nothing to change: the stack matches its Spec.");
        if ctx.json() {
            println!(
                "{}",
                json!({"plan": p.plan, "cost": p.cost, "report": null})
            );
        }
        return Ok(());
    }
    confirm("Apply these changes?", yes)?;
    let progress = CliProgress::new(ctx.json());
    let report = ctx
        .stacks
        .apply(&target, &p, &progress, cancel_on_ctrl_c(ctx))
        .await?;
    if ctx.json() {
        println!(
            "{}",
            json!({"plan": p.plan, "cost": p.cost, "report": report})
        );
    } else {
        println!(
            "Stack '{name}' is up to date: {} change(s) applied.",
            report.done.len() + report.removed.len()
        );
    }
    Ok(())
}

pub async fn status(ctx: &Ctx, args: &StackRef) -> Result<(), CliError> {
    let Some(name) = &args.stack else {
        let stacks: Vec<_> = ctx
            .stacks
            .list()?
            .into_iter()
            .map(|k| json!({"name": k.name, "region": k.spec.region}))
            .collect();
        if ctx.json() {
            println!("{}", json!({"stacks": stacks}));
        } else if stacks.is_empty() {
            println!("No stacks yet: `escala apply -f stack.yaml` creates one.");
        } else {
            for s in &stacks {
                println!(
                    "{}  ({})",
                    s["name"].as_str().unwrap_or_default(),
                    s["region"].as_str().unwrap_or_default()
                );
            }
        }
        return Ok(());
    };
    let spec = ctx.stacks.saved(name)?;
    let target = ctx.target()?;
    let (found, plan) = ctx.stacks.status(&target, name).await?;
    let in_sync = plan.is_empty();
    if ctx.json() {
        println!(
            "{}",
            json!({"stack": name, "region": spec.region, "resources": found, "inSync": in_sync, "plan": plan})
        );
    } else {
        println!(
            "Stack '{name}' in {} ({}): {} resource(s)",
            spec.region,
            target_label(&target),
            found.len()
        );
        print!("{}", output::resources(&found));
        if in_sync {
            println!("In sync with its Spec.");
        } else {
            let s = plan.summary;
            println!("Differs from its Spec: {} to create, {} to update, {} to replace, {} to delete (`escala apply` fixes it).", s.create, s.update, s.replace, s.delete);
        }
    }
    Ok(())
}

pub async fn destroy(ctx: &Ctx, args: &DestroyStack) -> Result<(), CliError> {
    let spec = match (&args.file, &args.stack) {
        (Some(file), _) => read_spec(ctx, file)?.spec().clone(),
        (None, Some(name)) => ctx.stacks.saved(name).map_err(|e| match e {
            StacksError::UnknownStack(_) => CliError::Invalid(format!("Escala knows no stack named '{name}'; pass its Spec with -f to find it by its tags")),
            other => other.into(),
        })?,
        (None, None) => return Err(CliError::Invalid("name the stack with --stack or -f".into())),
    };
    let target = ctx.target()?;
    confirm(
        &format!(
            "Delete everything stack '{}' owns in {} ({})?",
            spec.name,
            spec.region,
            target_label(&target)
        ),
        args.yes,
    )?;
    let progress = CliProgress::new(ctx.json());
    let report = ctx
        .stacks
        .destroy(&target, &spec, &progress, cancel_on_ctrl_c(ctx))
        .await?
        .report;
    if ctx.json() {
        println!("{}", json!({"report": report}));
    } else {
        println!(
            "Deleted {} resource(s) of stack '{}'.",
            report.deleted.len(),
            spec.name
        );
        for f in &report.failed {
            eprintln!("  ✗ {}: {}: {}", f.id, f.code, f.message);
        }
        if report.left.is_empty() {
            println!("0 resources left.");
        } else {
            println!("{} resource(s) left:", report.left.len());
            print!("{}", output::resources(&report.left));
        }
    }
    if !report.left.is_empty() {
        return Err(CliError::LeftBehind(report.left.len()));
    }
    if report.deleted.is_empty() {
        // Nothing carried the stack's tag here: it may live under other credentials. It stays
        // listed rather than lose track of resources that may still cost money.
        ctx.note(&format!(
            "Nothing tagged for stack '{}' was found at {}. If it was created with other credentials (--profile, --sandbox), destroy it with those; `escala status` keeps listing it until then.",
            spec.name,
            target_label(&target)
        ));
    }
    Ok(())
}

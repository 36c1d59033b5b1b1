//! `escala plan`, `apply`, `status` and `destroy`.

use std::path::Path;

use serde_json::json;
use tokio_util::sync::CancellationToken;

use escala_aws::connect::Target;
use escala_aws::session::{Prepared, Session};
use escala_core::cost::{self, CostEstimate};
use escala_core::plan::Plan;
use escala_core::spec::Spec;
use escala_core::store::{Operation, Place};

use super::confirm;
use crate::args::{ApplySpec, DestroyStack, SpecFile, StackRef};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;
use crate::progress::CliProgress;

fn read_spec(path: &Path) -> Result<Spec, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Invalid(format!("cannot read {}: {e}", path.display())))?;
    Ok(Spec::from_yaml(&text)?)
}

fn place(target: &Target) -> Place {
    if target.is_sandbox() {
        Place::Sandbox
    } else {
        Place::Account
    }
}

fn target_label(target: &Target) -> String {
    match &target.endpoint {
        Some(e) if target.is_sandbox() => format!("sandbox at {e}"),
        Some(e) => format!("{} at {e}", target.credentials.describe()),
        None => target.credentials.describe(),
    }
}

/// Validates and plans; shared by `plan` and `apply`.
async fn planned(
    ctx: &Ctx,
    spec: &Spec,
) -> Result<(Target, Session, Prepared, Plan, CostEstimate), CliError> {
    // Shape errors need no connection: report them before choosing (or starting) anything.
    escala_core::validate::check_offline(spec).map_err(escala_core::CoreError::from)?;
    ctx.store.check_region(spec)?;
    let target = ctx.target()?;
    let session = ctx.session(&target, &spec.region, &spec.name).await?;
    let (prepared, plan) = session.plan_spec(spec).await?;
    let cost = cost::estimate(&prepared.network, spec.route.as_ref(), &spec.region);
    Ok((target, session, prepared, plan, cost))
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
    let spec = read_spec(&args.file)?;
    let (target, _, _, plan, cost) = planned(ctx, &spec).await?;
    if ctx.json() {
        println!("{}", json!({"plan": plan, "cost": cost}));
    } else {
        print!(
            "{}",
            output::plan(&plan, &spec.region, &target_label(&target), &cost)
        );
    }
    Ok(())
}

pub async fn apply(ctx: &Ctx, args: &ApplySpec) -> Result<(), CliError> {
    let spec = read_spec(&args.spec.file)?;
    let (target, session, prepared, plan, cost) = planned(ctx, &spec).await?;
    if !ctx.json() {
        eprint!(
            "{}",
            output::plan(&plan, &spec.region, &target_label(&target), &cost)
        );
    }
    if plan.is_empty() {
        ctx.store.save_spec(&spec)?;
        ctx.note("Nothing to change: the stack matches its Spec.");
        if ctx.json() {
            println!("{}", json!({"plan": plan, "cost": cost, "report": null}));
        }
        return Ok(());
    }
    confirm("Apply these changes?", args.yes)?;
    // Remembered before anything changes, so a crash mid-apply still leaves the stack destroyable
    // and listed as interrupted (in the desktop app too).
    ctx.store.save_spec(&spec)?;
    let place = place(&target);
    ctx.store.begin(&spec.name, place, Operation::Apply)?;
    let progress = CliProgress::new(ctx.json());
    let report = session
        .apply(&prepared, &plan, &progress, cancel_on_ctrl_c(ctx))
        .await?;
    ctx.store.finish(&spec.name, place)?;
    if ctx.json() {
        println!("{}", json!({"plan": plan, "cost": cost, "report": report}));
    } else {
        println!(
            "Stack '{}' is up to date: {} change(s) applied.",
            spec.name,
            report.done.len() + report.removed.len()
        );
    }
    Ok(())
}

pub async fn status(ctx: &Ctx, args: &StackRef) -> Result<(), CliError> {
    let Some(name) = &args.stack else {
        let mut stacks = Vec::new();
        for name in ctx.store.list()? {
            if let Some(spec) = ctx.store.load_spec(&name)? {
                stacks.push(json!({"name": name, "region": spec.region}));
            }
        }
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
    let spec = ctx.store.load_spec(name)?.ok_or_else(|| {
        CliError::Invalid(format!(
            "Escala knows no stack named '{name}' (see `escala status`)"
        ))
    })?;
    let target = ctx.target()?;
    let session = ctx.session(&target, &spec.region, name).await?;
    let (found, plan) = session.status(&spec).await?;
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
        (Some(file), _) => read_spec(file)?,
        (None, Some(name)) => ctx.store.load_spec(name)?.ok_or_else(|| {
            CliError::Invalid(format!("Escala knows no stack named '{name}'; pass its Spec with -f to find it by its tags"))
        })?,
        (None, None) => return Err(CliError::Invalid("name the stack with --stack or -f".into())),
    };
    let target = ctx.target()?;
    let session = ctx.session(&target, &spec.region, &spec.name).await?;
    confirm(
        &format!(
            "Delete everything stack '{}' owns in {} ({})?",
            spec.name,
            spec.region,
            target_label(&target)
        ),
        args.yes,
    )?;
    let place = place(&target);
    if ctx.store.load_spec(&spec.name)?.is_some() {
        ctx.store.begin(&spec.name, place, Operation::Destroy)?;
    }
    let progress = CliProgress::new(ctx.json());
    let report = session.destroy(&progress, cancel_on_ctrl_c(ctx)).await?;
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
        if ctx.store.load_spec(&spec.name)?.is_some() {
            ctx.store.finish(&spec.name, place)?;
        }
        // Nothing carried the stack's tag here: it may live under other credentials. Keep it
        // listed rather than lose track of resources that may still cost money.
        ctx.note(&format!(
            "Nothing tagged for stack '{}' was found at {}. If it was created with other credentials (--profile, --sandbox), destroy it with those; `escala status` keeps listing it until then.",
            spec.name,
            target_label(&target)
        ));
        return Ok(());
    }
    ctx.store.forget(&spec.name)?;
    Ok(())
}

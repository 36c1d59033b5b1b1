//! `escala scale` and `escala metrics`: the asg route's manual scaling and its dashboard.

use serde_json::json;

use escala_aws::metrics::Range;
use escala_charts::Size;

use crate::args::{MetricsArgs, RangeArg, ScaleArgs};
use crate::context::Ctx;
use crate::error::CliError;

fn known(ctx: &Ctx, stack: &str) -> Result<escala_core::spec::Spec, CliError> {
    ctx.store.load_spec(stack)?.ok_or_else(|| {
        CliError::Invalid(format!(
            "Escala knows no stack named '{stack}' (see `escala status`)"
        ))
    })
}

pub async fn scale(ctx: &Ctx, args: &ScaleArgs) -> Result<(), CliError> {
    let spec = known(ctx, &args.stack)?;
    let target = ctx.target()?;
    let session = ctx.session(&target, &spec.region, &spec.name).await?;
    session.scale(&spec, args.desired).await?;
    if ctx.json() {
        println!("{}", json!({"stack": spec.name, "desired": args.desired}));
    } else {
        println!(
            "Stack '{}' now aims for {} instance(s); the group launches or stops instances to get there.",
            spec.name, args.desired
        );
    }
    Ok(())
}

pub async fn metrics(ctx: &Ctx, args: &MetricsArgs) -> Result<(), CliError> {
    let png = match args.out.extension().and_then(|e| e.to_str()) {
        Some("svg") => false,
        Some("png") => true,
        _ => {
            return Err(CliError::Invalid(format!(
                "--out {}: name a .svg or a .png file",
                args.out.display()
            )))
        }
    };
    let spec = known(ctx, &args.stack)?;
    let target = ctx.target()?;
    let session = ctx.session(&target, &spec.region, &spec.name).await?;
    let range = match args.range {
        RangeArg::Hour => Range::Hour,
        RangeArg::SixHours => Range::SixHours,
        RangeArg::Day => Range::Day,
        RangeArg::Week => Range::Week,
    };
    let (dashboard, calls) = session.dashboard(range).await?;
    let size = Size {
        width: 1200,
        height: 720,
    };
    let written = if png {
        escala_charts::render_png(&dashboard, size, 1.0).map(|b| std::fs::write(&args.out, b))
    } else {
        escala_charts::render_svg(&dashboard, size).map(|s| std::fs::write(&args.out, s))
    }
    .map_err(|e| CliError::Invalid(format!("drawing the chart: {e}")))?;
    written.map_err(|e| CliError::Invalid(format!("writing {}: {e}", args.out.display())))?;
    if ctx.json() {
        println!(
            "{}",
            json!({"stack": spec.name, "out": args.out, "getMetricDataCalls": calls})
        );
    } else {
        println!(
            "Wrote {} ({} GetMetricData call(s)).",
            args.out.display(),
            calls
        );
    }
    Ok(())
}

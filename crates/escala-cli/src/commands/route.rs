//! `escala scale` and `escala metrics`: a route's group scaled by hand, and its dashboard.

use serde_json::json;

use escala_aws::metrics::Range;
use escala_charts::Size;

use crate::args::{MetricsArgs, RangeArg, ScaleArgs};
use crate::context::Ctx;
use crate::error::CliError;

pub async fn scale(ctx: &Ctx, args: &ScaleArgs) -> Result<(), CliError> {
    ctx.stacks.saved(&args.stack)?;
    let target = ctx.target()?;
    ctx.stacks.scale(&target, &args.stack, args.desired).await?;
    if ctx.json() {
        println!("{}", json!({"stack": args.stack, "desired": args.desired}));
    } else {
        println!(
            "Stack '{}' now aims for {} instance(s); the group launches or stops instances to get there.",
            args.stack, args.desired
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
    ctx.stacks.saved(&args.stack)?;
    let target = ctx.target()?;
    let range = match args.range {
        RangeArg::Hour => Range::Hour,
        RangeArg::SixHours => Range::SixHours,
        RangeArg::Day => Range::Day,
        RangeArg::Week => Range::Week,
    };
    let speed = ctx.speed_of(&target);
    let (dashboard, calls) = ctx
        .stacks
        .dashboard(&target, &args.stack, range, speed)
        .await?;
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
            json!({"stack": args.stack, "out": args.out, "getMetricDataCalls": calls})
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

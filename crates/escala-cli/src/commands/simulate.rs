//! `escala simulate`: the routes on one demand trace, side by side, from `escala-sim`. The Specs
//! are read and checked as `plan` reads them; without any, the seeds'.

use std::path::Path;

use escala_aws::metrics::Range;
use escala_charts::Size;
use escala_core::spec::Spec;
use escala_sim::shapes::Shape;
use escala_sim::sweep::{sweep, Axis, Point};
use escala_sim::{simulate, Delays, Outcome, Trace};
use serde_json::json;

use crate::args::SimulateArgs;
use crate::context::Ctx;
use crate::error::CliError;

/// A timeline point a minute.
const EVERY: u64 = 60;

pub async fn run(ctx: &Ctx, args: &SimulateArgs) -> Result<(), CliError> {
    let trace = match args.trace.strip_prefix("recorded:") {
        Some(stack) => recorded(ctx, stack).await?,
        None => trace(&args.trace)?,
    };
    let specs = specs(ctx, &args.files)?;
    let routes: Vec<_> = specs.iter().filter_map(|s| s.route.as_ref()).collect();
    let names: Vec<&str> = args
        .routes
        .iter()
        .map(|r| r.trim())
        .filter(|r| !r.is_empty())
        .collect();
    let delays = Delays::default();
    if !args.sweep.is_empty() {
        let axes = args
            .sweep
            .iter()
            .map(|s| Axis::parse(s))
            .collect::<Result<Vec<_>, _>>()
            .map_err(invalid)?;
        let [route] = names[..] else {
            return Err(CliError::Invalid(
                "--sweep varies one route's settings: name it alone with --routes".into(),
            ));
        };
        let spec = routes
            .iter()
            .find(|r| r.name() == route)
            .ok_or_else(|| invalid(escala_sim::SimError::NoRoute(route.into())))?;
        let points = sweep(spec, route, &axes, &trace, &delays).map_err(invalid)?;
        if ctx.json() {
            println!("{}", json!({"route": route, "sweep": points}));
        } else {
            print!("{}", frontier_table(&axes, &points));
        }
        return Ok(());
    }
    let outcomes = simulate(&routes, &names, &trace, &delays, EVERY).map_err(invalid)?;
    if let Some(out) = &args.out {
        let charts =
            escala_sim::chart::dashboard(&format!("What-if: {}", args.trace), &trace, &outcomes);
        let size = Size {
            width: 1200,
            height: 260 * outcomes.len() as u32 + 120,
        };
        // A `.png` is a picture (at twice the pixels), anything else the SVG.
        let bytes = if out
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("png"))
        {
            escala_charts::render_png(&charts, size, 2.0)
        } else {
            escala_charts::render_svg(&charts, size).map(String::into_bytes)
        }
        .map_err(|e| CliError::Invalid(format!("drawing the charts: {e}")))?;
        std::fs::write(out, bytes)
            .map_err(|e| CliError::Invalid(format!("cannot write {}: {e}", out.display())))?;
        ctx.note(&format!("Charts written to {}", out.display()));
    }
    if ctx.json() {
        println!(
            "{}",
            json!({"trace": {"seconds": trace.seconds(), "peak": trace.peak()}, "routes": outcomes})
        );
    } else {
        print!("{}", table(&outcomes));
    }
    Ok(())
}

fn invalid(e: escala_sim::SimError) -> CliError {
    CliError::Invalid(e.to_string())
}

/// A shape by name, or a CSV file.
fn trace(text: &str) -> Result<Trace, CliError> {
    let name = text.split(':').next().unwrap_or_default();
    if escala_sim::shapes::NAMES.contains(&name) {
        return Shape::parse(text).and_then(|s| s.trace()).map_err(invalid);
    }
    let path = Path::new(text);
    if !path.exists() {
        return Err(CliError::Invalid(format!(
            "--trace: `{text}` is neither a shape ({}) nor a file",
            escala_sim::shapes::NAMES.join(", ")
        )));
    }
    let csv = std::fs::read_to_string(path)
        .map_err(|e| CliError::Invalid(format!("cannot read {}: {e}", path.display())))?;
    Trace::from_csv(&csv).map_err(|e| CliError::Invalid(format!("{}: {e}", path.display())))
}

/// The load a stack's load balancer served, as CloudWatch recorded it over the last day (the
/// dashboard's request count): a value a minute of AWS's clock, minutes without a request at 0.
async fn recorded(ctx: &Ctx, stack: &str) -> Result<Trace, CliError> {
    ctx.stacks.saved(stack)?;
    let target = ctx.target()?;
    let speed = ctx.speed_of(&target);
    let (dashboard, _) = ctx
        .stacks
        .dashboard(&target, stack, Range::Day, speed)
        .await?;
    let series = dashboard
        .panels
        .iter()
        .flat_map(|p| &p.series)
        .find(|s| s.id == "requests")
        .ok_or_else(|| {
            CliError::Invalid(format!(
                "--trace recorded:{stack}: the stack's dashboard has no load balancer request count (asg and fargate stacks have one)"
            ))
        })?;
    let mut points: Vec<(i64, f64)> = series
        .points
        .iter()
        .filter(|p| p.v.is_finite())
        .map(|p| (p.t, p.v))
        .collect();
    points.sort_by_key(|(t, _)| *t);
    let step = points
        .windows(2)
        .map(|w| w[1].0 - w[0].0)
        .filter(|d| *d > 0)
        .min()
        .unwrap_or(60);
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return Err(CliError::Invalid(format!(
            "--trace recorded:{stack}: no request was recorded in the last day"
        )));
    };
    // Each point is a minute of AWS's clock holding its requests' sum. A sandbox serves them on
    // the wall clock while its minutes pass `speed` times faster, so the rate its instances' CPU
    // saw is the sum over the minute's wall seconds: what the simulator charges CPU for.
    let mut rps = vec![0.0; ((last.0 - first.0) / step + 1) as usize];
    for (t, v) in &points {
        rps[((t - first.0) / step) as usize] = v * speed / 60.0;
    }
    Trace::new(60, rps).map_err(invalid)
}

fn specs(ctx: &Ctx, files: &[std::path::PathBuf]) -> Result<Vec<Spec>, CliError> {
    if files.is_empty() {
        return escala_sim::SEEDS
            .iter()
            .map(|y| Ok(ctx.stacks.read(y)?.spec().clone()))
            .collect();
    }
    files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::Invalid(format!("cannot read {}: {e}", path.display())))?;
            Ok(ctx.stacks.read(&text)?.spec().clone())
        })
        .collect()
}

fn seconds(s: Option<u64>) -> String {
    match s {
        Some(s) if s >= 60 => format!("{}m{:02}s", s / 60, s % 60),
        Some(s) => format!("{s}s"),
        None => "—".into(),
    }
}

fn table(outcomes: &[Outcome]) -> String {
    let mut out = format!(
        "{:<12} {:>9} {:>12} {:>11} {:>11} {:>14} {:>10}\n",
        "route", "peak", "lost", "scale-out", "scale-in", "idle unit-h", "cost"
    );
    for o in outcomes {
        let s = &o.summary;
        out.push_str(&format!(
            "{:<12} {:>9} {:>11.2}% {:>11} {:>11} {:>14.2} {:>10}\n",
            o.route,
            s.peak_capacity,
            s.lost_percent,
            seconds(s.time_to_scale_out),
            seconds(s.time_to_scale_in),
            s.overprovisioned_unit_hours,
            format!("${:.2}", s.cost)
        ));
    }
    out
}

fn frontier_table(axes: &[Axis], points: &[Point]) -> String {
    let mut out = String::new();
    for a in axes {
        out.push_str(&format!("{:>8} ", a.setting.name()));
    }
    out.push_str(&format!("{:>10} {:>10}  frontier\n", "cost", "lost"));
    for p in points {
        for v in &p.values {
            out.push_str(&format!("{v:>8} "));
        }
        out.push_str(&format!(
            "{:>10} {:>9.2}%  {}\n",
            format!("${:.2}", p.cost),
            p.lost_percent,
            if p.frontier { "*" } else { "" }
        ));
    }
    out
}

//! `escala load`: HTTP load at a URL with a live readout, then a summary of what answered.

use std::io::IsTerminal;
use std::time::Duration;

use escala_load::{duration, Input, LoadError, LoadPlan, Report, Snapshot};
use indicatif::{ProgressBar, ProgressStyle};
use tokio_util::sync::CancellationToken;

use crate::args::LoadArgs;
use crate::context::Ctx;
use crate::error::CliError;

pub async fn run(ctx: &Ctx, args: &LoadArgs) -> Result<(), CliError> {
    let plan = plan(args)?;
    ctx.note(&format!(
        "Sending {} req/s to {} for {} (at most {} in flight); Ctrl-C stops early.",
        plan.rps(),
        plan.url(),
        duration::format(&plan.duration()),
        plan.concurrency_limit()
    ));
    let live = Live::new(ctx.json(), plan.duration());
    let report = escala_load::run(&plan, |s| live.show(s), stop_on_ctrl_c(ctx.json()))
        .await
        .map_err(|e| invalid(e, None))?;
    live.finish();
    if ctx.json() {
        println!(
            "{}",
            serde_json::to_string(&report).expect("a report serializes")
        );
    } else {
        print!("{}", summary(&report));
    }
    Ok(())
}

/// Everything is checked here, before the first request.
fn plan(args: &LoadArgs) -> Result<LoadPlan, CliError> {
    let run_for = duration::parse(&args.duration).map_err(|e| invalid(e, Some("--duration")))?;
    let mut plan = LoadPlan::new(&args.url, args.rps, run_for)
        .and_then(|p| p.with_concurrency_limit(args.concurrency))
        .map_err(|e| invalid(e, None))?;
    if let Some(timeout) = &args.request_timeout {
        let timeout =
            duration::parse(timeout).map_err(|e| invalid(e, Some("--request-timeout")))?;
        plan = plan.with_timeout(timeout).map_err(|e| invalid(e, None))?;
    }
    Ok(plan)
}

/// Bad input names its flag. A host that doesn't resolve is bad input too: nothing was sent.
pub(super) fn invalid(error: LoadError, flag: Option<&str>) -> CliError {
    let flag = flag.or(error.input().and_then(|input| match input {
        Input::Url => Some("--url"),
        Input::Rps => Some("--rps"),
        Input::Duration => Some("--duration"),
        Input::Concurrency => Some("--concurrency"),
        Input::Timeout => Some("--request-timeout"),
        // The chat's message load is the dashboard's (and escala-chat-load's), not this command's.
        Input::Clients | Input::MessageRate => None,
    }));
    match flag {
        Some(flag) => CliError::Invalid(format!("{flag}: {error}")),
        None => CliError::Invalid(error.to_string()),
    }
}

/// The first Ctrl-C stops sending and still prints the report; a second one quits at once.
pub(super) fn stop_on_ctrl_c(json: bool) -> CancellationToken {
    let token = CancellationToken::new();
    let stop = token.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            if !json {
                eprintln!("Stopping; the report follows (Ctrl-C again to quit now)…");
            }
            stop.cancel();
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(i32::from(crate::error::exit::CANCELLED));
            }
        }
    });
    token
}

/// The live readout, on stderr so stdout holds only the result: a bar on a terminal, a line a
/// second otherwise, JSON lines for scripts.
enum Live {
    Bar(ProgressBar),
    Lines,
    Json,
}

impl Live {
    fn new(json: bool, duration: Duration) -> Self {
        if json {
            return Live::Json;
        }
        if !std::io::stderr().is_terminal() {
            return Live::Lines;
        }
        let bar = ProgressBar::new(duration.as_secs());
        bar.set_style(
            // No bar: with the readout it would wrap an 80-column terminal.
            ProgressStyle::with_template("{spinner} {pos}/{len}s  {msg}")
                .expect("a valid template"),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        Live::Bar(bar)
    }

    fn show(&self, s: &Snapshot) {
        match self {
            Live::Json => eprintln!(
                "{}",
                serde_json::to_string(s).expect("a snapshot serializes")
            ),
            Live::Lines => eprintln!(
                "{:>6.1}s  sent {}  {}",
                s.elapsed_ms as f64 / 1000.0,
                s.sent,
                line(s)
            ),
            Live::Bar(bar) => {
                bar.set_position(s.elapsed_ms / 1000);
                bar.set_message(line(s));
            }
        }
    }

    fn finish(&self) {
        if let Live::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

fn line(s: &Snapshot) -> String {
    format!(
        "{:.1} req/s  p50 {}  p99 {}  errors {}  dropped {}",
        s.rps,
        millis(s.p50_ms),
        millis(s.p99_ms),
        s.errors,
        s.dropped
    )
}

fn millis(ms: Option<f64>) -> String {
    ms.map_or_else(|| "-".into(), |ms| format!("{ms:.1} ms"))
}

pub(super) fn summary(r: &Report) -> String {
    let seconds = r.elapsed_ms as f64 / 1000.0;
    let mut out = format!("{} at {} req/s for {seconds:.1}s", r.url, r.rps);
    if r.cancelled {
        out.push_str(" (stopped early)");
    }
    out.push('\n');
    let mut row = |label: &str, text: String| out.push_str(&format!("  {label:<10} {text}\n"));
    row(
        "sent",
        format!(
            "{} of {} due ({} dropped at the concurrency limit)",
            r.sent, r.scheduled, r.dropped
        ),
    );
    row(
        "answered",
        format!("{} ({:.1} req/s)", r.completed, r.achieved_rps),
    );
    row(
        "latency",
        match &r.latency {
            Some(l) => format!(
                "p50 {}  p90 {}  p99 {}  max {}  (from each request's scheduled time)",
                millis(Some(l.p50_ms)),
                millis(Some(l.p90_ms)),
                millis(Some(l.p99_ms)),
                millis(Some(l.max_ms))
            ),
            None => "- (nothing answered)".into(),
        },
    );
    let s = &r.status;
    row(
        "status",
        format!(
            "2xx {}  3xx {}  4xx {}  5xx {}",
            s.success, s.redirect, s.client_error, s.server_error
        ),
    );
    let e = &r.errors;
    row(
        "errors",
        format!(
            "{} (connect {}, timeout {}, other {})",
            e.total(),
            e.connect,
            e.timeout,
            e.other
        ),
    );
    let shown = if r.distinct_body_count > r.distinct_bodies.len() as u64 {
        format!("; the {} most frequent below", r.distinct_bodies.len())
    } else {
        String::new()
    };
    row(
        "instances",
        format!(
            "{} (distinct first lines of 2xx bodies: each demo instance answers with its ID{shown})",
            r.distinct_body_count
        ),
    );
    for (body, count) in &r.distinct_bodies {
        let body = if body.is_empty() { "(empty)" } else { body };
        out.push_str(&format!("  {count:>16}  {body}\n"));
    }
    out
}

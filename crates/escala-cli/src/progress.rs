//! Progress for people (a bar on a terminal, lines otherwise) and for scripts (JSON lines), all on
//! stderr so stdout stays the result.

use std::io::IsTerminal;

use escala_core::plan::Action;
use escala_core::progress::{ProgressEvent, ProgressSink};
use indicatif::{ProgressBar, ProgressStyle};

pub enum CliProgress {
    Bar(ProgressBar),
    Lines,
    Json,
}

impl CliProgress {
    pub fn new(json: bool) -> Self {
        if json {
            CliProgress::Json
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg}")
                    .expect("a valid template")
                    .progress_chars("=> "),
            );
            CliProgress::Bar(bar)
        } else {
            CliProgress::Lines
        }
    }

    fn line(&self, text: String) {
        match self {
            CliProgress::Bar(bar) => bar.println(text),
            _ => eprintln!("{text}"),
        }
    }
}

fn verb(action: Action) -> &'static str {
    match action {
        Action::Create => "created",
        Action::Update => "updated",
        Action::Replace => "replaced",
        Action::Delete => "deleted",
        Action::NoOp => "unchanged",
    }
}

impl ProgressSink for CliProgress {
    fn emit(&self, event: ProgressEvent) {
        if let CliProgress::Json = self {
            eprintln!(
                "{}",
                serde_json::to_string(&event).expect("events serialize")
            );
            return;
        }
        match event {
            ProgressEvent::Started { total } => {
                if let CliProgress::Bar(bar) = self {
                    bar.set_length(total as u64);
                }
            }
            ProgressEvent::Running { id, .. } => {
                if let CliProgress::Bar(bar) = self {
                    bar.set_message(id);
                }
            }
            ProgressEvent::Retrying {
                id,
                attempt,
                code,
                delay_ms,
                ..
            } => {
                self.line(format!(
                    "  ↻ {id}: {code}, retry {attempt} in {delay_ms} ms"
                ));
            }
            ProgressEvent::Progress {
                id,
                percent,
                message,
            } => match self {
                CliProgress::Bar(bar) => bar.set_message(format!("{id}: {percent}% {message}")),
                _ => eprintln!("  … {id}: {percent}% {message}"),
            },
            ProgressEvent::Done {
                id,
                kind,
                action,
                physical_id,
            } => {
                if let CliProgress::Bar(bar) = self {
                    bar.inc(1);
                }
                self.line(format!(
                    "  ✓ {id} ({kind}) {} {}",
                    verb(action),
                    physical_id.unwrap_or_default()
                ));
            }
            ProgressEvent::Failed { id, code, message } => {
                self.line(format!("  ✗ {id}: {code}: {message}"))
            }
            ProgressEvent::Skipped { id, reason } => {
                self.line(format!("  - {id} skipped: {reason}"))
            }
            ProgressEvent::Finished { .. } => {
                if let CliProgress::Bar(bar) = self {
                    bar.finish_and_clear();
                }
            }
        }
    }
}

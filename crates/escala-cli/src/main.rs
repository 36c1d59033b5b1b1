//! The `escala` command: a thin shell over escala-aws's session API.

mod args;
mod commands;
mod context;
mod error;
mod launch;
mod output;
mod progress;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Output};
use error::exit;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let output = cli.global.output;
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::from(exit::OK),
        Err(e) => {
            match output {
                // On stderr, so stdout holds at most one JSON document: the result.
                Output::Json => eprintln!(
                    "{}",
                    serde_json::json!({"error": {"code": e.code(), "message": e.to_string()}})
                ),
                Output::Human => eprintln!("error: {e}"),
            }
            ExitCode::from(e.exit_code())
        }
    }
}

/// Logs go to stderr, quiet unless `RUST_LOG` asks for more.
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

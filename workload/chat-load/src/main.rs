//! escala-chat-load: drives socket.io chat servers with many clients and reports throughput, end-to-end
//! latency (from the sender's timestamp in each message), loss (every message counted at every receiver),
//! and the servers' CPU and memory.

mod compare;
mod error;
mod fleet;
mod proc_stats;
mod run;
mod stats;

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::LoadError;
use crate::fleet::Plan;

#[derive(Parser)]
#[command(
    name = "escala-chat-load",
    about = "Load generator for socket.io chat servers"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Common {
    /// Server base URLs (http://127.0.0.1:3001,...); clients are spread over them round-robin.
    #[arg(long, value_delimiter = ',', required = true)]
    url: Vec<String>,
    /// Concurrent clients.
    #[arg(long, default_value_t = 200)]
    clients: usize,
    /// Rooms; client i joins room i mod rooms.
    #[arg(long, default_value_t = 20)]
    rooms: usize,
    /// Server process ids whose CPU and memory are measured (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pids: Vec<u32>,
    /// A name for this side in the output.
    #[arg(long, default_value = "server")]
    label: String,
    /// Write the result as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Connections opened at once.
    #[arg(long, default_value_t = 100)]
    connect_concurrency: usize,
}

#[derive(Subcommand)]
enum Command {
    /// Send messages at one or more total rates (msgs/s over all clients), each for --duration seconds.
    Run {
        #[command(flatten)]
        common: Common,
        /// Total send rates to step through, in messages per second.
        #[arg(long, value_delimiter = ',', default_value = "100")]
        rates: Vec<f64>,
        /// Seconds per rate step.
        #[arg(long, default_value_t = 10.0)]
        duration: f64,
        /// Seconds to wait after a step for late acknowledgements and deliveries.
        #[arg(long, default_value_t = 3.0)]
        drain: f64,
        /// Message text length in bytes.
        #[arg(long, default_value_t = 64)]
        payload: usize,
        /// Latency objective for the "best step" figure.
        #[arg(long, default_value_t = 50.0)]
        p99_limit_ms: f64,
        /// Keep stepping after a step misses the objective (by default the run stops there).
        #[arg(long)]
        keep_going: bool,
        /// Print the run so far as one JSON line a second on stdout (for a dashboard to follow).
        #[arg(long)]
        progress: bool,
    },
    /// Open idle connections and report the servers' memory per connection.
    Idle {
        #[command(flatten)]
        common: Common,
        /// Seconds to wait after connecting before measuring memory.
        #[arg(long, default_value_t = 3.0)]
        settle: f64,
    },
    /// Compare two sides' JSON results and print a Markdown table with ratios and targets.
    Compare {
        #[arg(long)]
        load: PathBuf,
        #[arg(long)]
        idle: PathBuf,
        #[arg(long)]
        baseline_load: PathBuf,
        #[arg(long)]
        baseline_idle: PathBuf,
    },
}

fn plan(c: &Common) -> Result<Plan, LoadError> {
    if c.clients == 0 || c.rooms == 0 || c.rooms > c.clients {
        return Err(LoadError::Usage("need clients >= rooms >= 1".into()));
    }
    // Rooms unique to this run, so that history or members left by another run never count.
    let run_id = format!("load{:x}", escala_chat_proto::now_us() % 0xffff_ffff);
    Ok(Plan {
        urls: c.url.clone(),
        clients: c.clients,
        rooms: c.rooms,
        run_id,
        connect_concurrency: c.connect_concurrency,
    })
}

fn write_json<T: Serialize>(path: &Option<PathBuf>, value: &T) -> Result<(), LoadError> {
    let Some(path) = path else { return Ok(()) };
    let text = serde_json::to_string_pretty(value)?;
    std::fs::write(path, text).map_err(|source| LoadError::File {
        path: path.display().to_string(),
        source,
    })
}

fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::File {
        path: path.display().to_string(),
        source,
    })?;
    Ok(serde_json::from_str(&text)?)
}

async fn main_inner(cli: Cli) -> Result<(), LoadError> {
    match cli.command {
        Command::Run {
            common,
            rates,
            duration,
            drain,
            payload,
            p99_limit_ms,
            keep_going,
            progress,
        } => {
            if rates.iter().any(|r| *r <= 0.0) || duration <= 0.0 {
                return Err(LoadError::Usage(
                    "rates and duration must be positive".into(),
                ));
            }
            let opts = run::RunOptions {
                label: common.label.clone(),
                rates,
                step: Duration::from_secs_f64(duration),
                drain: Duration::from_secs_f64(drain.max(0.0)),
                payload_bytes: payload,
                pids: common.pids.clone(),
                p99_limit_ms,
                keep_going,
                progress,
            };
            let report = run::run(plan(&common)?, opts).await?;
            match &report.best {
                Some(b) => println!(
                    "{:>6} best within p99 < {} ms: {:.0} delivered msgs/s (p99 {:.1} ms)",
                    report.label, report.p99_limit_ms, b.delivered_per_sec, b.p99_ms
                ),
                None => println!(
                    "{:>6} no step met p99 < {} ms without loss",
                    report.label, report.p99_limit_ms
                ),
            }
            write_json(&common.json, &report)
        }
        Command::Idle { common, settle } => {
            let report = run::idle(
                plan(&common)?,
                common.label.clone(),
                common.pids.clone(),
                Duration::from_secs_f64(settle),
            )
            .await?;
            write_json(&common.json, &report)
        }
        Command::Compare {
            load,
            idle,
            baseline_load,
            baseline_idle,
        } => {
            let candidate = compare::Side {
                load: read_json(&load)?,
                idle: read_json(&idle)?,
            };
            let baseline = compare::Side {
                load: read_json(&baseline_load)?,
                idle: read_json(&baseline_idle)?,
            };
            print!("{}", compare::markdown(&candidate, &baseline));
            Ok(())
        }
    }
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // Two worker threads: the generator shares this 2-core machine with the servers it measures, and more
    // threads would only add contention.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("escala-chat-load: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(main_inner(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("escala-chat-load: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

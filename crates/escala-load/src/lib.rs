//! An HTTP load generator for watching an Auto Scaling group react: a fixed rate of GETs at a load
//! balancer, with a live rate and latency readout, and a count of which instances answered; and,
//! for the chat on Fargate, a driver of the workload's own chat load generator ([`run_chat`]).
//!
//! ```no_run
//! # async fn example() -> Result<(), escala_load::LoadError> {
//! use std::time::Duration;
//! use escala_load::{run, LoadPlan};
//! use tokio_util::sync::CancellationToken;
//!
//! let plan = LoadPlan::new("http://my-alb-123.us-east-1.elb.amazonaws.com/", 200, Duration::from_secs(60))?;
//! let report = run(&plan, |s| println!("{:.0} req/s", s.rps), CancellationToken::new()).await?;
//! println!("{} instances answered", report.distinct_body_count);
//! # Ok(())
//! # }
//! ```

mod chat;
pub mod duration;
mod error;
mod plan;
mod report;
mod request;
mod run;
mod stats;

pub use chat::{
    chat_load_binary, run_chat, ChatLatency, ChatPlan, ChatReport, ChatSnapshot, MAX_CLIENTS,
    MAX_MESSAGE_RATE, PER_CLIENT_RATE,
};
pub use error::{Input, LoadError};
pub use plan::{
    LoadPlan, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT, MAX_CONCURRENCY, MAX_DURATION, MAX_RPS,
    MAX_TIMEOUT,
};
pub use report::{ErrorCounts, Latency, Report, Snapshot, StatusCounts};
pub use run::run;

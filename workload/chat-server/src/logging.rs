use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;
use crate::error::ServerError;

/// Structured logs on stdout: JSON lines for log collectors (CloudWatch reads them as-is), or human-readable
/// lines on a terminal. `RUST_LOG` overrides the default level.
pub fn init(format: LogFormat) -> Result<(), ServerError> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let result = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
    result.map_err(|e| ServerError::Logging(e.to_string()))
}

//! Turning SDK errors into engine errors that keep AWS's code and message and say whether a retry
//! can help.

use std::future::Future;
use std::time::{Duration, Instant};

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::waiters::error::WaiterError;
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use escala_core::task::{ErrorClass, TaskError};

use crate::AwsError;

/// Codes that mean "try again": throttling, AWS-side failures, and objects still in use while
/// deleting (`DependencyViolation`, an address still held by a NAT gateway being deleted).
fn retryable_code(code: &str) -> bool {
    matches!(
        code,
        "Throttling"
            | "ThrottlingException"
            | "RequestLimitExceeded"
            | "RequestThrottled"
            | "TooManyRequestsException"
            | "ServiceUnavailable"
            | "Unavailable"
            | "InternalError"
            | "InternalFailure"
            | "DependencyViolation"
            | "InvalidIPAddress.InUse"
            // ELBv2: a target group still used by a load balancer being deleted.
            | "ResourceInUse"
            | "IncorrectState"
    )
}

/// `InvalidVpcID.NotFound` right after CreateVpc: AWS's eventual consistency. Retried briefly only,
/// since an id deleted outside Escala stays missing.
pub(crate) fn is_not_found(code: &str) -> bool {
    code.ends_with("NotFound")
}

/// Classifies an SDK error for the engine.
pub(crate) fn task_error<E>(err: SdkError<E, Response>) -> TaskError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let status = err.raw_response().map(|r| r.status().as_u16());
    match &err {
        SdkError::ServiceError(_) => {
            // A 403 without a readable body (some services and emulators send HTML) is still
            // a denial, and says so instead of "Unknown".
            let code = match (err.code(), status) {
                (Some(c), _) => c.to_string(),
                (None, Some(403)) => "AccessDenied".to_string(),
                (None, _) => "Unknown".to_string(),
            };
            let message = err
                .message()
                .map(str::to_string)
                .unwrap_or_else(|| format!("no details{}", http(status)));
            if retryable_code(&code) || status.is_some_and(|s| s >= 500) {
                TaskError::retryable(code, message)
            } else if is_not_found(&code) {
                TaskError::eventual(code, message)
            } else {
                TaskError::fatal(code, message)
            }
        }
        SdkError::TimeoutError(_) => TaskError::retryable("Timeout", "the request timed out"),
        SdkError::DispatchFailure(_) => TaskError::retryable("NetworkError", describe(&err)),
        SdkError::ResponseError(_) => {
            let message = format!("unreadable response{}: {}", http(status), describe(&err));
            if status.is_some_and(|s| s >= 500) {
                TaskError::retryable("ServerError", message)
            } else {
                TaskError::fatal("BadResponse", message)
            }
        }
        _ => TaskError::fatal("SdkError", describe(&err)),
    }
}

/// Runs an SDK waiter to the end, riding out transient polling errors (throttling, a NotFound just
/// after the create) that would otherwise end the wait, up to `max` in all. The create before the
/// wait is never repeated: only the polling is.
pub(crate) async fn wait_through_transients<T, O, E, F, Fut>(
    what: &str,
    max: Duration,
    mut wait: F,
) -> Result<(), TaskError>
where
    F: FnMut(Duration) -> Fut,
    Fut: Future<Output = Result<T, WaiterError<O, E>>>,
    E: ProvideErrorMetadata + std::error::Error + 'static,
    O: std::fmt::Debug,
{
    let started = Instant::now();
    loop {
        let remaining = max.saturating_sub(started.elapsed());
        match wait(remaining).await {
            Ok(_) => return Ok(()),
            Err(WaiterError::OperationFailed(f)) => {
                let e = task_error(f.into_error());
                if e.class != ErrorClass::Fatal && started.elapsed() < max {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
                return Err(TaskError::fatal(e.code, format!("{what}: {}", e.message)));
            }
            Err(WaiterError::ExceededMaxWait(_)) => {
                return Err(TaskError::fatal(
                    "WaitTimeout",
                    format!("{what}: still not done after {}s", max.as_secs()),
                ))
            }
            Err(other) => {
                return Err(TaskError::fatal(
                    "WaiterFailed",
                    format!("{what}: {}", describe(&other)),
                ))
            }
        }
    }
}

/// Runs a read, retrying a retryable failure a few times on the spot. Reads are safe to repeat, and
/// discovery sends several at once: one throttled call must not make the engine redo the batch.
pub(crate) async fn read<T, F, Fut>(mut call: F) -> Result<T, TaskError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, TaskError>>,
{
    let mut delay = Duration::from_millis(50);
    for _ in 0..4 {
        match call().await {
            Err(e) if e.class != ErrorClass::Fatal => {
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
            done => return done,
        }
    }
    call().await
}

/// Deleting something already gone is success: a crashed destroy re-runs cleanly. The NotFound
/// codes are retryable elsewhere (eventual consistency after create) but final here.
pub(crate) fn ignore_gone<T>(r: Result<T, TaskError>) -> Result<(), TaskError> {
    match r {
        Err(e) if is_not_found(&e.code) => Ok(()),
        Err(e) => Err(e),
        Ok(_) => Ok(()),
    }
}

/// The same, for calls outside the engine (credentials, IAM).
pub(crate) fn api_error<E>(operation: &'static str, err: SdkError<E, Response>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    AwsError::api(operation, task_error(err))
}

fn http(status: Option<u16>) -> String {
    status.map(|s| format!(" (HTTP {s})")).unwrap_or_default()
}

/// The whole source chain: the SDK's own Display is often just "dispatch failure".
pub(crate) fn describe(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// A request part whose builder checks its required fields: a missing one is a bug of Escala's
/// own, so it is fatal.
pub(crate) fn built<T>(
    r: Result<T, aws_smithy_types::error::operation::BuildError>,
) -> Result<T, TaskError> {
    r.map_err(|e| TaskError::fatal("BuildError", describe(&e)))
}

/// Extension for `Result<T, SdkError>`: `.map_err(task)` reads less well than `.task()?`.
pub(crate) trait SdkResultExt<T> {
    fn task(self) -> Result<T, TaskError>;
}

impl<T, E> SdkResultExt<T> for Result<T, SdkError<E, Response>>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    fn task(self) -> Result<T, TaskError> {
        self.map_err(task_error)
    }
}

#[cfg(test)]
mod tests {
    use super::{is_not_found, retryable_code};

    #[test]
    fn classification() {
        for code in ["Throttling", "RequestLimitExceeded", "DependencyViolation"] {
            assert!(retryable_code(code), "{code}");
        }
        for code in ["InvalidVpcID.NotFound", "InvalidNatGatewayID.NotFound"] {
            assert!(is_not_found(code) && !retryable_code(code), "{code}");
        }
        for code in [
            "InvalidParameterValue",
            "UnauthorizedOperation",
            "VpcLimitExceeded",
            "InvalidSubnet.Conflict",
        ] {
            assert!(!retryable_code(code), "{code}");
        }
    }
}

//! An HTTP proxy in front of the emulator that injects faults and counts calls per API action.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::faults::{Decision, FaultState, Faults};

/// The proxy crate's one error type.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    #[error("the fault proxy could not listen on loopback: {0}")]
    Bind(#[from] std::io::Error),
}

/// Calls seen by the proxy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Requests received, injected faults included.
    pub requests: u64,
    /// Requests per API action (`CreateVpc`, `DescribeSubnets`…).
    pub by_action: BTreeMap<String, u64>,
    /// Faults answered by the proxy itself.
    pub injected: u64,
    /// When each request arrived, and its action, in order: what a benchmark attributes to the
    /// task that was running then.
    pub arrivals: Vec<(std::time::Instant, String)>,
}

struct Shared {
    faults: Mutex<Faults>,
    state: Mutex<FaultState>,
    stats: Mutex<Stats>,
    upstream: String,
    client: Client<HttpConnector, Full<Bytes>>,
}

/// A running proxy; stopped when dropped.
pub struct FaultProxy {
    endpoint: String,
    shared: Arc<Shared>,
    server: JoinHandle<()>,
}

impl std::fmt::Debug for FaultProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultProxy")
            .field("endpoint", &self.endpoint)
            .finish()
    }
}

impl FaultProxy {
    /// Starts a proxy on a free loopback port that forwards to `upstream` (`http://127.0.0.1:PORT`).
    pub async fn start(upstream: &str, faults: Faults) -> Result<Self, ProxyError> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let endpoint = format!("http://{}", listener.local_addr()?);
        let shared = Arc::new(Shared {
            faults: Mutex::new(faults),
            state: Mutex::new(FaultState::default()),
            stats: Mutex::new(Stats::default()),
            upstream: upstream.trim_end_matches('/').to_string(),
            client: Client::builder(TokioExecutor::new()).build(no_delay_connector()),
        });
        let s = shared.clone();
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                // The proxy must add exactly the configured latency: no Nagle stalls on top.
                let _ = stream.set_nodelay(true);
                let s = s.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req| handle(s.clone(), req));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Self {
            endpoint,
            shared,
            server,
        })
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Changes the faults from the next request on.
    pub fn set_faults(&self, faults: Faults) {
        *self.shared.faults.lock().expect("faults lock") = faults;
    }

    pub fn stats(&self) -> Stats {
        self.shared.stats.lock().expect("stats lock").clone()
    }

    pub fn reset_stats(&self) {
        *self.shared.stats.lock().expect("stats lock") = Stats::default();
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn handle(
    s: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&body).to_string();
    // Query-protocol services name the action in the form; JSON-protocol ones (ECS, ECR, Logs,
    // Application Auto Scaling) in X-Amz-Target, as `<service>.<Action>`.
    let action = form_value(&text, "Action")
        .or_else(|| {
            parts
                .headers
                .get("x-amz-target")
                .and_then(|v| v.to_str().ok())
                .and_then(|t| t.rsplit('.').next())
                .map(String::from)
        })
        .unwrap_or_else(|| "Unknown".into());
    let faults = s.faults.lock().expect("faults lock").clone();
    {
        let mut stats = s.stats.lock().expect("stats lock");
        stats.requests += 1;
        *stats.by_action.entry(action.clone()).or_default() += 1;
        stats
            .arrivals
            .push((std::time::Instant::now(), action.clone()));
    }
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    let decision = faults.decide(&mut s.state.lock().expect("state lock"), &action, &text);
    if let Decision::Fail {
        status,
        code,
        message,
    } = decision
    {
        s.stats.lock().expect("stats lock").injected += 1;
        return Ok(error_response(
            status,
            &code,
            &message,
            text.contains("Version=2016-11-15"),
        ));
    }
    let uri = format!(
        "{}{}",
        s.upstream,
        parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/")
    );
    let mut forward = Request::builder().method(parts.method).uri(uri);
    for (name, value) in &parts.headers {
        if name != hyper::header::HOST {
            forward = forward.header(name, value);
        }
    }
    let forward = forward.body(Full::new(body)).expect("a valid request");
    match s.client.request(forward).await {
        Ok(resp) => {
            let (parts, body) = resp.into_parts();
            let bytes = body
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_default();
            faults.observe(
                &mut s.state.lock().expect("state lock"),
                &action,
                &String::from_utf8_lossy(&bytes),
            );
            if faults.lose_answer(&mut s.state.lock().expect("state lock"), &action) {
                s.stats.lock().expect("stats lock").injected += 1;
                let ec2 = text.contains("Version=2016-11-15");
                return Ok(error_response(
                    500,
                    "InternalError",
                    "injected: the answer was lost",
                    ec2,
                ));
            }
            Ok(Response::from_parts(parts, Full::new(bytes)))
        }
        Err(e) => Ok(error_response(
            502,
            "BadGateway",
            &format!("the emulator did not answer: {e}"),
            false,
        )),
    }
}

fn no_delay_connector() -> HttpConnector {
    let mut c = HttpConnector::new();
    c.set_nodelay(true);
    c
}

/// An error in the protocol's own shape, so the SDK parses its code: EC2's `<Response><Errors>` or
/// the query protocol's `<ErrorResponse>` (IAM, STS).
fn error_response(status: u16, code: &str, message: &str, ec2: bool) -> Response<Full<Bytes>> {
    let body = if ec2 {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>injected</RequestID></Response>")
    } else {
        format!("<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>injected</RequestId></ErrorResponse>")
    };
    Response::builder()
        .status(status)
        .header("content-type", "text/xml")
        .body(Full::new(Bytes::from(body)))
        .expect("a valid response")
}

/// A value from an `application/x-www-form-urlencoded` body.
fn form_value(body: &str, key: &str) -> Option<String> {
    body.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then(|| v.to_string())
    })
}

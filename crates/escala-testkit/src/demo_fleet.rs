//! A local HTTP server that answers like the ASG demo instances behind a load balancer, for the load
//! generator's tests. Paths:
//!
//! - `/`: 200 with [`INSTANCES`] in turn as the first line, like a load balancer spreading requests.
//! - `/slow`: 200 after [`SLOW`], longer than any test's request timeout.
//! - `/unavailable`: 503, as a load balancer with no healthy target answers.
//! - `/mixed`: 200, 301, 404 and 503 in turn.
//! - anything else: 404.

use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub const INSTANCES: [&str; 2] = ["i-0aaaaaaaaaaaaaaa1", "i-0bbbbbbbbbbbbbbb2"];
pub const SLOW: Duration = Duration::from_secs(2);

#[derive(Debug, Default)]
struct Counters {
    requests: AtomicU64,
    turn: AtomicU64,
}

/// A running server on a free loopback port; stops accepting when dropped.
#[derive(Debug)]
pub struct TestServer {
    base: String,
    counters: Arc<Counters>,
    accept: JoinHandle<()>,
}

impl TestServer {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free loopback port");
        let base = format!("http://{}", listener.local_addr().expect("a bound address"));
        let counters = Arc::new(Counters::default());
        let c = counters.clone();
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let c = c.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req| answer(c.clone(), req));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self {
            base,
            counters,
            accept,
        }
    }

    /// The URL of `path` (starting with `/`) on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Requests received so far, on every path.
    pub fn requests(&self) -> u64 {
        self.counters.requests.load(Ordering::SeqCst)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn answer(
    counters: Arc<Counters>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    counters.requests.fetch_add(1, Ordering::SeqCst);
    let turn = || counters.turn.fetch_add(1, Ordering::SeqCst);
    let (status, body) = match req.uri().path() {
        "/" => {
            let instance = INSTANCES[turn() as usize % INSTANCES.len()];
            (
                StatusCode::OK,
                format!("{instance}\n<p>served by {instance}</p>\n"),
            )
        }
        "/slow" => {
            tokio::time::sleep(SLOW).await;
            (StatusCode::OK, "finally\n".into())
        }
        "/unavailable" => (
            StatusCode::SERVICE_UNAVAILABLE,
            "503 Service Unavailable\n".into(),
        ),
        "/mixed" => {
            let statuses = [
                StatusCode::OK,
                StatusCode::MOVED_PERMANENTLY,
                StatusCode::NOT_FOUND,
                StatusCode::SERVICE_UNAVAILABLE,
            ];
            let status = statuses[turn() as usize % statuses.len()];
            (status, format!("{status}\n"))
        }
        _ => (StatusCode::NOT_FOUND, "not found\n".into()),
    };
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    Ok(response)
}

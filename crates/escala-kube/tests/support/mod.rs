//! A scripted API server in the style of controller-rs' `ApiServerVerifier`: a tower-test mock
//! pair behind a real `kube::Client`, answering each expected request in turn and checking its
//! method and path. A request the script doesn't expect fails the test, and so does a script
//! left unfinished.

use std::time::Duration;

use http::{Method, Request, Response, StatusCode};
use kube::client::Body;
use serde_json::{json, Value};
use tokio::task::JoinHandle;

pub type Handle = tower_test::mock::Handle<Request<Body>, Response<Body>>;

/// One exchange: what the client must ask, and what the server answers.
pub struct Exchange {
    pub method: Method,
    /// The path and query, exactly as kube-rs sends them.
    pub uri: String,
    pub status: u16,
    pub body: Value,
    /// Held back this long before answering (a slow API server).
    pub delay: Option<Duration>,
    /// Neighbours in the script with the same non-zero group may come in any order: requests a
    /// client sends concurrently.
    pub group: u32,
}

/// These exchanges in any order among themselves.
// Each test binary compiles this module; not every one sends requests concurrently.
#[allow(dead_code)]
pub fn together(group: u32, exchanges: Vec<Exchange>) -> Vec<Exchange> {
    exchanges
        .into_iter()
        .map(|e| Exchange { group, ..e })
        .collect()
}

pub fn ok(method: Method, uri: &str, body: Value) -> Exchange {
    Exchange {
        method,
        uri: uri.to_string(),
        status: 200,
        body,
        delay: None,
        group: 0,
    }
}

/// A refusal, as the API server writes a `Status`.
pub fn refused(method: Method, uri: &str, code: u16, reason: &str) -> Exchange {
    Exchange {
        method,
        uri: uri.to_string(),
        status: code,
        body: json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": format!("the server says {reason}"), "reason": reason, "code": code,
        }),
        delay: None,
        group: 0,
    }
}

pub fn not_found(method: Method, uri: &str) -> Exchange {
    refused(method, uri, 404, "NotFound")
}

/// A request as the server received it.
#[derive(Debug)]
pub struct Received {
    pub method: Method,
    pub content_type: Option<String>,
    pub body: Option<Value>,
}

pub const ENDPOINT: &str = "https://cluster.test";
pub const IDENTITY: &str = "arn:aws:iam::123456789012:user/escala-deploy";

/// A cluster whose API server plays `script`; the handle returns what it received.
pub fn api_server(script: Vec<Exchange>) -> (escala_kube::Cluster, JoinHandle<Vec<Received>>) {
    let (service, handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    let client = kube::Client::new(service, "default");
    let cluster = escala_kube::Cluster::new(client, ENDPOINT, IDENTITY).with_patience(
        escala_kube::Patience {
            call: Duration::from_millis(500),
            tries: 3,
            backoff: Duration::from_millis(1),
            poll: Duration::from_millis(1),
        },
    );
    (cluster, tokio::spawn(serve(handle, script)))
}

async fn serve(mut handle: Handle, script: Vec<Exchange>) -> Vec<Received> {
    let mut received = Vec::new();
    let mut pending: std::collections::VecDeque<Exchange> = script.into();
    let mut i = 0;
    while let Some(head) = pending.front() {
        let (request, send) = handle
            .next_request()
            .await
            .unwrap_or_else(|| panic!("request {i} ({} {}) never came", head.method, head.uri));
        let method = request.method().clone();
        let uri = request.uri().to_string();
        // The exchanges this request may be: the head, or any of its group's run.
        let run = match head.group {
            0 => 1,
            g => pending.iter().take_while(|e| e.group == g).count(),
        };
        let at = pending
            .iter()
            .take(run)
            .position(|e| e.method == method && e.uri == uri)
            .unwrap_or(0);
        let exchange = pending.remove(at).expect("a pending exchange");
        i += 1;
        let content_type = request
            .headers()
            .get(http::header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_string());
        let bytes = request.into_body().collect_bytes().await.unwrap();
        let body = (!bytes.is_empty()).then(|| serde_json::from_slice(&bytes).unwrap());
        assert_eq!(
            (&method, uri.as_str()),
            (&exchange.method, exchange.uri.as_str()),
            "request {i}"
        );
        if let Some(delay) = exchange.delay {
            tokio::time::sleep(delay).await;
        }
        received.push(Received {
            method,
            content_type,
            body,
        });
        send.send_response(
            Response::builder()
                .status(StatusCode::from_u16(exchange.status).unwrap())
                .body(Body::from(serde_json::to_vec(&exchange.body).unwrap()))
                .unwrap(),
        );
    }
    received
}

/// Waits for the script to finish: every expected request came.
pub async fn finished(handle: JoinHandle<Vec<Received>>) -> Vec<Received> {
    tokio::time::timeout(Duration::from_secs(5), handle)
        .await
        .expect("the script finished")
        .expect("the script's checks passed")
}

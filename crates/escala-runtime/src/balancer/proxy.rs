//! One listener of a load balancer: a loopback HTTP/1.1 server that forwards each request to a
//! target of its target group, as ALB does (round robin, `lb_cookie` stickiness, the
//! `X-Forwarded-*` headers, WebSocket upgrades passed through), and counts what it served for the
//! load balancer's metrics.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, COOKIE, SET_COOKIE, UPGRADE};
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

use super::table::{Counters, Shared, STICKY_COOKIE};

type Body = BoxBody<Bytes, hyper::Error>;

/// What a listener needs to route: which listener it is and where it reads its table.
#[derive(Debug, Clone)]
pub struct Route {
    pub balancer: String,
    pub listener: String,
    /// The port clients believe they reach (80): what `X-Forwarded-Port` says.
    pub port: u16,
    pub table: Shared,
    pub counters: Arc<Counters>,
}

/// Serves `route` on `listener` until `stop`.
pub async fn serve(listener: TcpListener, route: Route, stop: CancellationToken) {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client: Client<HttpConnector, Incoming> =
        Client::builder(TokioExecutor::new()).build(connector);
    loop {
        let (stream, peer) = tokio::select! {
            _ = stop.cancelled() => return,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(_) => continue,
            },
        };
        let _ = stream.set_nodelay(true);
        let (route, client) = (route.clone(), client.clone());
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let (route, client) = (route.clone(), client.clone());
                async move { Ok::<_, Infallible>(forward(req, peer, &route, &client).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades()
                .await;
        });
    }
}

fn sticky_target(req: &Request<Incoming>) -> Option<String> {
    req.headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == STICKY_COOKIE)
        .map(|(_, v)| v.to_string())
}

fn answer(status: StatusCode, text: &'static str) -> Response<Body> {
    let body = Full::new(Bytes::from_static(text.as_bytes()))
        .map_err(|never| match never {})
        .boxed();
    let mut r = Response::new(body);
    *r.status_mut() = status;
    r
}

async fn forward(
    mut req: Request<Incoming>,
    peer: SocketAddr,
    route: &Route,
    client: &Client<HttpConnector, Incoming>,
) -> Response<Body> {
    let table = route.table.read().expect("not poisoned").clone();
    let Some(group) = table.group_for(&route.listener).map(str::to_string) else {
        return answer(
            StatusCode::SERVICE_UNAVAILABLE,
            "503 Service Temporarily Unavailable\n",
        );
    };
    let cookie = sticky_target(&req);
    let pool = table.pools.get(&group);
    let Some(backend) = pool.and_then(|p| p.pick(cookie.as_deref())).cloned() else {
        route
            .counters
            .add(&route.balancer, &group, |s| s.elb_5xx += 1);
        return answer(
            StatusCode::SERVICE_UNAVAILABLE,
            "503 Service Temporarily Unavailable\n",
        );
    };
    let sticky = pool.and_then(|p| p.sticky);
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let uri = format!("http://{}{}", backend.addr, path);
    *req.uri_mut() = uri.parse().expect("an address and a path");
    let headers = req.headers_mut();
    headers.insert("x-forwarded-for", header(&peer.ip().to_string()));
    headers.insert("x-forwarded-proto", HeaderValue::from_static("http"));
    headers.insert("x-forwarded-port", header(&route.port.to_string()));
    let upgrade = req.headers().contains_key(UPGRADE);
    let started = Instant::now();
    let result = if upgrade {
        pass_upgrade(req, backend.addr).await
    } else {
        client
            .request(req)
            .await
            .map(|r| r.map(BodyExt::boxed))
            .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)
    };
    let elapsed = started.elapsed().as_secs_f64();
    let mut response = match result {
        Ok(r) => r,
        Err(_) => {
            route.counters.add(&route.balancer, &group, |s| {
                s.requests += 1;
                s.elb_5xx += 1;
            });
            return answer(StatusCode::BAD_GATEWAY, "502 Bad Gateway\n");
        }
    };
    let status = response.status().as_u16();
    route.counters.add(&route.balancer, &group, |s| {
        s.requests += 1;
        s.response_seconds += elapsed;
        match status {
            200..=299 => s.target_2xx += 1,
            400..=499 => s.target_4xx += 1,
            500..=599 => s.target_5xx += 1,
            _ => {}
        }
    });
    if let Some(duration) = sticky {
        let cookie = format!(
            "{STICKY_COOKIE}={}; Max-Age={}; Path=/",
            backend.target,
            duration.as_secs()
        );
        response.headers_mut().append(SET_COOKIE, header(&cookie));
    }
    response
}

fn header(value: &str) -> HeaderValue {
    HeaderValue::from_str(value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// An `Upgrade` request (WebSocket): sent on a connection of its own, and once the target
/// switches protocols, the two connections are joined byte for byte.
async fn pass_upgrade(
    mut req: Request<Incoming>,
    addr: SocketAddr,
) -> Result<Response<Body>, Box<dyn std::error::Error + Send + Sync>> {
    let from_client = hyper::upgrade::on(&mut req);
    let stream = TcpStream::connect(addr).await?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn.with_upgrades());
    let mut response = sender.send_request(req).await?;
    if response.status() == StatusCode::SWITCHING_PROTOCOLS {
        let from_target = hyper::upgrade::on(&mut response);
        tokio::spawn(async move {
            if let (Ok(client), Ok(target)) = (from_client.await, from_target.await) {
                let _ = tokio::io::copy_bidirectional(
                    &mut TokioIo::new(client),
                    &mut TokioIo::new(target),
                )
                .await;
            }
        });
    }
    Ok(response.map(BodyExt::boxed))
}

//! The HTTP side: the health check for load balancers and the web client's static files.

use std::path::Path;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json};
use axum::routing::get;
use serde::Serialize;
use tower_http::services::ServeDir;

use crate::app::SharedApp;

#[derive(Serialize)]
struct Health<'a> {
    status: &'a str,
    instance: &'a str,
    connections: u64,
    redis: &'a str,
}

/// 200 while this instance can serve; 503 once it is draining (so the load balancer stops sending new
/// clients) or while Redis does not answer (messages could be neither stored nor shared).
async fn health(State(app): State<SharedApp>) -> impl IntoResponse {
    let redis_ok = app.history.ping().await.is_ok();
    let draining = app.is_draining();
    let status = match (draining, redis_ok) {
        (true, _) => "draining",
        (false, false) => "redis_unavailable",
        (false, true) => "ok",
    };
    let code = if status == "ok" {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = Health {
        status,
        instance: &app.config.instance_id,
        connections: app.connections(),
        redis: match (app.history.shared(), redis_ok) {
            (false, _) => "none",
            (true, true) => "ok",
            (true, false) => "unavailable",
        },
    };
    (code, Json(body)).into_response()
}

pub fn router(app: SharedApp, web_dir: &Path) -> Router {
    Router::new()
        .route("/healthz", get(health))
        .fallback_service(ServeDir::new(web_dir).append_index_html_on_directories(true))
        .with_state(app)
}

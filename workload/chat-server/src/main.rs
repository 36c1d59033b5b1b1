//! escala-chat: the socket.io chat server. See workload/README.md for configuration.
//! `escala-chat healthcheck` probes a running instance on the configured port (for container health checks).

mod app;
mod config;
mod error;
mod events;
mod handlers;
mod history;
mod http;
mod logging;
mod owned_request;
mod probe;
mod rate_limit;
mod reply;
mod session;
mod shutdown;
mod validate;

use std::time::Duration;

use axum::ServiceExt;
use axum::middleware::map_request;
use axum::serve::ListenerExt;
use socketioxide::adapter::Adapter;
use socketioxide::handler::ConnectHandler;
use socketioxide::layer::SocketIoLayer;
use socketioxide::{SocketIo, SocketIoBuilder};
use socketioxide_redis::drivers::redis::redis_client;
use socketioxide_redis::{RedisAdapter, RedisAdapterConfig, RedisAdapterCtr};
use tokio::sync::oneshot;
use tower_layer::Layer;

use crate::app::{App, SharedApp};
use crate::config::Config;
use crate::error::ServerError;
use crate::history::History;

fn main() -> std::process::ExitCode {
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("escala-chat: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(config.worker_threads)
        .enable_all()
        .build();
    match runtime {
        Ok(rt) => rt.block_on(start(config)),
        Err(e) => {
            eprintln!("escala-chat: cannot start the runtime: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn start(config: Config) -> std::process::ExitCode {
    if std::env::args().nth(1).as_deref() == Some("healthcheck") {
        return if probe::run(&config).await {
            std::process::ExitCode::SUCCESS
        } else {
            std::process::ExitCode::FAILURE
        };
    }
    if let Err(e) = logging::init(config.log_format) {
        eprintln!("escala-chat: {e}");
        return std::process::ExitCode::from(2);
    }
    match run(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "escala-chat stopped");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The socket.io layer's settings, before its adapter is chosen.
fn builder(config: &Config, app: &SharedApp) -> SocketIoBuilder {
    SocketIo::builder()
        .max_payload(config.max_payload_bytes)
        .max_buffer_size(config.socket_buffer)
        .ws_read_buffer_size(config.ws_read_buffer)
        .with_state(app.clone())
}

async fn run(config: Config) -> Result<(), ServerError> {
    tracing::info!(
        instance = %config.instance_id,
        bind = %config.bind,
        redis = %config.redacted_redis_url(),
        history_len = config.history_len,
        "starting"
    );
    // One instance alone (`REDIS_URL=none`) needs no adapter between instances, nor shared history.
    if config.alone() {
        let app = App::new(config.clone(), History::in_memory(config.history_len));
        let (layer, io) = builder(&config, &app).build_layer();
        io.ns("/", handlers::on_connect.with(handlers::register));
        return serve(config, app, layer, io).await;
    }
    let client = redis_client::Client::open(config.redis_url_resp3())?;
    // The adapter drops pub/sub messages when its inbound queue is full; the default (1024) is small for a busy
    // instance.
    let adapter_config = RedisAdapterConfig::new().with_stream_buffer(config.adapter_buffer);
    let adapter = RedisAdapterCtr::new_with_redis_config(&client, adapter_config).await?;
    let history = History::new(
        redis_client::aio::ConnectionManager::new(client).await?,
        config.history_len,
    );
    let app = App::new(config.clone(), history);
    let (layer, io) = builder(&config, &app)
        .with_adapter::<RedisAdapter<_>>(adapter)
        .build_layer();
    io.ns("/", handlers::on_connect.with(handlers::register))
        .await
        .map_err(|e| ServerError::Namespace(e.to_string()))?;
    serve(config, app, layer, io).await
}

/// Serves the chat with its socket.io layer (its namespace declared: the local adapter's is ready at
/// once, the Redis adapter's once subscribed, so each caller declares its own) until a stop signal,
/// then drains.
async fn serve<A: Adapter>(
    config: Config,
    app: SharedApp,
    layer: SocketIoLayer<A>,
    io: SocketIo<A>,
) -> Result<(), ServerError> {
    let router = http::router(app.clone(), &config.web_dir).layer(layer);
    // Around the whole router, not through `Router::layer`: routing itself keeps a copy of the URI.
    let service = map_request(owned_request::own_socket_io_request).layer(router);
    let listener = tokio::net::TcpListener::bind(config.bind).await?;
    tracing::info!(addr = %listener.local_addr()?, "listening");
    // Nagle's algorithm with delayed ACKs holds small websocket frames back for up to ~40 ms.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "cannot set TCP_NODELAY");
        }
    });

    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(listener, service.into_make_service())
            .with_graceful_shutdown(async move {
                let _ = stop_rx.await;
            })
            .await
    });

    shutdown::signal().await;
    shutdown::drain(&app, &io).await;
    let _ = stop_tx.send(());
    match tokio::time::timeout(Duration::from_secs(5), server).await {
        Ok(Ok(result)) => result?,
        Ok(Err(join)) => tracing::error!(error = %join, "server task failed"),
        Err(_) => tracing::warn!("HTTP connections still open after 5 s, exiting anyway"),
    }
    tracing::info!("stopped");
    Ok(())
}

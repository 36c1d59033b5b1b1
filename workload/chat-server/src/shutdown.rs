//! Graceful shutdown on SIGTERM (what ECS/Fargate sends) or Ctrl-C.
//!
//! 1. Draining: the health check answers 503 and new connections are refused, while connected clients keep
//!    chatting for the grace period, time for the load balancer to stop routing here.
//! 2. Closing: new messages are refused with `shutting_down` (clients resend through another instance), and
//!    messages already accepted finish: stored in Redis, published, acknowledged.
//! 3. Every socket is disconnected (clients reconnect elsewhere), then the HTTP server stops.

use std::time::Duration;

use socketioxide::SocketIo;
use socketioxide::adapter::Adapter;

use crate::app::SharedApp;

pub async fn signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!(signal = "SIGINT", "shutdown requested"),
        () = term => tracing::info!(signal = "SIGTERM", "shutdown requested"),
    }
}

pub async fn drain<A: Adapter>(app: &SharedApp, io: &SocketIo<A>) {
    app.start_draining();
    tracing::info!(
        grace_ms = app.config.drain_grace.as_millis() as u64,
        connections = app.connections(),
        "draining"
    );
    tokio::time::sleep(app.config.drain_grace).await;

    app.start_closing();
    if tokio::time::timeout(app.config.drain_timeout, app.wait_idle())
        .await
        .is_err()
    {
        tracing::warn!("in-flight messages did not finish before the drain timeout");
    }
    tracing::info!(connections = app.connections(), "closing sockets");
    io.close().await;
    // Let the engine flush the disconnect packets before the listener goes away.
    tokio::time::sleep(Duration::from_millis(100)).await;
}

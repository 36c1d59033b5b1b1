//! State shared by every socket and HTTP handler of one instance.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tokio::sync::Notify;

use crate::config::Config;
use crate::history::History;

pub struct App {
    pub config: Config,
    pub history: History,
    /// SIGTERM received: the health check fails and new connections are refused.
    draining: AtomicBool,
    /// Drain grace is over: new messages are refused so that in-flight ones can finish before sockets close.
    closing: AtomicBool,
    connections: AtomicU64,
    next_id: AtomicU64,
    /// Messages accepted but not yet acknowledged (being stored and published).
    in_flight: AtomicU64,
    idle: Notify,
}

pub type SharedApp = Arc<App>;

impl App {
    pub fn new(config: Config, history: History) -> SharedApp {
        Arc::new(Self {
            config,
            history,
            draining: AtomicBool::new(false),
            closing: AtomicBool::new(false),
            connections: AtomicU64::new(0),
            next_id: AtomicU64::new(1),
            in_flight: AtomicU64::new(0),
            idle: Notify::new(),
        })
    }

    /// A message id unique across instances: the instance id plus this instance's counter. Cheaper than a
    /// Redis INCR per message, and ordering across instances is not promised anyway.
    pub fn next_message_id(&self) -> String {
        format!(
            "{}-{}",
            self.config.instance_id,
            self.next_id.fetch_add(1, Ordering::Relaxed)
        )
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    pub fn is_closing(&self) -> bool {
        self.closing.load(Ordering::SeqCst)
    }

    pub fn start_closing(&self) {
        self.closing.store(true, Ordering::SeqCst);
    }

    pub fn connection_opened(&self) {
        self.connections.fetch_add(1, Ordering::Relaxed);
    }

    pub fn connection_closed(&self) {
        self.connections.fetch_sub(1, Ordering::Relaxed);
    }

    pub fn connections(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }

    /// Marks a message as in flight until the guard is dropped, so that shutdown can wait for it.
    pub fn track_in_flight(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(self.clone())
    }

    /// Resolves once no message is in flight.
    pub async fn wait_idle(&self) {
        loop {
            let notified = self.idle.notified();
            if self.in_flight.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }
}

pub struct InFlight(SharedApp);

impl Drop for InFlight {
    fn drop(&mut self) {
        if self.0.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

//! Each load balancer of the sandbox as local listeners: one loopback port per listener, routing
//! to the healthy targets of its target groups, health checks on each group's path and interval,
//! and counters of what was served for its CloudWatch metrics.

pub mod health;
pub mod proxy;
pub mod table;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use escala_sandbox::Speed;
use http_body_util::Empty;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::world::{TargetGroup, World};
use crate::RuntimeError;
use health::{matches, Checks, Health};
use table::{Backend, Counters, Pool, Shared, Table};

/// Where targets serve on this machine: an instance's process, or an ECS task's by its IP.
pub trait Ports: Sync {
    /// The loopback port target `id` (an instance id or an IP) serves on, while it runs.
    fn port(&self, id: &str) -> Option<u16>;
}

/// A listener being served.
#[derive(Debug)]
struct Listening {
    url: String,
    stop: CancellationToken,
}

#[derive(Debug)]
pub struct Balancers {
    listening: HashMap<String, Listening>,
    table: Shared,
    pub counters: Arc<Counters>,
    /// (target group ARN, target id) → its checks.
    checks: HashMap<(String, String), Checks>,
    client: Client<HttpConnector, Empty<bytes::Bytes>>,
}

/// A health change to tell the emulator.
#[derive(Debug, Clone)]
pub struct HealthReport {
    pub target_group: String,
    pub target: String,
    pub health: Health,
}

impl Default for Balancers {
    fn default() -> Self {
        Self {
            listening: HashMap::new(),
            table: Arc::new(RwLock::new(Arc::new(Table::default()))),
            counters: Arc::new(Counters::default()),
            checks: HashMap::new(),
            client: Client::builder(TokioExecutor::new()).build(HttpConnector::new()),
        }
    }
}

impl Balancers {
    /// Opens listeners for new load balancers and closes those of deleted ones. Returns each
    /// load balancer's DNS name and the loopback URL it answers on.
    pub async fn listen(&mut self, world: &World) -> Result<HashMap<String, String>, RuntimeError> {
        let mut urls = HashMap::new();
        let mut wanted = std::collections::HashSet::new();
        for lb in &world.load_balancers {
            for listener in &lb.listeners {
                wanted.insert(listener.arn.clone());
                if !self.listening.contains_key(&listener.arn) {
                    let socket = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
                        .await
                        .map_err(|source| RuntimeError::Listen {
                            what: lb.name.clone(),
                            source,
                        })?;
                    let port = socket.local_addr().map(|a| a.port()).unwrap_or_default();
                    let stop = CancellationToken::new();
                    let route = proxy::Route {
                        balancer: lb.arn.clone(),
                        listener: listener.arn.clone(),
                        port: listener.port,
                        table: self.table.clone(),
                        counters: self.counters.clone(),
                    };
                    tokio::spawn(proxy::serve(socket, route, stop.clone()));
                    self.listening.insert(
                        listener.arn.clone(),
                        Listening {
                            url: format!("http://127.0.0.1:{port}"),
                            stop,
                        },
                    );
                }
            }
            // The DNS name answers where its HTTP listener on port 80 does, else its first.
            let main = lb
                .listeners
                .iter()
                .find(|l| l.port == 80)
                .or(lb.listeners.first());
            if let Some(l) = main.and_then(|l| self.listening.get(&l.arn)) {
                urls.insert(lb.dns_name.clone(), l.url.clone());
            }
        }
        self.listening.retain(|arn, l| {
            let keep = wanted.contains(arn);
            if !keep {
                l.stop.cancel();
            }
            keep
        });
        Ok(urls)
    }

    /// Runs the health checks that are due, and rebuilds the routing table from the results.
    /// Returns the targets whose health changed.
    pub async fn check(
        &mut self,
        world: &World,
        targets: &dyn Ports,
        speed: Speed,
    ) -> Vec<HealthReport> {
        let now = Instant::now();
        let mut due = Vec::new();
        let mut registered = std::collections::HashSet::new();
        for tg in &world.target_groups {
            let interval = speed.wall(Duration::from_secs(tg.health_check.interval_seconds.into()));
            for t in &tg.targets {
                let key = (tg.arn.clone(), t.id.clone());
                registered.insert(key.clone());
                let checks = self.checks.entry(key.clone()).or_default();
                if checks.due(now, interval) {
                    due.push((key, tg, targets.port(&t.id)));
                }
            }
        }
        self.checks.retain(|k, _| registered.contains(k));
        let results = futures::future::join_all(due.into_iter().map(|(key, tg, port)| {
            let client = self.client.clone();
            let timeout = speed.wall(Duration::from_secs(tg.health_check.timeout_seconds.into()));
            async move {
                let passed = match port {
                    Some(port) if tg.health_check.enabled => {
                        probe(&client, port, tg, timeout).await
                    }
                    // Without checks, ALB takes a registered target as healthy.
                    Some(_) => true,
                    None => false,
                };
                (key, tg, passed)
            }
        }))
        .await;
        let mut reports = Vec::new();
        for ((arn, target), tg, passed) in results {
            if let Some(checks) = self.checks.get_mut(&(arn.clone(), target.clone())) {
                if let Some(health) = checks.record(now, passed, &tg.health_check) {
                    reports.push(HealthReport {
                        target_group: arn,
                        target,
                        health,
                    });
                }
            }
        }
        self.route(world, targets);
        reports
    }

    /// The health a target's checks say, if it has any.
    pub fn health(&self, target_group: &str, target: &str) -> Option<Health> {
        self.checks
            .get(&(target_group.to_string(), target.to_string()))
            .map(|c| c.health)
    }

    fn route(&self, world: &World, targets: &dyn Ports) {
        let listeners = world
            .load_balancers
            .iter()
            .flat_map(|lb| &lb.listeners)
            .map(|l| {
                let groups = l
                    .forward
                    .iter()
                    .map(|f| (f.target_group.clone(), f.weight))
                    .collect();
                (l.arn.clone(), groups)
            })
            .collect();
        let pools = world
            .target_groups
            .iter()
            .map(|tg| (tg.arn.clone(), self.pool(tg, targets)))
            .collect();
        *self.table.write().expect("not poisoned") = Arc::new(Table::new(listeners, pools));
    }

    fn pool(&self, tg: &TargetGroup, targets: &dyn Ports) -> Pool {
        let mut healthy = Vec::new();
        let mut registered = Vec::new();
        for t in &tg.targets {
            let Some(port) = targets.port(&t.id) else {
                continue;
            };
            let backend = Backend {
                target: t.id.clone(),
                addr: SocketAddr::from(([127, 0, 0, 1], port)),
            };
            if self.health(&tg.arn, &t.id) == Some(Health::Healthy) {
                healthy.push(backend.clone());
            }
            registered.push(backend);
        }
        Pool::new(healthy, registered, stickiness(tg))
    }

    /// Closes every listener (the sandbox is stopping).
    pub fn close(&mut self) {
        for l in self.listening.values() {
            l.stop.cancel();
        }
        self.listening.clear();
    }
}

/// `lb_cookie` stickiness of a target group, from its attributes.
fn stickiness(tg: &TargetGroup) -> Option<Duration> {
    let a = &tg.attributes;
    let on = a.get("stickiness.enabled").is_some_and(|v| v == "true");
    let lb_cookie = a.get("stickiness.type").is_none_or(|v| v == "lb_cookie");
    let seconds = a
        .get("stickiness.lb_cookie.duration_seconds")
        .and_then(|v| v.parse().ok())
        .unwrap_or(86_400);
    (on && lb_cookie).then(|| Duration::from_secs(seconds))
}

/// How long a deregistered target keeps its in-flight requests (ALB's default is 300 s).
pub fn deregistration_delay(tg: &TargetGroup) -> Duration {
    Duration::from_secs(
        tg.attributes
            .get("deregistration_delay.timeout_seconds")
            .and_then(|v| v.parse().ok())
            .unwrap_or(300),
    )
}

async fn probe(
    client: &Client<HttpConnector, Empty<bytes::Bytes>>,
    port: u16,
    tg: &TargetGroup,
    timeout: Duration,
) -> bool {
    let uri = format!("http://127.0.0.1:{port}{}", tg.health_check.path);
    let Ok(uri) = uri.parse() else {
        return false;
    };
    match tokio::time::timeout(timeout.max(Duration::from_millis(20)), client.get(uri)).await {
        Ok(Ok(response)) => matches(&tg.health_check.matcher, response.status().as_u16()),
        _ => false,
    }
}

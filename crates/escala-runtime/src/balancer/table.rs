//! What the listeners route by: each listener's target groups and each group's healthy
//! backends, swapped whole by the runtime's loop and read by every request.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// ALB's cookie for duration-based stickiness (`lb_cookie`).
pub const STICKY_COOKIE: &str = "AWSALB";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backend {
    pub target: String,
    pub addr: SocketAddr,
}

#[derive(Debug, Default)]
pub struct Pool {
    /// Targets that pass their health checks.
    pub healthy: Vec<Backend>,
    /// Every registered target with a process: where requests go when none is healthy, as ALB
    /// "fails open" when every target of a group fails its checks.
    pub registered: Vec<Backend>,
    /// `lb_cookie` stickiness and its duration.
    pub sticky: Option<Duration>,
    cursor: AtomicUsize,
}

impl Pool {
    pub fn new(healthy: Vec<Backend>, registered: Vec<Backend>, sticky: Option<Duration>) -> Self {
        Self {
            healthy,
            registered,
            sticky,
            cursor: AtomicUsize::new(0),
        }
    }

    /// The backend for a request: the one its sticky cookie names while that one is healthy,
    /// else the next in round robin.
    pub fn pick(&self, cookie: Option<&str>) -> Option<&Backend> {
        let candidates = if self.healthy.is_empty() {
            &self.registered
        } else {
            &self.healthy
        };
        if let (Some(_), Some(target)) = (self.sticky, cookie) {
            if let Some(b) = candidates.iter().find(|b| b.target == target) {
                return Some(b);
            }
        }
        if candidates.is_empty() {
            return None;
        }
        let i = self.cursor.fetch_add(1, Ordering::Relaxed) % candidates.len();
        candidates.get(i)
    }
}

/// A listener's rules: its default action's target groups and their weights.
#[derive(Debug, Default)]
pub struct Table {
    pub listeners: HashMap<String, Vec<(String, u32)>>,
    pub pools: HashMap<String, Pool>,
    weighted: AtomicUsize,
}

impl Table {
    pub fn new(
        listeners: HashMap<String, Vec<(String, u32)>>,
        pools: HashMap<String, Pool>,
    ) -> Self {
        Self {
            listeners,
            pools,
            weighted: AtomicUsize::new(0),
        }
    }

    /// The target group a request of `listener` goes to, by the forward action's weights.
    pub fn group_for(&self, listener: &str) -> Option<&str> {
        let groups = self.listeners.get(listener)?;
        let total: u32 = groups.iter().map(|(_, w)| *w).sum();
        if total == 0 {
            return groups.first().map(|(g, _)| g.as_str());
        }
        let mut n = (self.weighted.fetch_add(1, Ordering::Relaxed) as u32) % total;
        for (group, weight) in groups {
            if n < *weight {
                return Some(group);
            }
            n -= weight;
        }
        None
    }
}

/// What a load balancer has served per target, since the runtime last took it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Served {
    pub requests: u64,
    pub target_2xx: u64,
    pub target_4xx: u64,
    pub target_5xx: u64,
    /// Seconds between sending to the target and its response headers, summed.
    pub response_seconds: f64,
    /// Requests the load balancer answered itself, with no target to send them to.
    pub elb_5xx: u64,
}

/// (load balancer ARN, target group ARN) → what was served.
#[derive(Debug, Default)]
pub struct Counters(Mutex<HashMap<(String, String), Served>>);

impl Counters {
    pub fn add(&self, lb: &str, group: &str, f: impl FnOnce(&mut Served)) {
        let mut map = self.0.lock().expect("not poisoned");
        f(map.entry((lb.to_string(), group.to_string())).or_default());
    }

    pub fn take(&self) -> HashMap<(String, String), Served> {
        std::mem::take(&mut *self.0.lock().expect("not poisoned"))
    }
}

pub type Shared = Arc<std::sync::RwLock<Arc<Table>>>;

#[cfg(test)]
mod tests {
    use super::*;

    fn backend(id: &str, port: u16) -> Backend {
        Backend {
            target: id.into(),
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        }
    }

    #[test]
    fn round_robin_over_healthy_targets_only() {
        let pool = Pool::new(
            vec![backend("i-a", 1), backend("i-b", 2)],
            vec![backend("i-a", 1), backend("i-b", 2), backend("i-c", 3)],
            None,
        );
        let picked: Vec<_> = (0..4)
            .map(|_| pool.pick(None).unwrap().target.clone())
            .collect();
        assert_eq!(picked, ["i-a", "i-b", "i-a", "i-b"]);
    }

    #[test]
    fn with_no_healthy_target_it_fails_open_to_the_registered() {
        let pool = Pool::new(vec![], vec![backend("i-c", 3)], None);
        assert_eq!(pool.pick(None).unwrap().target, "i-c");
        assert!(Pool::new(vec![], vec![], None).pick(None).is_none());
    }

    #[test]
    fn a_sticky_cookie_keeps_its_target_while_it_is_healthy() {
        let sticky = Some(Duration::from_secs(86_400));
        let pool = Pool::new(vec![backend("i-a", 1), backend("i-b", 2)], vec![], sticky);
        for _ in 0..3 {
            assert_eq!(pool.pick(Some("i-b")).unwrap().target, "i-b");
        }
        // Gone or unhealthy: a new target, in round robin.
        assert_ne!(pool.pick(Some("i-z")).unwrap().target, "i-z");
        let unsticky = Pool::new(vec![backend("i-a", 1), backend("i-b", 2)], vec![], None);
        let picked: Vec<_> = (0..2)
            .map(|_| unsticky.pick(Some("i-b")).unwrap().target.clone())
            .collect();
        assert_eq!(
            picked,
            ["i-a", "i-b"],
            "without stickiness the cookie is ignored"
        );
    }

    #[test]
    fn weights_split_requests_between_groups() {
        let table = Table::new(
            HashMap::from([(
                "l".to_string(),
                vec![("blue".to_string(), 3), ("green".to_string(), 1)],
            )]),
            HashMap::new(),
        );
        let picks: Vec<_> = (0..8)
            .map(|_| table.group_for("l").unwrap().to_string())
            .collect();
        assert_eq!(picks.iter().filter(|g| *g == "blue").count(), 6);
        assert_eq!(picks.iter().filter(|g| *g == "green").count(), 2);
    }
}

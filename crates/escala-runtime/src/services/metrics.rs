//! The metrics ECS and ElastiCache publish, from the tasks' and the caches' real work: each
//! service's `CPUUtilization` (the CPU its RUNNING tasks used over the period against the CPU
//! units they reserve, at most 100 %, as Fargate caps a task at its size) and
//! `MemoryUtilization` (resident memory against the task's MiB), averaged over the tasks, under
//! `AWS/ECS` with `ClusterName` and `ServiceName`; and each replication group's primary node's
//! `CurrConnections` under `AWS/ElastiCache` with `CacheClusterId`.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::Instant;

use aws_sdk_cloudwatch::types::StandardUnit;

use super::redis::Caches;
use super::tasks::Tasks;
use crate::metrics::{dims, key, Key};
use crate::world::World;

/// What one task had used at the last period, to take differences.
#[derive(Debug, Clone, Copy)]
struct Seen {
    busy_micros: u64,
    at: Instant,
}

#[derive(Debug, Default)]
pub struct ServiceMetrics {
    seen: HashMap<String, Seen>,
}

impl ServiceMetrics {
    /// This period's values.
    pub async fn values(
        &mut self,
        world: &World,
        tasks: &Tasks,
        caches: &Caches,
    ) -> Vec<(Key, f64, StandardUnit)> {
        let now = Instant::now();
        let mut out = Vec::new();
        for service in &world.services {
            let mut cpus = Vec::new();
            let mut memories = Vec::new();
            for task in service.tasks.iter().filter(|t| t.last_status == "RUNNING") {
                let Some(r) = tasks.running.get(&task.arn) else {
                    continue;
                };
                let usage = &r.process.usage;
                let rss = usage.rss_bytes.load(Ordering::Relaxed) as f64;
                if service.memory > 0 {
                    memories.push(rss / (f64::from(service.memory) * 1024.0 * 1024.0) * 100.0);
                }
                let busy = usage.busy_micros.load(Ordering::Relaxed);
                let before = self.seen.insert(
                    task.arn.clone(),
                    Seen {
                        busy_micros: busy,
                        at: now,
                    },
                );
                let Some(before) = before else {
                    continue;
                };
                let wall = now.duration_since(before.at).as_secs_f64();
                let vcpus = f64::from(service.cpu) / 1024.0;
                if wall > 0.0 && vcpus > 0.0 {
                    let used = busy.saturating_sub(before.busy_micros) as f64 / 1e6;
                    cpus.push((used / (wall * vcpus) * 100.0).min(100.0));
                }
            }
            let dimensions = dims(&[
                ("ClusterName", &service.cluster),
                ("ServiceName", &service.name),
            ]);
            for (name, values) in [("CPUUtilization", cpus), ("MemoryUtilization", memories)] {
                if !values.is_empty() {
                    let average = values.iter().sum::<f64>() / values.len() as f64;
                    out.push((
                        key(&service.place, "AWS/ECS", name, dimensions.clone()),
                        average,
                        StandardUnit::Percent,
                    ));
                }
            }
        }
        self.seen.retain(|arn, _| tasks.running.contains_key(arn));
        for (cache, connections) in caches.connections().await {
            out.push((
                key(
                    &cache.place,
                    "AWS/ElastiCache",
                    "CurrConnections",
                    dims(&[("CacheClusterId", &cache.member)]),
                ),
                connections as f64,
                StandardUnit::Count,
            ));
        }
        out
    }
}

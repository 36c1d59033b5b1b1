//! The runtime's loop: read the emulator's state, then run instances, caches and tasks, serve
//! load balancers, check health, publish metrics and scale, round after round, until stopped.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use escala_sandbox::Speed;
use serde_json::json;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::balancer::health::Health;
use crate::balancer::{deregistration_delay, Balancers, Ports};
use crate::clusters::{Clusters, Workloads};
use crate::emulator::Emulator;
use crate::instances::{self, end_orphans, Changes, Fleet};
use crate::metrics::{Publisher, PERIOD_SECONDS};
use crate::scaler::Scaler;
use crate::services::metrics::ServiceMetrics;
use crate::services::redis::Caches;
use crate::services::scaling::ServiceScaler;
use crate::services::tasks::Tasks;
use crate::warm_pool;
use crate::workload::Workload;
use crate::world::{Group, World};
use crate::RuntimeError;

#[derive(Debug, Clone)]
pub struct Settings {
    pub endpoint: String,
    pub speed: Speed,
    /// The runtime's folder: its pid records live here.
    pub dir: PathBuf,
    pub workload: Arc<dyn Workload>,
    /// What an ECS task's container runs, or why nothing can here.
    pub task_workload: Result<Arc<dyn Workload>, String>,
}

/// Where every target serves: the groups' instances and the services' tasks.
struct Targets<'a> {
    fleet: &'a Fleet,
    tasks: &'a Tasks,
}

impl Ports for Targets<'_> {
    fn port(&self, id: &str) -> Option<u16> {
        self.fleet.port(id).or_else(|| self.tasks.port(id))
    }
}

/// The running runtime; [`Runtime::stop`] ends its processes and listeners.
#[derive(Debug)]
pub struct Runtime {
    stop: CancellationToken,
    task: Option<JoinHandle<()>>,
    pids: PathBuf,
}

impl Runtime {
    /// Starts the loop. Processes an earlier runtime in `dir` left behind are ended first.
    pub fn start(settings: Settings) -> Result<Self, RuntimeError> {
        let pids = settings.dir.join("pids");
        std::fs::create_dir_all(&pids).map_err(|source| RuntimeError::Spawn {
            what: format!("the pid folder {}", pids.display()),
            source,
        })?;
        let orphans = end_orphans(&pids);
        if orphans > 0 {
            tracing::info!(
                orphans,
                "ended the instances an earlier sandbox left running"
            );
        }
        let stop = CancellationToken::new();
        let task = tokio::spawn(run(settings, pids.clone(), stop.clone()));
        Ok(Self {
            stop,
            task: Some(task),
            pids,
        })
    }

    /// Stops the loop and waits until its processes and listeners are ended.
    pub async fn stop(mut self) {
        self.stop.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Runtime {
    /// Dropped without [`Runtime::stop`] (the app quitting): the process may exit before the
    /// loop gets to end its processes, and a chat server or a Redis, which reports nothing, would
    /// never notice its parent gone; so every process the pid folder still records is ended now.
    fn drop(&mut self) {
        self.stop.cancel();
        end_orphans(&self.pids);
    }
}

/// How often a round runs: often enough for the shortest period a speed gives (a 5 s health
/// check), and no more than four times a second at AWS's pace.
fn round(speed: Speed) -> Duration {
    speed
        .wall(Duration::from_secs(5))
        .clamp(Duration::from_millis(20), Duration::from_millis(250))
}

async fn run(settings: Settings, pids: PathBuf, stop: CancellationToken) {
    let speed = settings.speed;
    let emulator = Emulator::new(&settings.endpoint);
    let mut fleet = Fleet::new(settings.workload.clone(), pids.clone());
    let mut tasks = Tasks::new(settings.task_workload.clone(), pids.clone());
    let mut caches = Caches::default();
    let mut balancers = Balancers::default();
    let mut publisher = Publisher::default();
    let mut service_metrics = ServiceMetrics::default();
    let mut scaler = Scaler::new(speed);
    let mut service_scaler = ServiceScaler::new(speed);
    let workloads = Workloads {
        web: settings.workload.clone(),
        chat: settings.task_workload.clone(),
    };
    let mut clusters = Clusters::new(workloads, pids.clone(), speed);
    let mut urls = HashMap::new();
    let mut replaced = HashSet::new();
    let period = speed.wall(Duration::from_secs(PERIOD_SECONDS));
    let mut next_period = Instant::now() + period;
    let mut attached = false;
    let mut tick = tokio::time::interval(round(speed));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = tick.tick() => {}
        }
        if !attached {
            attached = emulator.attach().await.is_ok();
        }
        let world = match World::read(&emulator.endpoint).await {
            Ok(w) => w,
            Err(e) => {
                tracing::debug!(error = %e, "reading the emulator");
                continue;
            }
        };
        let drain = |g: &Group| {
            g.target_groups
                .iter()
                .filter_map(|arn| world.target_group(arn))
                .map(deregistration_delay)
                .max()
                .unwrap_or_default()
        };
        let mut changes = fleet.reconcile(&world, speed, drain).await;
        caches.keep(&world, &pids).await;
        let task_reports = tasks.reconcile(&world, speed, &balancers, &caches).await;
        // Every round, with or without news: the emulator's service scheduler runs on it.
        if let Err(e) = emulator.report_tasks(&task_reports).await {
            tracing::debug!(error = %e, "reporting the tasks");
        }
        match balancers.listen(&world).await {
            Ok(now) if now != urls => {
                if emulator.set_balancers(&now).await.is_ok() {
                    urls = now;
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "a load balancer's listener"),
        }
        let targets = Targets {
            fleet: &fleet,
            tasks: &tasks,
        };
        let reports = balancers.check(&world, &targets, speed).await;
        if !reports.is_empty() {
            let body = reports
                .iter()
                .map(|r| {
                    let (state, reason, description) = r.health.as_aws();
                    json!({"targetGroup": r.target_group, "id": r.target, "state": state, "reason": reason, "description": description})
                })
                .collect();
            if let Err(e) = emulator.set_target_health(body).await {
                tracing::debug!(error = %e, "reporting target health");
            }
        }
        elb_replacements(
            &world,
            &fleet,
            &balancers,
            speed,
            &mut replaced,
            &mut changes,
        );
        instances::apply(&emulator, changes).await;
        if Instant::now() >= next_period {
            next_period += period;
            let mut more = service_metrics.values(&world, &tasks, &caches).await;
            more.extend(clusters.metrics());
            publisher
                .publish(&world, &fleet, &balancers, &emulator, more)
                .await;
            let firing = scaler.evaluate(&world, &publisher.series, &emulator).await;
            service_scaler.act(&world, &firing, &emulator).await;
        }
        scaler.schedule(&world, &emulator).await;
        service_scaler.schedule(&world, &emulator).await;
        warm_pool::keep(&world, &emulator).await;
        clusters.round(&world, &emulator).await;
    }
    clusters.end_all();
    fleet.end_all();
    tasks.end_all();
    drop(caches);
    balancers.close();
}

/// A group with ELB health checks replaces an InService instance that its load balancer finds
/// unhealthy, once the grace period is over.
fn elb_replacements(
    world: &World,
    fleet: &Fleet,
    balancers: &Balancers,
    speed: Speed,
    replaced: &mut HashSet<String>,
    changes: &mut Changes,
) {
    for group in world.groups.iter().filter(|g| g.health_check_type == "ELB") {
        let grace = speed.wall(Duration::from_secs(group.grace_seconds.into()));
        for instance in group
            .instances
            .iter()
            .filter(|i| i.lifecycle == "InService")
        {
            let Some(r) = fleet.running.get(&instance.id) else {
                continue;
            };
            let failing = group
                .target_groups
                .iter()
                .any(|tg| balancers.health(tg, &instance.id) == Some(Health::Unhealthy));
            let already = changes
                .unhealthy
                .iter()
                .any(|(_, _, id, _)| *id == instance.id);
            if failing
                && !already
                && r.started.elapsed() >= grace
                && replaced.insert(instance.id.clone())
            {
                changes.unhealthy.push((
                    group.place.clone(),
                    group.name.clone(),
                    instance.id.clone(),
                    "an ELB system health check failure".into(),
                ));
            }
        }
    }
    replaced.retain(|id| fleet.running.contains_key(id));
}

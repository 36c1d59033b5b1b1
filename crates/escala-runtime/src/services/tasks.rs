//! The services' tasks as local processes of the chat server, through ECS's task lifecycle as the
//! emulator's scheduler (launcher fix 16) hands it out: a PROVISIONING task gets a process, and
//! is reported RUNNING once its process serves (the emulator then registers it in the target
//! group); a task told to stop drains (DEACTIVATING) for its target group's deregistration delay
//! and is reported STOPPED once its process has ended. A task whose process dies, or whose
//! target fails the load balancer's health checks after the service's grace period, is reported
//! STOPPED with ECS's reason, and the scheduler starts its replacement.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use escala_sandbox::Speed;

use super::redis::Caches;
use crate::balancer::health::Health;
use crate::balancer::{deregistration_delay, Balancers, Ports};
use crate::instances::Process;
use crate::workload::{Unit, Workload};
use crate::world::{EcsService, EcsTask, Place, World};

/// At most this many tasks run at once: each is a real process on this machine.
pub const MAX_TASKS: usize = 12;

/// One task the runtime runs.
#[derive(Debug)]
pub struct RunningTask {
    pub process: Process,
    pub ip: String,
    /// When its process started serving (wall time).
    pub started: Instant,
    /// Once it is told to stop: when its draining ends.
    drain_until: Option<Instant>,
}

/// What to tell the emulator of a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskReport {
    pub place: Place,
    pub cluster: String,
    pub task: String,
    /// RUNNING or STOPPED.
    pub status: &'static str,
    pub reason: Option<String>,
}

#[derive(Debug)]
pub struct Tasks {
    /// What a task's container runs, or why nothing can.
    workload: Result<Arc<dyn Workload>, String>,
    pids: PathBuf,
    pub running: HashMap<String, RunningTask>,
    /// Tasks that could not start (the cap, a failed start), so it is said once.
    refused: HashSet<String>,
}

impl Ports for Tasks {
    fn port(&self, ip: &str) -> Option<u16> {
        self.running
            .values()
            .find(|t| t.ip == ip)
            .map(|t| t.process.port)
    }
}

impl Tasks {
    pub fn new(workload: Result<Arc<dyn Workload>, String>, pids: PathBuf) -> Self {
        Self {
            workload,
            pids,
            running: HashMap::new(),
            refused: HashSet::new(),
        }
    }

    /// Starts, drains and ends processes to match the services' tasks; what changed, to report.
    pub async fn reconcile(
        &mut self,
        world: &World,
        speed: Speed,
        balancers: &Balancers,
        caches: &Caches,
    ) -> Vec<TaskReport> {
        let now = Instant::now();
        let mut reports = Vec::new();
        let mut listed = HashSet::new();
        for service in &world.services {
            for task in &service.tasks {
                listed.insert(task.arn.clone());
                let report = |status, reason: Option<String>| TaskReport {
                    place: service.place.clone(),
                    cluster: service.cluster.clone(),
                    task: task.arn.clone(),
                    status,
                    reason,
                };
                let pending = matches!(
                    task.last_status.as_str(),
                    "PROVISIONING" | "PENDING" | "ACTIVATING"
                );
                match (task.last_status.as_str(), task.desired_status.as_str()) {
                    (_, "RUNNING") if pending => {
                        if !self.running.contains_key(&task.arn) {
                            if let Some(reason) = self.start(service, task, caches, now).await {
                                reports.push(report("STOPPED", Some(reason)));
                                continue;
                            }
                        }
                        let alive = self.running.get_mut(&task.arn).map(|r| r.process.running());
                        match alive {
                            Some(true) => reports.push(report("RUNNING", None)),
                            Some(false) => {
                                self.running.remove(&task.arn);
                                reports.push(report("STOPPED", Some(EXITED.into())));
                            }
                            None => {}
                        }
                    }
                    ("RUNNING", "RUNNING") => {
                        if let Some(reason) = self.failing(service, task, balancers, speed, now) {
                            self.running.remove(&task.arn);
                            reports.push(report("STOPPED", Some(reason)));
                        }
                    }
                    ("DEACTIVATING", _) => {
                        let delay = drain_delay(world, service);
                        match self.running.get_mut(&task.arn) {
                            Some(r) => {
                                let until = *r.drain_until.get_or_insert(now + speed.wall(delay));
                                if now >= until {
                                    self.running.remove(&task.arn);
                                    reports.push(report("STOPPED", None));
                                }
                            }
                            None => reports.push(report("STOPPED", None)),
                        }
                    }
                    _ => {
                        self.running.remove(&task.arn);
                    }
                }
            }
        }
        self.running.retain(|arn, _| listed.contains(arn));
        self.refused.retain(|arn| listed.contains(arn));
        reports
    }

    /// Why a RUNNING task stops, if it does: its process is gone (ECS's essential container
    /// exiting), or its target is unhealthy once the service's grace period is over.
    fn failing(
        &mut self,
        service: &EcsService,
        task: &EcsTask,
        balancers: &Balancers,
        speed: Speed,
        now: Instant,
    ) -> Option<String> {
        let Some(r) = self.running.get_mut(&task.arn) else {
            // A task an earlier runtime ran: its process went with it.
            return Some(EXITED.into());
        };
        if !r.process.running() {
            return Some(EXITED.into());
        }
        let grace = speed.wall(Duration::from_secs(
            service.health_check_grace_seconds.into(),
        ));
        if now.duration_since(r.started) < grace {
            return None;
        }
        service
            .load_balancers
            .iter()
            .filter_map(|lb| lb.target_group.as_deref())
            .find(|tg| balancers.health(tg, &r.ip) == Some(Health::Unhealthy))
            .map(|tg| format!("Task failed ELB health checks in (target-group {tg})"))
    }

    /// Starts the task's process; the reason it stopped if it failed to. A task that can't get a
    /// process here (no chat server, the cap) stays PROVISIONING, said once.
    async fn start(
        &mut self,
        service: &EcsService,
        task: &EcsTask,
        caches: &Caches,
        now: Instant,
    ) -> Option<String> {
        let workload = match &self.workload {
            Ok(w) => w.clone(),
            Err(why) => {
                if self.refused.insert(task.arn.clone()) {
                    tracing::warn!(task = task.arn, why, "the task can't run in the sandbox");
                }
                return None;
            }
        };
        if self.running.len() >= MAX_TASKS {
            if self.refused.insert(task.arn.clone()) {
                tracing::warn!(
                    task = task.arn,
                    "the sandbox runs at most {MAX_TASKS} tasks; this one stays PROVISIONING"
                );
            }
            return None;
        }
        let ip = task.ip.clone()?;
        let env = service
            .containers
            .first()
            .map(|c| {
                c.environment
                    .iter()
                    .map(|(k, v)| {
                        let v = if k == "REDIS_URL" {
                            caches.resolve(v)
                        } else {
                            v.clone()
                        };
                        (k.clone(), v)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let unit = Unit {
            id: task.arn.rsplit('/').next().unwrap_or(&task.arn).to_string(),
            env,
            ..Unit::default()
        };
        match Process::start(workload.as_ref(), &unit, &self.pids).await {
            Ok(process) => {
                self.running.insert(
                    task.arn.clone(),
                    RunningTask {
                        process,
                        ip,
                        started: now,
                        drain_until: None,
                    },
                );
                None
            }
            Err(e) => Some(format!("CannotStartContainerError: {e}")),
        }
    }

    /// Ends every process (the sandbox is stopping).
    pub fn end_all(&mut self) {
        self.running.clear();
    }
}

/// ECS's reason for a task whose only (essential) container stopped.
const EXITED: &str = "Essential container in task exited";

/// How long a stopping task drains: the longest deregistration delay of its target groups.
fn drain_delay(world: &World, service: &EcsService) -> Duration {
    service
        .load_balancers
        .iter()
        .filter_map(|lb| lb.target_group.as_deref())
        .filter_map(|arn| world.target_group(arn))
        .map(deregistration_delay)
        .max()
        .unwrap_or_default()
}

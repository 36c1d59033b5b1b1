//! The groups' instances as local processes of a workload, through AWS's lifecycle: Pending while
//! the process starts, InService once it serves (as on AWS, where an instance is InService once it
//! has booted; the health-check grace period only holds back the health checks that could replace
//! it); replaced when the process dies (EC2's status check) or, for a group with ELB health
//! checks, when its target fails; and on termination drained for the deregistration delay. A
//! warm pool's instance runs while it is prepared (Warmed:Pending, until its process serves), and
//! then only if its pool keeps instances running.

pub mod demo;
pub(crate) mod process;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use escala_sandbox::Speed;

pub use process::{end_orphans, Process, Usage};

use crate::balancer::Ports;
use crate::emulator::Emulator;
use crate::workload::{Unit, Workload};
use crate::world::{Group, Place, World};

/// At most this many workload processes per sandbox: each is a real process on this machine.
pub const MAX_PROCESSES: usize = 20;

/// One instance the fleet runs.
#[derive(Debug)]
pub struct Running {
    pub process: Process,
    pub place: Place,
    pub group: String,
    pub vcpus: u32,
    /// When the process started serving (wall time).
    pub started: Instant,
    pub in_service: bool,
}

#[derive(Debug)]
pub struct Fleet {
    workload: Arc<dyn Workload>,
    pids: PathBuf,
    pub running: HashMap<String, Running>,
    /// Terminated instances still finishing their requests, until the deadline.
    draining: Vec<(Running, Instant)>,
    /// Instances that could not start (the cap, or a failed start), so it is said once.
    refused: std::collections::HashSet<String>,
}

/// What the fleet wants the emulator told, worked out from a round.
#[derive(Debug, Default)]
pub struct Changes {
    /// (place, group, instance, lifecycle state): its process serves, so it moves on.
    pub serving: Vec<(Place, String, String, String)>,
    /// (place, group, instance, why): to be replaced.
    pub unhealthy: Vec<(Place, String, String, String)>,
}

impl Ports for Fleet {
    fn port(&self, id: &str) -> Option<u16> {
        self.running.get(id).map(|r| r.process.port)
    }
}

impl Fleet {
    pub fn new(workload: Arc<dyn Workload>, pids: PathBuf) -> Self {
        Self {
            workload,
            pids,
            running: HashMap::new(),
            draining: Vec::new(),
            refused: Default::default(),
        }
    }

    pub fn process_count(&self) -> usize {
        self.running.len() + self.draining.len()
    }

    /// Starts, promotes, drains and ends processes to match the groups' instances.
    pub async fn reconcile(
        &mut self,
        world: &World,
        speed: Speed,
        drain_for: impl Fn(&Group) -> Duration,
    ) -> Changes {
        let now = Instant::now();
        let mut changes = Changes::default();
        let mut wanted = std::collections::HashSet::new();
        for group in &world.groups {
            let grace = speed.wall(Duration::from_secs(group.grace_seconds.into()));
            let pool = group.warm_pool.as_ref();
            let warmed = pool.map(|p| format!("Warmed:{}", p.state));
            let pooled = pool.into_iter().flat_map(|p| &p.instances);
            for instance in group.instances.iter().chain(pooled) {
                let next = match instance.lifecycle.as_str() {
                    "Pending" => Some("InService"),
                    "Warmed:Pending" => warmed.as_deref(),
                    "InService" | "Warmed:Running" => None,
                    _ => continue,
                };
                wanted.insert(instance.id.clone());
                if !self.running.contains_key(&instance.id) {
                    self.start(group, &instance.id, instance.vcpus, now).await;
                }
                let Some(r) = self.running.get_mut(&instance.id) else {
                    continue;
                };
                r.in_service = instance.lifecycle == "InService";
                let alive = r.process.running();
                if let Some(next) = next.filter(|_| alive) {
                    changes.serving.push((
                        group.place.clone(),
                        group.name.clone(),
                        instance.id.clone(),
                        next.to_string(),
                    ));
                }
                if instance.lifecycle.starts_with("Warmed:") {
                    if !alive {
                        // Its preparation failed: it starts again next round.
                        self.running.remove(&instance.id);
                    }
                    continue;
                }
                // EC2's status check: an instance whose process is gone is impaired. The grace
                // period holds back health checks, as in AWS.
                if !alive && now.duration_since(r.started) >= grace && instance.health == "Healthy"
                {
                    changes.unhealthy.push((
                        group.place.clone(),
                        group.name.clone(),
                        instance.id.clone(),
                        "an EC2 health check indicating it has been terminated or stopped".into(),
                    ));
                }
            }
        }
        let gone: Vec<String> = self
            .running
            .keys()
            .filter(|id| !wanted.contains(*id))
            .cloned()
            .collect();
        for id in gone {
            let r = self.running.remove(&id).expect("listed");
            if !r.in_service {
                // It never took traffic (still starting, or prepared for the warm pool): no
                // requests to finish, so it ends now.
                continue;
            }
            let delay = world
                .groups
                .iter()
                .find(|g| g.name == r.group && g.place == r.place)
                .map(&drain_for)
                .unwrap_or_default();
            self.draining.push((r, now + speed.wall(delay)));
        }
        self.draining.retain(|(_, until)| *until > now);
        self.refused.retain(|id| wanted.contains(id));
        changes
    }

    async fn start(&mut self, group: &Group, id: &str, vcpus: u32, now: Instant) {
        if self.process_count() >= MAX_PROCESSES {
            if self.refused.insert(id.to_string()) {
                tracing::warn!(instance = id, "the sandbox runs at most {MAX_PROCESSES} instances; this one stays without a process");
            }
            return;
        }
        let unit = Unit {
            id: id.to_string(),
            vcpus,
            ..Unit::default()
        };
        match Process::start(self.workload.as_ref(), &unit, &self.pids).await {
            Ok(process) => {
                self.running.insert(
                    id.to_string(),
                    Running {
                        process,
                        place: group.place.clone(),
                        group: group.name.clone(),
                        vcpus,
                        started: now,
                        in_service: false,
                    },
                );
            }
            Err(e) => {
                if self.refused.insert(id.to_string()) {
                    tracing::warn!(instance = id, error = %e, "could not start the instance's process");
                }
            }
        }
    }

    /// Ends every process (the sandbox is stopping).
    pub fn end_all(&mut self) {
        self.running.clear();
        self.draining.clear();
    }
}

/// Says what the fleet found: the next lifecycle state once serving, replacement of the impaired
/// (through AWS's own calls: SetInstanceHealth, then TerminateInstanceInAutoScalingGroup without
/// decrementing, which launches a replacement, with the cause AWS gives).
pub async fn apply(emulator: &Emulator, changes: Changes) {
    for (place, group, instance, state) in changes.serving {
        if let Err(e) = emulator
            .set_lifecycle(&place, &group, &instance, &state)
            .await
        {
            tracing::debug!(error = %e, "lifecycle");
        }
    }
    for (place, group, instance, why) in changes.unhealthy {
        let Ok(clients) = emulator.clients(&place).await else {
            continue;
        };
        let at = escala_core::scaling::aws_time(jiff::Timestamp::now());
        let cause = format!("At {at} an instance was taken out of service in response to {why}.");
        let _ = emulator.set_cause(&place, &group, &cause).await;
        let _ = clients
            .autoscaling
            .set_instance_health()
            .instance_id(&instance)
            .health_status("Unhealthy")
            .send()
            .await;
        if let Err(e) = clients
            .autoscaling
            .terminate_instance_in_auto_scaling_group()
            .instance_id(&instance)
            .should_decrement_desired_capacity(false)
            .send()
            .await
        {
            tracing::debug!(error = %e, "replacing an impaired instance");
        }
    }
}

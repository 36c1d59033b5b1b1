//! EKS clusters with an API server (the launcher's fix 20, when `ESCALA_KUBE_ASSETS` gives one):
//! the runtime plays what has no binary here, in KWOK's way. Each round, for each cluster:
//! - its node groups' nodes join, with their instances' capacity, and keep their leases
//!   ([`nodes`]);
//! - pods are bound when no kube-scheduler runs, and started, the demo's as local processes of
//!   its workload ([`pods`]);
//! - each LoadBalancer Service gets a loopback listener, its address published ([`services`]);
//! - each claim of the EBS CSI driver's class gets an EBS volume in its pod's zone, deleted with
//!   the claim ([`volumes`]);
//! - Container Insights' metrics are published for a cluster with its addon ([`insights`]);
//! - the HorizontalPodAutoscaler runs on the processes' CPU ([`hpa`]), and cluster-autoscaler on
//!   the pending pods and the nodes' requests ([`autoscaler`]), both with the core's algorithms.
//!
//! A cluster without an API server is left alone: its in-cluster steps say so where they run.

mod autoscaler;
mod hpa;
mod insights;
mod nodes;
mod pods;
mod round;
mod services;
mod volumes;
mod workloads;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use aws_sdk_cloudwatch::types::StandardUnit;
use escala_kube::play::{self, LbService, PodView};
use escala_kube::{Cluster, Target};
use escala_sandbox::Speed;

pub use workloads::Workloads;

use crate::clock::Clock;
use crate::emulator::Emulator;
use crate::metrics::Key;
use crate::world::{ClusterApi, KubeCluster, Place, World};
use crate::RuntimeError;

/// How often the EBS driver's claims and volumes are looked at, in wall time.
const VOLUMES_EVERY: Duration = Duration::from_secs(2);

/// How long one cluster's round may take before the next cluster's turn.
const ROUND_LIMIT: Duration = Duration::from_secs(10);

/// One cluster the runtime plays.
#[derive(Debug)]
struct Played {
    api: ClusterApi,
    kube: Cluster,
    nodes: nodes::Nodes,
    runs: HashMap<String, pods::PodRun>,
    listening: HashMap<String, services::Listening>,
    hpas: hpa::Hpas,
    autoscaler: autoscaler::Autoscaler,
    ips: u32,
    /// When the claims and volumes were last looked at: they change seldom, and are three lists.
    volumes_at: Option<std::time::Instant>,
    /// The last round's cluster, pods and Services, for the metrics of the period.
    seen: Option<(KubeCluster, Vec<PodView>, Vec<LbService>)>,
}

impl Played {
    fn connect(api: &ClusterApi) -> Result<Self, RuntimeError> {
        let token = std::fs::read_to_string(&api.token_file).map_err(|e| {
            RuntimeError::Emulator(format!(
                "the cluster's runtime token {}: {e}",
                api.token_file.display()
            ))
        })?;
        let kube = Cluster::connect(&Target {
            endpoint: api.endpoint.clone(),
            ca_data: Some(api.ca.clone()),
            identity: "escala:sandbox-runtime".into(),
            token: token.trim().to_string().into(),
        })?;
        Ok(Self {
            api: api.clone(),
            kube,
            nodes: nodes::Nodes::default(),
            runs: HashMap::new(),
            listening: HashMap::new(),
            hpas: hpa::Hpas::default(),
            autoscaler: autoscaler::Autoscaler::default(),
            ips: 0,
            volumes_at: None,
            seen: None,
        })
    }

    async fn round(
        &mut self,
        cluster: &KubeCluster,
        r: round::Round<'_>,
    ) -> Result<(), RuntimeError> {
        self.nodes.plan(cluster, r.speed);
        self.nodes.sync(r.kube, r.now).await?;
        let pods = play::pods(r.kube).await?;
        let schedule = !self.api.components.iter().any(|c| c == "kube-scheduler");
        pods::round(
            r,
            &pods,
            &self.nodes,
            &mut self.runs,
            schedule,
            &mut self.ips,
        )
        .await?;
        let services = play::load_balancers(r.kube).await?;
        services::round(r.kube, &services, &pods, &self.runs, &mut self.listening).await?;
        if self
            .volumes_at
            .is_none_or(|at| at.elapsed() >= VOLUMES_EVERY)
        {
            volumes::round(r, cluster, &self.nodes, &pods).await?;
            self.volumes_at = Some(std::time::Instant::now());
        }
        self.hpas.round(r, &pods, &mut self.runs).await?;
        self.autoscaler
            .round(r, cluster, &mut self.nodes, &pods)
            .await
    }
}

/// Every cluster the runtime plays.
#[derive(Debug)]
pub struct Clusters {
    played: HashMap<(Place, String), Played>,
    workloads: Workloads,
    pids: PathBuf,
    speed: Speed,
    clock: Clock,
}

impl Clusters {
    pub fn new(workloads: Workloads, pids: PathBuf, speed: Speed) -> Self {
        Self {
            played: HashMap::new(),
            workloads,
            pids,
            speed,
            clock: Clock::new(speed),
        }
    }

    pub async fn round(&mut self, world: &World, emulator: &Emulator) {
        let now = self.clock.now();
        for cluster in &world.clusters {
            let Some(api) = &cluster.api else { continue };
            let key = (cluster.place.clone(), cluster.name.clone());
            // A cluster made again under the same name has a new API server.
            if self.played.get(&key).is_some_and(|p| p.api != *api) {
                self.played.remove(&key);
            }
            if !self.played.contains_key(&key) {
                match Played::connect(api) {
                    Ok(p) => {
                        self.played.insert(key.clone(), p);
                    }
                    Err(e) => {
                        tracing::warn!(cluster = %cluster.name, error = %e, "connecting to the cluster's API");
                        continue;
                    }
                }
            }
            let played = self.played.get_mut(&key).expect("just made");
            let kube = played.kube.clone();
            let r = round::Round {
                kube: &kube,
                emulator,
                speed: self.speed,
                workloads: &self.workloads,
                pids: &self.pids,
                now,
            };
            match tokio::time::timeout(ROUND_LIMIT, played.round(cluster, r)).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    tracing::debug!(cluster = %cluster.name, error = %e, "a cluster's round")
                }
                Err(_) => {
                    tracing::debug!(cluster = %cluster.name, "a cluster's round ran out of time")
                }
            }
        }
        // A deleted cluster's processes and listeners end with it.
        self.played.retain(|(place, name), _| {
            world
                .clusters
                .iter()
                .any(|c| c.place == *place && c.name == *name && c.api.is_some())
        });
    }

    /// The Container Insights metrics of the period, for the clusters that have its addon.
    pub fn metrics(&self) -> Vec<(Key, f64, StandardUnit)> {
        self.played
            .values()
            .filter_map(|p| {
                let (cluster, pods, services) = p.seen.as_ref()?;
                Some(insights::values(cluster, &p.nodes, pods, services, &p.runs))
            })
            .flatten()
            .collect()
    }

    /// Ends every pod's process and every listener.
    pub fn end_all(&mut self) {
        self.played.clear();
    }
}

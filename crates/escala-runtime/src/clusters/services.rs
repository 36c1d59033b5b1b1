//! Services of type LoadBalancer, as the AWS Load Balancer Controller serves them: each gets a
//! loopback listener routing to its Ready pods' processes (the same proxy as the ALBs', with
//! `ClientIP` affinity kept by its cookie), and its address published in the Service's status,
//! which is where `escala kube load` and the dashboard find it.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use escala_kube::play::{self, LbService, PodView};
use escala_kube::{Cluster, KubeError};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::pods::PodRun;
use crate::balancer::proxy::{self, Route};
use crate::balancer::table::{Backend, Counters, Pool, Shared, Table};
use crate::RuntimeError;

/// How long `ClientIP` affinity holds: Kubernetes' default `timeoutSeconds`, 3 hours.
const AFFINITY: Duration = Duration::from_secs(3 * 60 * 60);

#[derive(Debug)]
pub struct Listening {
    port: u16,
    table: Shared,
    stop: CancellationToken,
}

impl Drop for Listening {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// Listens for each LoadBalancer Service, routes to its pods, and publishes its address.
pub async fn round(
    kube: &Cluster,
    services: &[LbService],
    pods: &[PodView],
    runs: &HashMap<String, PodRun>,
    listening: &mut HashMap<String, Listening>,
) -> Result<(), RuntimeError> {
    for service in services {
        let key = format!("{}/{}", service.namespace, service.name);
        if !listening.contains_key(&key) {
            listening.insert(key.clone(), listen(&key).await?);
        }
        let l = &listening[&key];
        let backends: Vec<Backend> = pods
            .iter()
            .filter(|p| p.namespace == service.namespace && !p.deleting && p.phase == "Running")
            .filter(|p| {
                service
                    .selector
                    .iter()
                    .all(|(k, v)| p.labels.get(k) == Some(v))
            })
            .filter_map(|p| {
                let port = runs.get(&p.uid)?.process.as_ref()?.port;
                Some(Backend {
                    target: p.name.clone(),
                    addr: SocketAddr::from(([127, 0, 0, 1], port)),
                })
            })
            .collect();
        let sticky = service.client_affinity.then_some(AFFINITY);
        let pools = HashMap::from([(key.clone(), Pool::new(backends.clone(), backends, sticky))]);
        let listeners = HashMap::from([("listener".to_string(), vec![(key.clone(), 1)])]);
        *l.table.write().expect("not poisoned") = Arc::new(Table::new(listeners, pools));
        let address = format!("127.0.0.1:{}", l.port);
        if service.published.as_deref() != Some(address.as_str()) {
            play::publish(kube, service, "127.0.0.1", l.port)
                .await
                .map_err(kube_error)?;
        }
    }
    listening.retain(|key, _| {
        services
            .iter()
            .any(|s| format!("{}/{}", s.namespace, s.name) == *key)
    });
    Ok(())
}

async fn listen(key: &str) -> Result<Listening, RuntimeError> {
    let socket = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .map_err(|source| RuntimeError::Listen {
            what: format!("Service {key}"),
            source,
        })?;
    let port = socket.local_addr().map(|a| a.port()).unwrap_or_default();
    let table: Shared = Arc::new(RwLock::new(Arc::new(Table::default())));
    let stop = CancellationToken::new();
    let route = Route {
        balancer: key.to_string(),
        listener: "listener".into(),
        port: 80,
        table: table.clone(),
        counters: Arc::new(Counters::default()),
    };
    tokio::spawn(proxy::serve(socket, route, stop.clone()));
    Ok(Listening { port, table, stop })
}

fn kube_error(e: KubeError) -> RuntimeError {
    RuntimeError::Kube(e)
}

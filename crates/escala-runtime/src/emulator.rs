//! The runtime's hands: AWS's API on the emulator for every decision (so every client sees one
//! state), and the launcher's few control calls for what AWS does inside itself.

use std::collections::HashMap;

use escala_aws::connect::{sdk_config, Target};
use escala_aws::credentials::KeyringStore;
use serde_json::json;

use crate::services::tasks::TaskReport;
use crate::world::Place;
use crate::RuntimeError;

/// One region's clients.
#[derive(Debug, Clone)]
pub struct Clients {
    pub autoscaling: aws_sdk_autoscaling::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub ecs: aws_sdk_ecs::Client,
    pub aas: aws_sdk_applicationautoscaling::Client,
    pub eks: aws_sdk_eks::Client,
    pub ec2: aws_sdk_ec2::Client,
}

#[derive(Debug)]
pub struct Emulator {
    pub endpoint: String,
    clients: tokio::sync::Mutex<HashMap<String, Clients>>,
}

impl Emulator {
    pub fn new(endpoint: &str) -> Self {
        Self {
            endpoint: endpoint.to_string(),
            clients: Default::default(),
        }
    }

    /// The clients for a region, made on first use.
    pub async fn clients(&self, place: &Place) -> Result<Clients, RuntimeError> {
        let mut clients = self.clients.lock().await;
        if let Some(c) = clients.get(&place.region) {
            return Ok(c.clone());
        }
        // The sandbox's own keys: no keyring entry is read.
        let config = sdk_config(
            &Target::sandbox(&self.endpoint),
            &place.region,
            &KeyringStore::new("escala-sandbox-runtime"),
        )
        .await
        .map_err(|e| RuntimeError::Emulator(e.to_string()))?;
        let made = Clients {
            autoscaling: aws_sdk_autoscaling::Client::new(&config),
            cloudwatch: aws_sdk_cloudwatch::Client::new(&config),
            ecs: aws_sdk_ecs::Client::new(&config),
            aas: aws_sdk_applicationautoscaling::Client::new(&config),
            eks: aws_sdk_eks::Client::new(&config),
            ec2: aws_sdk_ec2::Client::new(&config),
        };
        clients.insert(place.region.clone(), made.clone());
        Ok(made)
    }

    async fn control(
        &self,
        path: &'static str,
        body: serde_json::Value,
    ) -> Result<(), RuntimeError> {
        let endpoint = self.endpoint.clone();
        tokio::task::spawn_blocking(move || {
            escala_sandbox::post(&endpoint, path, &body.to_string())
        })
        .await
        .map_err(|e| RuntimeError::Emulator(e.to_string()))??;
        Ok(())
    }

    /// From now on the emulator starts instances Pending, for this runtime to run (launcher fix 9).
    pub async fn attach(&self) -> Result<(), RuntimeError> {
        self.control("/moto-api/escala/attach", json!({})).await
    }

    /// Pending → InService (launcher fix 9); a warm pool's Warmed:Pending → its pool state (fix 13).
    pub async fn set_lifecycle(
        &self,
        place: &Place,
        group: &str,
        instance: &str,
        state: &str,
    ) -> Result<(), RuntimeError> {
        self.control(
            "/moto-api/escala/lifecycle",
            json!({"account": place.account, "region": place.region, "group": group, "instance": instance, "state": state}),
        )
        .await
    }

    /// The cause the next scaling activity of `group` records (launcher fix 10).
    pub async fn set_cause(
        &self,
        place: &Place,
        group: &str,
        cause: &str,
    ) -> Result<(), RuntimeError> {
        self.control(
            "/moto-api/escala/cause",
            json!({"account": place.account, "region": place.region, "group": group, "cause": cause}),
        )
        .await
    }

    /// Health-check results (launcher fix 11).
    pub async fn set_target_health(
        &self,
        reports: Vec<serde_json::Value>,
    ) -> Result<(), RuntimeError> {
        self.control(
            "/moto-api/escala/target-health",
            json!({ "targets": reports }),
        )
        .await
    }

    /// Where each load balancer's DNS name answers on this machine (launcher fix 12).
    pub async fn set_balancers(&self, urls: &HashMap<String, String>) -> Result<(), RuntimeError> {
        self.control("/moto-api/escala/balancers", json!(urls))
            .await
    }

    /// What became of the tasks, and the service scheduler's next round (launcher fix 16).
    pub async fn report_tasks(&self, reports: &[TaskReport]) -> Result<(), RuntimeError> {
        let reports: Vec<_> = reports
            .iter()
            .map(|r| json!({"account": r.place.account, "region": r.place.region, "cluster": r.cluster, "task": r.task, "status": r.status, "reason": r.reason}))
            .collect();
        self.control("/moto-api/escala/tasks", json!({ "reports": reports }))
            .await
    }

    /// A scaling activity of a scalable target, as DescribeScalingActivities lists it (launcher
    /// fix 17).
    pub async fn record_activity(&self, activity: serde_json::Value) -> Result<(), RuntimeError> {
        self.control("/moto-api/escala/aas-activity", activity)
            .await
    }

    /// How many instances `group`'s warm pool holds (launcher fix 13).
    pub async fn set_warm_pool(
        &self,
        place: &Place,
        group: &str,
        size: u32,
    ) -> Result<(), RuntimeError> {
        self.control(
            "/moto-api/escala/warm-pool",
            json!({"account": place.account, "region": place.region, "group": group, "size": size}),
        )
        .await
    }
}

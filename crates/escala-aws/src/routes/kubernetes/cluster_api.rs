//! The cluster's API for the tasks inside it: one connection per cluster and run, made when
//! first needed (the endpoint and CA as EKS describes them, a token signed with the run's keys,
//! and the caller's ARN, which errors name), and made again before its token is ten minutes old
//! (EKS accepts a token for fifteen).

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use aws_credential_types::provider::ProvideCredentials;
use escala_core::task::TaskError;
use escala_kube::{Cluster, KubeError, Target};
use tokio::sync::Mutex;

use super::{access, token};
use crate::context::AwsContext;
use crate::sdk::SdkResultExt;
use crate::AwsError;

const FRESH: Duration = Duration::from_secs(10 * 60);

/// Whether the cluster has an API to talk to. The emulator makes EKS clusters with one only when
/// it was started with `ESCALA_KUBE_ASSETS`; otherwise their in-cluster objects are left out of
/// its plans, and the plan says so.
pub fn runs(ctx: &AwsContext) -> bool {
    !ctx.emulator || ctx.cluster_apis
}

/// Whether the emulator at `endpoint` gives each EKS cluster an API server (its fix 20, when
/// `ESCALA_KUBE_ASSETS` names the binaries). An emulator without Escala's fixes doesn't.
pub async fn emulator_runs_apis(endpoint: &str) -> bool {
    let endpoint = endpoint.to_string();
    let answer = tokio::task::spawn_blocking(move || {
        escala_sandbox::get(&endpoint, "/moto-api/escala/kube")
    })
    .await;
    let Ok(Ok(text)) = answer else { return false };
    serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v["available"].as_bool())
        .unwrap_or(false)
}

/// The note a plan carries when the cluster's API doesn't run.
pub const NOT_IN_THE_EMULATOR: &str = "The sandbox runs no Kubernetes API server, so what goes inside the cluster (cluster-autoscaler, the demo and its HPA, the gp3 StorageClass and claim) is not applied here; against AWS it is applied once the cluster is ACTIVE. To have it here too, start the sandbox with ESCALA_KUBE_ASSETS naming a folder that holds etcd and kube-apiserver (and kube-controller-manager and kube-scheduler): each cluster then gets a control plane on this machine.";

/// One cluster's connection, shared by the tasks inside it.
#[derive(Debug)]
pub struct ClusterApi {
    cluster: String,
    made: Mutex<Option<(Instant, Cluster)>>,
}

impl ClusterApi {
    pub fn new(cluster: &str) -> Arc<Self> {
        Arc::new(Self {
            cluster: cluster.to_string(),
            made: Mutex::new(None),
        })
    }

    pub fn cluster(&self) -> &str {
        &self.cluster
    }

    /// The connection, fresh enough to use.
    pub async fn get(&self, ctx: &AwsContext) -> Result<Cluster, TaskError> {
        let mut made = self.made.lock().await;
        if let Some((at, cluster)) = made.as_ref() {
            if at.elapsed() < FRESH {
                return Ok(cluster.clone());
            }
        }
        let cluster = connect(ctx, &self.cluster).await?;
        *made = Some((Instant::now(), cluster.clone()));
        Ok(cluster)
    }
}

/// A connection to the cluster's API as the caller, for reading what runs in it.
pub async fn cluster(ctx: &AwsContext, cluster: &str) -> Result<escala_kube::Cluster, AwsError> {
    if !runs(ctx) {
        return Err(AwsError::Invalid(format!(
            "the sandbox runs no Kubernetes API server, so cluster {cluster} has nothing inside to show: what runs in a cluster is seen on AWS, or in a sandbox started with ESCALA_KUBE_ASSETS naming a folder that holds etcd and kube-apiserver"
        )));
    }
    connect(ctx, cluster).await.map_err(|e| AwsError::Api {
        operation: "the cluster's API",
        code: e.code,
        message: e.message,
    })
}

/// A connection to `cluster`'s API as the run's caller.
pub async fn connect(ctx: &AwsContext, cluster: &str) -> Result<Cluster, TaskError> {
    let (described, caller) = tokio::join!(access::cluster_access(ctx, cluster), async {
        ctx.sts.get_caller_identity().send().await.task()
    });
    let described = described.map_err(from_aws)?;
    let identity = caller?
        .arn()
        .unwrap_or("the run's AWS identity")
        .to_string();
    let provider = ctx.credentials.as_ref().ok_or_else(|| {
        TaskError::fatal(
            "NoCredentials",
            "no AWS keys to sign the cluster's token with",
        )
    })?;
    let keys = provider.provide_credentials().await.map_err(|e| {
        TaskError::fatal(
            "NoCredentials",
            format!("the keys to sign the cluster's token with: {e}"),
        )
    })?;
    let token = token::token(&keys, &ctx.region, cluster, SystemTime::now()).map_err(from_aws)?;
    Cluster::connect(&Target {
        endpoint: described.endpoint,
        ca_data: Some(described.certificate_authority),
        identity,
        token: token.into(),
    })
    .map_err(from_kube)
}

fn from_aws(e: AwsError) -> TaskError {
    match e {
        AwsError::Api { code, message, .. } => TaskError::fatal(code, message),
        // No endpoint yet: the cluster is still coming up.
        AwsError::Invalid(message) => TaskError::eventual("ClusterNotReady", message),
        other => TaskError::fatal("ClusterAccess", other.to_string()),
    }
}

/// A cluster's answer as a task's error. An API that doesn't answer or doesn't know the caller
/// yet is retried for a while, as a cluster just made (its DNS name, its first access entry)
/// takes a moment everywhere; a refusal of another kind is the API server's own and final.
pub fn from_kube(e: KubeError) -> TaskError {
    let message = e.to_string();
    match &e {
        KubeError::Unreachable { .. } => TaskError::eventual("ClusterUnreachable", message),
        KubeError::Unauthorized { .. } => TaskError::eventual("ClusterUnauthorized", message),
        KubeError::Api { reason, .. } if e.retryable() => TaskError::retryable(reason, message),
        KubeError::Api { reason, .. } => TaskError::fatal(reason, message),
        KubeError::Stuck { .. } => TaskError::retryable("StillDeleting", message),
        KubeError::Target(_) => TaskError::fatal("ClusterTarget", message),
    }
}

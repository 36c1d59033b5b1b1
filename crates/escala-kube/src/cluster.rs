//! A cluster's API as Escala uses it: get, server-side apply, delete and list of any object type,
//! each call bounded in time, retried while the API server says it may succeed later, and failed
//! with an error that names the object, or the endpoint and identity when the cluster itself
//! refuses or doesn't answer.

use std::future::Future;
use std::time::Duration;

use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams};
use kube::core::{ApiResource, DynamicObject};

use crate::error::KubeError;
use crate::labels;
use crate::object::{Desired, Live, ObjRef};
use crate::target::Target;

/// How long Escala waits on a cluster, and how often it asks again.
#[derive(Debug, Clone, Copy)]
pub struct Patience {
    /// One request's answer.
    pub call: Duration,
    /// Tries of a retryable request, the first included.
    pub tries: u32,
    /// The wait before the second try; doubled for each next one.
    pub backoff: Duration,
    /// Between two looks at an object being deleted.
    pub poll: Duration,
}

impl Default for Patience {
    fn default() -> Self {
        Self {
            call: Duration::from_secs(30),
            tries: 5,
            backoff: Duration::from_millis(250),
            poll: Duration::from_secs(2),
        }
    }
}

/// A page of a list: enough to keep each answer small on a big cluster.
const PAGE: u32 = 250;

/// One cluster, as one identity reaches it.
#[derive(Clone)]
pub struct Cluster {
    client: kube::Client,
    endpoint: String,
    identity: String,
    patience: Patience,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster")
            .field("endpoint", &self.endpoint)
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

impl Cluster {
    /// The cluster `target` names.
    pub fn connect(target: &Target) -> Result<Self, KubeError> {
        Ok(Self::new(
            target.client()?,
            &target.endpoint,
            &target.identity,
        ))
    }

    /// A cluster behind a client made elsewhere (a test's mock service).
    pub fn new(client: kube::Client, endpoint: &str, identity: &str) -> Self {
        Self {
            client,
            endpoint: endpoint.to_string(),
            identity: identity.to_string(),
            patience: Patience::default(),
        }
    }

    pub fn with_patience(mut self, patience: Patience) -> Self {
        self.patience = patience;
        self
    }

    pub(crate) fn client(&self) -> kube::Client {
        self.client.clone()
    }

    fn api(&self, resource: &ApiResource, namespace: Option<&str>) -> Api<DynamicObject> {
        match namespace {
            Some(ns) => Api::namespaced_with(self.client.clone(), ns, resource),
            None => Api::all_with(self.client.clone(), resource),
        }
    }

    /// The object as the cluster has it, or `None`.
    pub async fn find(&self, at: &ObjRef) -> Result<Option<Live>, KubeError> {
        let api = self.api(&at.resource, at.namespace.as_deref());
        let found = self.call(&at.to_string(), || api.get_opt(&at.name)).await?;
        Ok(found.as_ref().map(Live::of))
    }

    /// The whole object, or `None`.
    pub async fn get(&self, at: &ObjRef) -> Result<Option<DynamicObject>, KubeError> {
        let api = self.api(&at.resource, at.namespace.as_deref());
        self.call(&at.to_string(), || api.get_opt(&at.name)).await
    }

    /// Server-side apply under Escala's field manager. Forced: these objects are Escala's, so a
    /// field someone changed by hand is taken back, as a controller does (the API server records
    /// who owned it in the object's managed fields).
    pub async fn apply(&self, desired: &Desired) -> Result<Live, KubeError> {
        let at = &desired.at;
        let api = self.api(&at.resource, at.namespace.as_deref());
        let params = PatchParams::apply(labels::FIELD_MANAGER).force();
        let patch = Patch::Apply(&desired.body);
        let applied = self
            .call(&at.to_string(), || api.patch(&at.name, &params, &patch))
            .await?;
        Ok(Live::of(&applied))
    }

    /// Asks for the object's deletion, its dependents first (foreground propagation). Already
    /// gone is success.
    pub async fn delete(&self, at: &ObjRef) -> Result<(), KubeError> {
        let api = self.api(&at.resource, at.namespace.as_deref());
        let params = DeleteParams::foreground();
        match self
            .call(&at.to_string(), || api.delete(&at.name, &params))
            .await
        {
            Ok(_) => Ok(()),
            Err(KubeError::Api { code: 404, .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Returns once the object is gone; fails after `limit`, naming the finalizers that hold it.
    pub async fn wait_gone(&self, at: &ObjRef, limit: Duration) -> Result<(), KubeError> {
        let started = tokio::time::Instant::now();
        loop {
            let Some(live) = self.find(at).await? else {
                return Ok(());
            };
            if started.elapsed() >= limit {
                let held = if live.finalizers.is_empty() {
                    String::new()
                } else {
                    format!(", held by its finalizers {}", live.finalizers.join(", "))
                };
                return Err(KubeError::Stuck {
                    object: at.to_string(),
                    seconds: limit.as_secs(),
                    held,
                });
            }
            tokio::time::sleep(self.patience.poll).await;
        }
    }

    /// Every object of a type, in every namespace, that matches `selector` (all of them when it is
    /// empty), page by page. A page whose continue token expired (410) restarts the list.
    pub async fn list(
        &self,
        resource: &ApiResource,
        selector: &str,
    ) -> Result<Vec<DynamicObject>, KubeError> {
        let api = self.api(resource, None);
        let what = format!("{} list", resource.kind);
        let mut restarted = false;
        'list: loop {
            let mut objects = Vec::new();
            let mut token: Option<String> = None;
            loop {
                let mut params = ListParams::default().limit(PAGE);
                if !selector.is_empty() {
                    params = params.labels(selector);
                }
                if let Some(t) = &token {
                    params = params.continue_token(t);
                }
                match self.call(&what, || api.list(&params)).await {
                    Ok(page) => {
                        objects.extend(page.items);
                        token = page.metadata.continue_.filter(|t| !t.is_empty());
                        if token.is_none() {
                            return Ok(objects);
                        }
                    }
                    Err(KubeError::Api { code: 410, .. }) if !restarted => {
                        restarted = true;
                        continue 'list;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
    }

    /// One request, bounded by the call's patience and retried while it may succeed later.
    pub(crate) async fn call<T, F, Fut>(&self, object: &str, mut request: F) -> Result<T, KubeError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, kube::Error>>,
    {
        let mut wait = self.patience.backoff;
        let mut tried = 1;
        loop {
            let outcome = match tokio::time::timeout(self.patience.call, request()).await {
                Ok(answer) => answer.map_err(|e| self.error(object, e)),
                Err(_) => Err(self.unreachable(format!(
                    "no answer within {} s",
                    self.patience.call.as_secs_f32()
                ))),
            };
            match outcome {
                Err(e) if e.retryable() && tried < self.patience.tries => {
                    tracing::debug!(%object, error = %e, "retrying");
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                    tried += 1;
                }
                // A missing object is an answer, not an error, for a get.
                other => return other,
            }
        }
    }

    fn error(&self, object: &str, error: kube::Error) -> KubeError {
        match error {
            kube::Error::Api(status) if matches!(status.code, 401 | 403) => {
                KubeError::Unauthorized {
                    endpoint: self.endpoint.clone(),
                    identity: self.identity.clone(),
                    code: status.code,
                    reason: status.message,
                }
            }
            kube::Error::Api(status) => KubeError::Api {
                object: object.to_string(),
                code: status.code,
                reason: status.reason,
                message: status.message,
            },
            other => self.unreachable(other.to_string()),
        }
    }

    fn unreachable(&self, reason: String) -> KubeError {
        KubeError::Unreachable {
            endpoint: self.endpoint.clone(),
            identity: self.identity.clone(),
            reason,
        }
    }
}

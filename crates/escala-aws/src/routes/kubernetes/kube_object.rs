//! What Escala puts inside an EKS cluster (escala-kube's objects), each a task on the same
//! engine: found by its labels, applied by server-side apply when its digest differs, and deleted
//! before the nodes that its controllers need go (a LoadBalancer Service's load balancer is
//! removed by the cloud controller, a claim's volume by the EBS driver, which runs on the nodes).
//!
//! A destroy also finds, in each of the stack's clusters, every other object that owns a cloud
//! resource (a user's LoadBalancer Services and claims) and removes it first, so deleting the
//! cluster orphans nothing. Those are found without a logical id, so an apply never touches them.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::task::{Current, Found, Refs, Resource, TaskError};
use escala_kube::{teardown, Desired, KubeError, ObjRef};

use super::cluster_api::{self, from_kube, ClusterApi};
use super::ids::CLUSTER;
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};

/// How long a removal waits for the controllers' finalizers: a load balancer and a volume take
/// minutes to go on AWS.
const GONE: Duration = Duration::from_secs(15 * 60);

fields! {
    pub struct KubeObjectProps {
        /// The digest of the object as Escala last applied it.
        applied("applied"): String,
    }
}

#[derive(Debug)]
pub struct KubeObject {
    pub id: String,
    pub api: Arc<ClusterApi>,
    pub desired: Desired,
    pub deps: Vec<String>,
}

/// A logical id from the object's type, namespace and name: `kube-deployment-demo-chat`.
pub fn id(at: &ObjRef) -> String {
    let mut id = format!("kube-{}", at.resource.kind.to_lowercase());
    if let Some(ns) = &at.namespace {
        id.push('-');
        id.push_str(ns);
    }
    id.push('-');
    id.push_str(&at.name);
    id
}

/// `cluster/Kind/namespace/name`, with `-` for a cluster-wide object: what a delete needs.
fn physical(cluster: &str, at: &ObjRef) -> String {
    format!(
        "{cluster}/{}/{}/{}",
        at.resource.kind,
        at.namespace.as_deref().unwrap_or("-"),
        at.name
    )
}

fn parse(physical: &str) -> Result<(&str, ObjRef), TaskError> {
    let bad = || {
        TaskError::fatal(
            "BadId",
            format!("'{physical}' is not cluster/Kind/namespace/name"),
        )
    };
    let mut parts = physical.splitn(4, '/');
    let (Some(cluster), Some(kind), Some(ns), Some(name)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let resource = teardown::managed_types()
        .into_iter()
        .find(|r| r.kind == kind)
        .ok_or_else(bad)?;
    Ok((
        cluster,
        ObjRef {
            resource,
            namespace: (ns != "-").then(|| ns.to_string()),
            name: name.to_string(),
        },
    ))
}

#[async_trait]
impl Resource<AwsContext> for KubeObject {
    type Props = KubeObjectProps;
    type Outputs = ();
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &KubeObjectKind
    }
    fn deps(&self) -> Vec<String> {
        self.deps.clone()
    }
    fn find_deps(&self) -> Vec<String> {
        vec![CLUSTER.into()]
    }
    fn desired(&self) -> KubeObjectProps {
        KubeObjectProps {
            applied: self.desired.digest.clone(),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<KubeObjectProps, ()>>, TaskError> {
        let cluster = self.api.get(ctx).await?;
        let live = cluster.find(&self.desired.at).await.map_err(from_kube)?;
        Ok(live.map(|live| self.current(live.applied)))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Current<KubeObjectProps, ()>, TaskError> {
        let cluster = self.api.get(ctx).await?;
        let live = cluster.apply(&self.desired).await.map_err(from_kube)?;
        Ok(self.current(live.applied))
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
        _: &Current<KubeObjectProps, ()>,
    ) -> Result<Current<KubeObjectProps, ()>, TaskError> {
        self.create(ctx, refs).await
    }
}

impl KubeObject {
    fn current(&self, applied: Option<String>) -> Current<KubeObjectProps, ()> {
        Current::new(
            physical(self.api.cluster(), &self.desired.at),
            KubeObjectProps {
                // Made by someone else: applying takes it over.
                applied: applied.unwrap_or_else(|| "not Escala's".into()),
            },
        )
    }
}

/// Objects inside the stack's clusters. They go before the node groups and the addons whose pods
/// delete their cloud resources, and so before the cluster.
#[derive(Debug)]
pub struct KubeObjectKind;

#[async_trait]
impl Kind<AwsContext> for KubeObjectKind {
    fn name(&self) -> &'static str {
        "KubernetesObject"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &["EksNodeGroup", "EksAddon", "EksPodIdentity"]
    }
    fn discovery(&self) -> Discovery {
        Discovery::Behind
    }
    fn permissions(&self) -> &'static [Grant] {
        // Inside the cluster, Kubernetes' RBAC decides (the deploy user is the cluster's creator
        // and admin); on AWS, only the cluster's description is read, for its endpoint.
        const GRANTS: &[Grant] = &[Grant::new(
            &["eks:DescribeCluster"],
            &["arn:aws:eks:*:*:cluster/*"],
            Scope::Reading,
        )];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        if !cluster_api::runs(ctx) {
            return Ok(Vec::new());
        }
        let mut found = Vec::new();
        for cluster in super::cluster::EksClusterKind.discover(ctx).await? {
            let name = cluster.physical_id;
            let api = match cluster_api::connect(ctx, &name).await {
                Ok(api) => api,
                // Still coming up, or going: nothing inside can be reached, and the tag
                // discovery of what its controllers made covers it.
                Err(e) if e.code == "ClusterNotReady" => continue,
                Err(e) => return Err(e),
            };
            match in_cluster(&api, &name, &ctx.stack).await {
                Ok(objects) => found.extend(objects),
                Err(e @ (KubeError::Unreachable { .. } | KubeError::Unauthorized { .. })) => {
                    tracing::warn!(cluster = %name, error = %e, "the cluster's objects can't be listed; its cloud resources are found by their tags");
                }
                Err(e) => return Err(from_kube(e)),
            }
        }
        Ok(found)
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        let (cluster, at) = parse(&f.physical_id)?;
        let api = cluster_api::connect(ctx, cluster).await?;
        teardown::remove(&api, &at, GONE)
            .await
            .map(|_| ())
            .map_err(from_kube)
    }
}

/// The stack's objects in one cluster (with their logical ids), and every other object that owns
/// a cloud resource (without).
async fn in_cluster(
    api: &escala_kube::Cluster,
    cluster: &str,
    stack: &str,
) -> Result<Vec<Found>, KubeError> {
    let (ours, owners) =
        tokio::try_join!(teardown::managed(api, stack), teardown::cloud_owners(api))?;
    let mut found: Vec<Found> = ours
        .iter()
        .map(|at| Found::new(KubeObjectKind.name(), Some(id(at)), physical(cluster, at)))
        .collect();
    found.extend(
        owners
            .iter()
            .filter(|at| !ours.contains(at))
            .map(|at| Found::new(KubeObjectKind.name(), None, physical(cluster, at))),
    );
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(name: &str) -> escala_kube::ApiResource {
        teardown::managed_types()
            .into_iter()
            .find(|r| r.kind == name)
            .unwrap()
    }

    #[test]
    fn an_objects_physical_id_names_what_a_delete_needs() {
        for (namespace, text) in [
            (Some("demo".to_string()), "seed-eks/Service/demo/chat"),
            (None, "seed-eks/Service/-/chat"),
        ] {
            let at = ObjRef {
                resource: kind("Service"),
                namespace,
                name: "chat".into(),
            };
            assert_eq!(physical("seed-eks", &at), text);
            assert_eq!(parse(text).unwrap(), ("seed-eks", at));
        }
        assert!(parse("seed-eks/Gadget/demo/x").is_err());
        assert_eq!(
            id(&ObjRef {
                resource: kind("Deployment"),
                namespace: Some("kube-system".into()),
                name: "cluster-autoscaler".into(),
            }),
            "kube-deployment-kube-system-cluster-autoscaler"
        );
    }
}

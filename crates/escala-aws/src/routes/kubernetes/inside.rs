//! The route's tasks inside the cluster: escala-kube's objects for the Spec's in-cluster fields,
//! each a [`KubeObject`] on the cluster's one connection. Each waits for the cluster only, as
//! server-side apply needs nothing else: a namespace's objects wait for it too, and
//! cluster-autoscaler's Deployment for its pod identity (a pod gets its role when it starts).

use std::collections::BTreeMap;
use std::sync::Arc;

use escala_core::routes::kubernetes::{DemoApp, EksSpec};
use escala_core::tags;
use escala_core::task::Task;
use escala_kube::objects::{InCluster, AUTOSCALER, DEMO_NAMESPACE};

use super::cluster_api::{self, ClusterApi};
use super::ids::{self, CLUSTER};
use super::kube_object::{self, KubeObject};
use crate::context::AwsContext;

/// The objects' tasks, in the order escala-kube gives them.
pub fn tasks(eks: &EksSpec, stack: &str, cluster: &str) -> Vec<Arc<dyn Task<AwsContext>>> {
    // The volumes the EBS driver makes and the demo's load balancer carry the stack's tag (and no
    // logical id: an apply never takes one for an orphan), so a teardown finds any left even
    // when the cluster is gone.
    let stack_tags = BTreeMap::from([(tags::STACK.to_string(), stack.to_string())]);
    let set = InCluster {
        stack,
        cluster,
        autoscaler: &eks.cluster_autoscaler,
        demo: &eks.demo,
        demo_image: eks.demo.image.as_deref(),
        storage: &eks.storage,
        tags: &stack_tags,
    };
    let api = ClusterApi::new(cluster);
    let objects = set.objects();
    let namespace = objects
        .iter()
        .find(|d| d.at.resource.kind == "Namespace" && d.at.name == DEMO_NAMESPACE)
        .map(|d| kube_object::id(&d.at));
    objects
        .into_iter()
        .map(|desired| {
            let mut deps = vec![CLUSTER.to_string()];
            if desired.at.namespace.as_deref() == Some(DEMO_NAMESPACE) {
                deps.extend(namespace.clone());
            }
            if desired.at.resource.kind == "Deployment" && desired.at.name == AUTOSCALER {
                deps.push(ids::pod_identity(AUTOSCALER));
            }
            Arc::new(KubeObject {
                id: kube_object::id(&desired.at),
                api: api.clone(),
                desired,
                deps,
            }) as Arc<dyn Task<AwsContext>>
        })
        .collect()
}

/// What the plan leaves out on this target, and why.
pub fn notes(ctx: &AwsContext, eks: &EksSpec) -> Vec<String> {
    let mut notes = Vec::new();
    if !cluster_api::runs(ctx) {
        notes.push(cluster_api::NOT_IN_THE_EMULATOR.to_string());
    }
    if eks.demo.app == DemoApp::Chat && eks.demo.image.is_none() {
        notes.push("The chat demo runs the image demo.image names: Escala pushes the chat's own image for Fargate stacks, not yet for EKS clusters, so the demo, its HPA and the claim's pod are left out until one is named.".into());
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use escala_core::routes::kubernetes::KubernetesSpec;
    use escala_core::routes::Section;
    use escala_core::spec::Spec;
    use escala_core::validate::{RegionZones, ValidSpec};

    #[test]
    fn every_object_waits_for_tasks_the_route_makes() {
        let yaml = include_str!("../../../../../examples/seed-eks.yaml")
            .replace("app: chat ", "image: chat:1\n      app: chat ");
        let spec = Spec::from_yaml(&yaml).unwrap();
        let zones = RegionZones {
            region: "us-east-1".into(),
            zones: vec!["us-east-1a".into(), "us-east-1b".into()],
        };
        let valid = ValidSpec::new(spec, &zones).unwrap_or_else(|e| panic!("{e}"));
        let Some(KubernetesSpec::Eks(eks)) =
            valid.spec().route.as_ref().and_then(KubernetesSpec::of)
        else {
            panic!("an EKS route")
        };
        let inside = tasks(eks, "seed-eks", "seed-eks");
        // The namespace, the class, the claim and its pod, the demo's three, cluster-autoscaler's six.
        assert_eq!(inside.len(), 13);
        let known: Vec<String> = inside
            .iter()
            .map(|t| t.id().to_string())
            .chain([CLUSTER.to_string(), ids::pod_identity(AUTOSCALER)])
            .collect();
        for t in &inside {
            for dep in t.deps() {
                assert!(known.contains(&dep), "{} waits for {dep}", t.id());
            }
        }
        let hpa = inside
            .iter()
            .find(|t| t.id() == "kube-horizontalpodautoscaler-demo-chat")
            .expect("the HPA");
        assert_eq!(hpa.deps(), [CLUSTER, "kube-namespace-demo"]);
    }
}

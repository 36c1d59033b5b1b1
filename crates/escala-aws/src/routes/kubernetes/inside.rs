//! The route's tasks inside the cluster: escala-kube's objects for the Spec's in-cluster fields,
//! each a [`KubeObject`] on the cluster's one connection. Each waits for the cluster only, as
//! server-side apply needs nothing else: a namespace's objects wait for it too, and
//! cluster-autoscaler's Deployment for its pod identity (a pod gets its role when it starts).

use std::collections::BTreeMap;
use std::sync::Arc;

use escala_core::routes::kubernetes::{EksSpec, OBSERVABILITY_ADDON};
use escala_core::tags;
use escala_core::task::Task;
use escala_kube::objects::{InCluster, AUTOSCALER, DEMO_NAMESPACE};

use super::chat_image::{self, ChatImage};
use super::cluster_api::{self, ClusterApi};
use super::ids::{self, CLUSTER};
use super::kube_object::{self, KubeObject};
use crate::context::AwsContext;
use crate::routes::container::ids::IMAGE;

/// The objects' tasks, in the order escala-kube gives them.
pub fn tasks(
    eks: &EksSpec,
    stack: &str,
    cluster: &str,
    chat: Option<&ChatImage>,
) -> Vec<Arc<dyn Task<AwsContext>>> {
    // The volumes the EBS driver makes and the demo's load balancer carry the stack's tag (and no
    // logical id: an apply never takes one for an orphan), so a teardown finds any left even
    // when the cluster is gone.
    let stack_tags = BTreeMap::from([(tags::STACK.to_string(), stack.to_string())]);
    let set = InCluster {
        stack,
        cluster,
        autoscaler: &eks.cluster_autoscaler,
        demo: &eks.demo,
        demo_image: eks
            .demo
            .image
            .as_deref()
            .or(chat.map(|c| c.reference.as_str())),
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
            // The demo's pods (and the claim's) pull Escala's image once it is pushed.
            let pulls = matches!(desired.at.resource.kind.as_str(), "Deployment" | "Pod");
            if chat.is_some() && pulls && desired.at.namespace.as_deref() == Some(DEMO_NAMESPACE) {
                deps.push(IMAGE.to_string());
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
    notes.extend(chat_image::mixed_note(eks));
    if eks.addons.iter().any(|a| a.name == OBSERVABILITY_ADDON) {
        notes.push(CONTAINER_INSIGHTS.to_string());
    }
    notes
}

/// Why Container Insights has no line in the estimate.
const CONTAINER_INSIGHTS: &str = "Container Insights (the amazon-cloudwatch-observability addon, whose metrics the dashboard charts) is billed by CloudWatch per observation, which depends on the pods and containers that will run: it isn't in this estimate. Leave the addon out to go without it.";

#[cfg(test)]
mod tests {
    use super::*;
    use escala_core::routes::kubernetes::KubernetesSpec;
    use escala_core::routes::Section;
    use escala_core::spec::Spec;
    use escala_core::validate::{RegionZones, ValidSpec};

    fn seed(yaml: &str) -> EksSpec {
        let spec = Spec::from_yaml(yaml).unwrap();
        let zones = RegionZones {
            region: "us-east-1".into(),
            zones: vec!["us-east-1a".into(), "us-east-1b".into()],
        };
        let valid = ValidSpec::new(spec, &zones).unwrap_or_else(|e| panic!("{e}"));
        match valid.spec().route.as_ref().and_then(KubernetesSpec::of) {
            Some(KubernetesSpec::Eks(eks)) => eks.clone(),
            None => panic!("an EKS route"),
        }
    }

    const SEED: &str = include_str!("../../../../../examples/seed-eks.yaml");

    #[test]
    fn every_object_waits_for_tasks_the_route_makes() {
        let eks = seed(&SEED.replace("app: chat ", "image: chat:1\n      app: chat "));
        let inside = tasks(&eks, "seed-eks", "seed-eks", None);
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

    #[test]
    fn the_chat_demo_without_an_image_pulls_escalas_once_it_is_pushed() {
        let eks = seed(SEED);
        let chat = ChatImage {
            image: crate::routes::container::image::stand_in(),
            reference: "123456789012.dkr.ecr.us-east-1.amazonaws.com/seed-eks-chat:sha256-1".into(),
        };
        let inside = tasks(&eks, "seed-eks", "seed-eks", Some(&chat));
        assert_eq!(inside.len(), 13, "the demo is planned, not left out");
        let pulling: Vec<&str> = inside
            .iter()
            .filter(|t| t.deps().contains(&IMAGE.to_string()))
            .map(|t| t.id())
            .collect();
        assert_eq!(
            pulling.len(),
            2,
            "the demo's Deployment and the claim's pod: {pulling:?}"
        );
        assert!(
            pulling.iter().all(|id| id.contains("-demo-")),
            "{pulling:?}"
        );
        assert_eq!(chat_image::mixed_note(&eks), None, "one architecture");
    }

    #[test]
    fn node_groups_of_two_architectures_are_said_to_break_the_chats_image() {
        let arm = "        subnets: private\n      - name: arm\n        instanceTypes: [m7g.large]\n        size: {min: 1, desired: 1, max: 2}\n";
        let eks = seed(&SEED.replacen("        subnets: private\n", arm, 1));
        assert_eq!(eks.node_groups.len(), 2);
        assert!(chat_image::mixed_note(&eks).is_some_and(|n| n.contains("arm64")));
        let named = seed(&SEED.replace("app: chat ", "image: chat:1\n      app: chat "));
        assert_eq!(
            chat_image::mixed_note(&named),
            None,
            "a named image is the user's"
        );
    }
}

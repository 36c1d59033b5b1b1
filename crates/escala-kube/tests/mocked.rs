//! Every in-cluster operation against a scripted API server: the exact requests (paths, field
//! manager, patch bodies) and answers, including conflicts, 404, 409, 410, refusals and a slow or
//! absent API server.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use escala_core::routes::kubernetes::{ClusterAutoscaler, Demo, Storage};
use escala_kube::objects::InCluster;
use escala_kube::{apply_all, teardown, Change, Desired, KubeError, ObjRef};
use http::Method;
use kube::Resource;
use serde_json::{json, Value};
use support::*;

struct Fixture {
    autoscaler: ClusterAutoscaler,
    demo: Demo,
    storage: Storage,
    tags: BTreeMap<String, String>,
}

fn fixture() -> Fixture {
    Fixture {
        autoscaler: ClusterAutoscaler {
            image: Some("autoscaling/cluster-autoscaler:v1.35.0".into()),
            ..ClusterAutoscaler::default()
        },
        demo: Demo::default(),
        storage: Storage::default(),
        tags: BTreeMap::from([("escala:stack".to_string(), "seed-eks".to_string())]),
    }
}

fn objects(f: &Fixture) -> Vec<Desired> {
    InCluster {
        stack: "seed-eks",
        cluster: "seed-eks",
        autoscaler: &f.autoscaler,
        demo: &f.demo,
        demo_image: Some("chat:1"),
        storage: &f.storage,
        tags: &f.tags,
    }
    .objects()
}

/// The object's path, as kube-rs builds it.
fn path(at: &ObjRef) -> String {
    format!(
        "{}/{}",
        kube::core::DynamicObject::url_path(&at.resource, at.namespace.as_deref()),
        at.name
    )
}

/// What the API server answers for an applied object: the body, with the fields it adds.
fn stored(desired: &Desired) -> Value {
    let mut body = serde_json::to_value(&desired.body).unwrap();
    body["metadata"]["uid"] = format!("uid-{}", desired.at.name).into();
    body["metadata"]["resourceVersion"] = "1".into();
    body
}

#[tokio::test]
async fn a_first_apply_makes_every_object_under_escalas_field_manager() {
    let f = fixture();
    let objects = objects(&f);
    let script = objects
        .iter()
        .flat_map(|d| {
            [
                not_found(Method::GET, &path(&d.at)),
                ok(
                    Method::PATCH,
                    &format!("{}?&force=true&fieldManager=escala", path(&d.at)),
                    stored(d),
                ),
            ]
        })
        .collect();
    let (cluster, server) = api_server(script);
    let done = apply_all(&cluster, &objects).await.unwrap();
    assert!(done.iter().all(|(_, c)| *c == Change::Create), "{done:?}");
    let kinds: Vec<&str> = objects
        .iter()
        .map(|d| d.at.resource.kind.as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "Namespace",
            "StorageClass",
            "PersistentVolumeClaim",
            "Deployment",
            "Deployment",
            "Service",
            "HorizontalPodAutoscaler",
            "ServiceAccount",
            "ClusterRole",
            "Role",
            "ClusterRoleBinding",
            "RoleBinding",
            "Deployment",
        ]
    );
    let received = finished(server).await;
    for (patch, desired) in received.iter().skip(1).step_by(2).zip(&objects) {
        assert_eq!(
            patch.content_type.as_deref(),
            Some("application/apply-patch+yaml")
        );
        let body = patch.body.as_ref().expect("an apply has a body");
        assert_eq!(body["kind"], desired.at.resource.kind.as_str());
        assert_eq!(
            body["metadata"]["labels"]["app.kubernetes.io/managed-by"],
            "escala"
        );
        assert_eq!(body["metadata"]["labels"]["escala.dev/stack"], "seed-eks");
        assert_eq!(
            body["metadata"]["annotations"]["escala.dev/applied"],
            desired.digest.as_str()
        );
    }
}

#[tokio::test]
async fn the_patch_bodies_say_what_the_spec_says() {
    let f = fixture();
    let objects = objects(&f);
    let body = |kind: &str, name: &str| {
        let d = objects
            .iter()
            .find(|d| d.at.resource.kind == kind && d.at.name == name)
            .unwrap_or_else(|| panic!("no {kind} {name}"));
        serde_json::to_value(&d.body).unwrap()
    };
    let hpa = body("HorizontalPodAutoscaler", "chat");
    assert_eq!(hpa["apiVersion"], "autoscaling/v2");
    assert_eq!(hpa["spec"]["minReplicas"], 2);
    assert_eq!(hpa["spec"]["maxReplicas"], 20);
    assert_eq!(
        hpa["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"],
        50
    );
    let app = body("Deployment", "chat");
    assert!(
        app["spec"].get("replicas").is_none(),
        "the HPA owns replicas"
    );
    assert_eq!(
        app["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"],
        "200m"
    );
    let class = body("StorageClass", "escala-gp3");
    assert_eq!(class["provisioner"], "ebs.csi.aws.com");
    assert_eq!(class["parameters"]["type"], "gp3");
    assert_eq!(
        class["parameters"]["tagSpecification_1"],
        "escala:stack=seed-eks"
    );
    assert_eq!(class["volumeBindingMode"], "WaitForFirstConsumer");
    let service = body("Service", "chat");
    assert_eq!(service["spec"]["type"], "LoadBalancer");
    assert_eq!(
        service["metadata"]["annotations"]
            ["service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags"],
        "escala:stack=seed-eks"
    );
    let claim = body("PersistentVolumeClaim", "demo-data");
    assert_eq!(claim["spec"]["resources"]["requests"]["storage"], "10Gi");
    let ca = body("Deployment", "cluster-autoscaler");
    let flags = &ca["spec"]["template"]["spec"]["containers"][0]["command"];
    for flag in [
        "--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/seed-eks",
        "--balance-similar-node-groups",
        "--expander=least-waste",
        "--scale-down-unneeded-time=10m",
        "--scale-down-utilization-threshold=0.5",
    ] {
        assert!(
            flags.as_array().unwrap().iter().any(|f| f == flag),
            "{flag} not in {flags}"
        );
    }
    assert_eq!(
        ca["spec"]["template"]["spec"]["serviceAccountName"],
        "cluster-autoscaler"
    );
}

#[tokio::test]
async fn a_second_apply_reads_each_object_and_sends_nothing() {
    let f = fixture();
    let objects = objects(&f);
    let script = objects
        .iter()
        .map(|d| ok(Method::GET, &path(&d.at), stored(d)))
        .collect();
    let (cluster, server) = api_server(script);
    let done = apply_all(&cluster, &objects).await.unwrap();
    assert!(
        done.iter().all(|(_, c)| *c == Change::Unchanged),
        "{done:?}"
    );
    let received = finished(server).await;
    assert!(received.iter().all(|r| r.method == Method::GET));
}

#[tokio::test]
async fn an_object_changed_since_it_was_applied_is_applied_again() {
    let f = fixture();
    let objects = objects(&f);
    let hpa = objects
        .iter()
        .find(|d| d.at.resource.kind == "HorizontalPodAutoscaler")
        .unwrap();
    let mut older = stored(hpa);
    older["metadata"]["annotations"]["escala.dev/applied"] = "an-older-digest".into();
    let (cluster, server) = api_server(vec![
        ok(Method::GET, &path(&hpa.at), older),
        ok(
            Method::PATCH,
            &format!("{}?&force=true&fieldManager=escala", path(&hpa.at)),
            stored(hpa),
        ),
    ]);
    let done = apply_all(&cluster, std::slice::from_ref(hpa))
        .await
        .unwrap();
    assert_eq!(done[0].1, Change::Update);
    finished(server).await;
}

#[tokio::test]
async fn a_conflicting_write_is_retried_and_a_lasting_one_reported() {
    let f = fixture();
    let objects = objects(&f);
    let d = &objects[0];
    let apply = format!("{}?&force=true&fieldManager=escala", path(&d.at));
    let (cluster, server) = api_server(vec![
        refused(Method::PATCH, &apply, 409, "Conflict"),
        ok(Method::PATCH, &apply, stored(d)),
    ]);
    let live = cluster.apply(d).await.unwrap();
    assert_eq!(live.uid, "uid-demo");
    finished(server).await;

    let (cluster, server) = api_server(vec![
        refused(Method::PATCH, &apply, 409, "Conflict"),
        refused(Method::PATCH, &apply, 409, "Conflict"),
        refused(Method::PATCH, &apply, 409, "Conflict"),
    ]);
    let err = cluster.apply(d).await.unwrap_err();
    assert!(
        matches!(&err, KubeError::Api { code: 409, object, .. } if object == "Namespace demo"),
        "{err}"
    );
    finished(server).await;
}

#[tokio::test]
async fn a_refused_identity_is_named_with_the_endpoint() {
    let f = fixture();
    let objects = objects(&f);
    let (cluster, server) = api_server(vec![refused(
        Method::GET,
        &path(&objects[0].at),
        403,
        "Forbidden",
    )]);
    let err = apply_all(&cluster, &objects).await.unwrap_err().to_string();
    assert!(err.contains(ENDPOINT) && err.contains(IDENTITY), "{err}");
    assert!(err.contains("access entry"), "{err}");
    finished(server).await;
}

#[tokio::test]
async fn a_slow_or_absent_api_server_is_unreachable_by_name() {
    let f = fixture();
    let objects = objects(&f);
    let mut slow = not_found(Method::GET, &path(&objects[0].at));
    slow.delay = Some(Duration::from_secs(2));
    let (cluster, server) = api_server(vec![slow]);
    let err = cluster.find(&objects[0].at).await.unwrap_err();
    let KubeError::Unreachable {
        endpoint,
        identity,
        reason,
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!((endpoint.as_str(), identity.as_str()), (ENDPOINT, IDENTITY));
    assert!(reason.contains("no answer within 0.5 s"), "{reason}");
    server.abort();

    // No server at all: the mock's other end is gone.
    let (cluster, server) = api_server(Vec::new());
    finished(server).await;
    let err = cluster.find(&objects[0].at).await.unwrap_err();
    assert!(matches!(err, KubeError::Unreachable { .. }), "{err}");
}

#[tokio::test]
async fn a_list_whose_continue_token_expired_starts_again() {
    let services = kube::core::ApiResource::erase::<k8s_openapi::api::core::v1::Service>(&());
    let first = "/api/v1/services?&limit=250";
    let next = "/api/v1/services?&limit=250&continue=page-2";
    let page = |items: Value, token: &str| json!({"apiVersion": "v1", "kind": "ServiceList", "metadata": {"continue": token}, "items": items});
    let svc = |name: &str| json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "demo"}});
    let (cluster, server) = api_server(vec![
        ok(Method::GET, first, page(json!([svc("a")]), "page-2")),
        refused(Method::GET, next, 410, "Expired"),
        ok(Method::GET, first, page(json!([svc("a")]), "page-2")),
        ok(Method::GET, next, page(json!([svc("b")]), "")),
    ]);
    let listed = cluster.list(&services, "").await.unwrap();
    let names: Vec<_> = listed
        .iter()
        .map(|o| o.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(names, ["a", "b"]);
    finished(server).await;
}

fn deleting(body: Value, finalizer: &str) -> Value {
    let mut body = body;
    body["metadata"]["deletionTimestamp"] = "2026-12-07T12:00:00Z".into();
    body["metadata"]["finalizers"] = json!([finalizer]);
    body
}

#[tokio::test]
async fn a_release_deletes_load_balancers_and_claims_and_waits_for_their_volumes() {
    let list = |kind: &str, items: Value| json!({"apiVersion": "v1", "kind": format!("{kind}List"), "metadata": {}, "items": items});
    let lb = json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "chat", "namespace": "demo"}, "spec": {"type": "LoadBalancer"}});
    let internal = json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "kube-dns", "namespace": "kube-system"}, "spec": {"type": "ClusterIP"}});
    let claim = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": "demo-data", "namespace": "demo"}, "spec": {"volumeName": "pvc-1"}});
    let volume = json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pvc-1"},
        "spec": {"persistentVolumeReclaimPolicy": "Delete", "claimRef": {"name": "demo-data", "namespace": "demo"}}});
    let pod = |name: &str, node: Option<&str>| {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "demo"},
            "spec": {"nodeName": node, "containers": [],
                     "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "demo-data"}}]}})
    };
    // The running pod that mounts the claim holds it; an unscheduled one doesn't.
    let pods = json!([pod("demo-data-1", Some("n1")), pod("demo-data-2", None)]);
    let cleanup = "service.kubernetes.io/load-balancer-cleanup";
    let services = "/api/v1/namespaces/demo/services/chat";
    let claims = "/api/v1/namespaces/demo/persistentvolumeclaims/demo-data";
    let mut script = together(
        1,
        vec![
            ok(
                Method::GET,
                "/api/v1/services?&limit=250",
                list("Service", json!([lb, internal])),
            ),
            ok(
                Method::GET,
                "/api/v1/persistentvolumeclaims?&limit=250",
                list("PersistentVolumeClaim", json!([claim])),
            ),
        ],
    );
    // The Service and the claim are removed concurrently: the Service's load balancer finalizer
    // holds it once; the claim's volume is looked up first and waited for last.
    script.extend(together(
        2,
        vec![
            ok(
                Method::DELETE,
                &format!("{services}?"),
                deleting(lb.clone(), cleanup),
            ),
            ok(Method::GET, services, deleting(lb, cleanup)),
            not_found(Method::GET, services),
            ok(Method::GET, claims, claim),
            ok(Method::GET, "/api/v1/persistentvolumes/pvc-1", volume),
            not_found(Method::DELETE, &format!("{claims}?")),
            ok(Method::GET, "/api/v1/pods?&limit=250", list("Pod", pods)),
            not_found(Method::DELETE, "/api/v1/namespaces/demo/pods/demo-data-1?"),
            not_found(Method::GET, claims),
            not_found(Method::GET, "/api/v1/persistentvolumes/pvc-1"),
        ],
    ));
    let (cluster, server) = api_server(script);
    let released = teardown::release_cloud(&cluster, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(released.load_balancers, ["Service demo/chat"]);
    assert_eq!(released.claims, ["PersistentVolumeClaim demo/demo-data"]);
    assert_eq!(released.volumes, ["PersistentVolume pvc-1"]);
    let received = finished(server).await;
    let deletes: Vec<_> = received
        .iter()
        .filter(|r| r.method == Method::DELETE)
        .collect();
    assert_eq!(
        deletes.len(),
        3,
        "the Service, the claim and the pod mounting it"
    );
    for delete in deletes {
        let options = delete.body.as_ref().expect("a delete's options");
        assert_eq!(options["propagationPolicy"], "Foreground");
    }
}

#[tokio::test]
async fn a_wait_that_runs_out_names_the_finalizers_holding_the_object() {
    let at = ObjRef {
        resource: kube::core::ApiResource::erase::<k8s_openapi::api::core::v1::PersistentVolumeClaim>(
            &(),
        ),
        namespace: Some("demo".into()),
        name: "demo-data".into(),
    };
    let held = deleting(
        json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "demo-data", "namespace": "demo"}}),
        "kubernetes.io/pvc-protection",
    );
    let script = (0..50)
        .map(|_| ok(Method::GET, &path(&at), held.clone()))
        .collect();
    let (cluster, server) = api_server(script);
    let err = cluster
        .wait_gone(&at, Duration::from_millis(20))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("held by its finalizers kubernetes.io/pvc-protection"),
        "{err}"
    );
    server.abort();
}

#[tokio::test]
async fn a_stack_is_deleted_type_by_type_by_its_labels() {
    let selector = "app.kubernetes.io%2Fmanaged-by%3Descala%2Cescala.dev%2Fstack%3Dseed-eks";
    let mut script = Vec::new();
    let found = |kind: &str, items: Value| json!({"apiVersion": "v1", "kind": format!("{kind}List"), "metadata": {}, "items": items});
    let mut lists = Vec::new();
    for resource in teardown::managed_types() {
        let base = kube::core::DynamicObject::url_path(&resource, None);
        let items = match resource.kind.as_str() {
            "HorizontalPodAutoscaler" => {
                json!([{"metadata": {"name": "chat", "namespace": "demo"}}])
            }
            "Namespace" => json!([{"metadata": {"name": "demo"}}]),
            _ => json!([]),
        };
        lists.push(ok(
            Method::GET,
            &format!("{base}?&labelSelector={selector}&limit=250"),
            found(&resource.kind, items),
        ));
    }
    script.extend(together(1, lists));
    script.extend([
        ok(
            Method::DELETE,
            "/apis/autoscaling/v2/namespaces/demo/horizontalpodautoscalers/chat?",
            json!({"kind": "Status", "apiVersion": "v1", "status": "Success", "metadata": {}}),
        ),
        not_found(
            Method::GET,
            "/apis/autoscaling/v2/namespaces/demo/horizontalpodautoscalers/chat",
        ),
        ok(
            Method::DELETE,
            "/api/v1/namespaces/demo?",
            json!({"kind": "Status", "apiVersion": "v1", "status": "Success", "metadata": {}}),
        ),
        not_found(Method::GET, "/api/v1/namespaces/demo"),
    ]);
    let (cluster, server) = api_server(script);
    let deleted = teardown::delete_managed(&cluster, "seed-eks", Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(
        deleted,
        ["HorizontalPodAutoscaler demo/chat", "Namespace demo"]
    );
    finished(server).await;
}

#[tokio::test]
async fn the_status_reads_nodes_pods_the_hpa_and_the_claims_volume() {
    let list = |kind: &str, items: Value| json!({"apiVersion": "v1", "kind": format!("{kind}List"), "metadata": {}, "items": items});
    let node = |name: &str, ready: &str| {
        json!({"metadata": {"name": name, "labels": {
            "node.kubernetes.io/instance-type": "t3.medium", "topology.kubernetes.io/zone": "us-east-1a"}},
            "status": {"conditions": [{"type": "Ready", "status": ready}]}})
    };
    let pods = json!([
        {"metadata": {"name": "chat-1"}, "spec": {"nodeName": "n1", "containers": []},
         "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}},
        {"metadata": {"name": "chat-2"}, "spec": {"containers": []}, "status": {"phase": "Pending"}},
    ]);
    let hpa = json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "chat", "namespace": "demo"},
        "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "chat"}, "maxReplicas": 20,
                 "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}]},
        "status": {"currentReplicas": 2, "desiredReplicas": 3,
                   "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 81}}}],
                   "conditions": [{"type": "ScalingLimited", "status": "False", "reason": "DesiredWithinRange"}]}});
    let claim = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": "demo-data", "namespace": "demo"},
        "spec": {"volumeName": "pvc-1"}, "status": {"phase": "Bound"}});
    let volume = json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pvc-1"},
        "spec": {"csi": {"driver": "ebs.csi.aws.com", "volumeHandle": "vol-0123456789abcdef0"}}});
    let service = json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "chat", "namespace": "demo"}, "spec": {"type": "LoadBalancer"},
        "status": {"loadBalancer": {"ingress": [{"hostname": "chat-0123.elb.us-east-1.amazonaws.com"}]}}});
    let mut script = together(
        1,
        vec![
            ok(
                Method::GET,
                "/api/v1/namespaces/demo/services/chat",
                service,
            ),
            ok(
                Method::GET,
                "/api/v1/nodes?",
                list("Node", json!([node("n1", "True"), node("n2", "False")])),
            ),
            ok(
                Method::GET,
                "/api/v1/namespaces/demo/pods?&labelSelector=app%3Dchat",
                list("Pod", pods),
            ),
            ok(
                Method::GET,
                "/apis/autoscaling/v2/namespaces/demo/horizontalpodautoscalers/chat",
                hpa,
            ),
            ok(
                Method::GET,
                "/api/v1/namespaces/demo/persistentvolumeclaims/demo-data",
                claim,
            ),
        ],
    );
    script.push(ok(Method::GET, "/api/v1/persistentvolumes/pvc-1", volume));
    let (cluster, server) = api_server(script);
    let status = escala_kube::status::read(&cluster, "chat").await.unwrap();
    finished(server).await;
    assert_eq!(
        status.address.as_deref(),
        Some("chat-0123.elb.us-east-1.amazonaws.com")
    );
    let ready: Vec<_> = status
        .nodes
        .iter()
        .map(|n| (n.name.as_str(), n.ready))
        .collect();
    assert_eq!(ready, [("n1", true), ("n2", false)]);
    assert_eq!(status.nodes[0].instance_type.as_deref(), Some("t3.medium"));
    let phases: Vec<_> = status
        .pods
        .iter()
        .map(|p| (p.phase.as_str(), p.ready, p.node.as_deref()))
        .collect();
    assert_eq!(
        phases,
        [("Running", true, Some("n1")), ("Pending", false, None)]
    );
    let hpa = status.hpa.expect("the HPA");
    assert_eq!((hpa.current_replicas, hpa.desired_replicas), (2, 3));
    assert_eq!((hpa.current_cpu, hpa.target_cpu), (Some(81), Some(50)));
    assert_eq!(
        hpa.conditions[0].reason.as_deref(),
        Some("DesiredWithinRange")
    );
    let claim = status.claim.expect("the claim");
    assert_eq!(claim.phase, "Bound");
    assert_eq!(claim.volume_id.as_deref(), Some("vol-0123456789abcdef0"));
}

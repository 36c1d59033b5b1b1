//! What the sandbox sends when it plays a cluster's nodes and controllers (`escala_kube::play`),
//! request by request against a scripted API server: the paths, the field manager, and the bodies
//! a kubelet, the scheduler, the HPA controller and the load balancer controller would send.
mod support;

use std::collections::BTreeMap;

use escala_kube::play::{self, HpaReport, NodeSpec, Taint};
use http::Method;
use jiff::Timestamp;
use serde_json::{json, Value};
use support::*;

fn now() -> Timestamp {
    "2026-12-08T10:00:00Z".parse().unwrap()
}

fn node() -> NodeSpec {
    NodeSpec {
        name: "ip-10-0-16-10.ec2.internal".into(),
        labels: BTreeMap::from([("eks.amazonaws.com/nodegroup".into(), "general".into())]),
        taints: vec![Taint {
            key: "dedicated".into(),
            value: "web".into(),
            effect: "NoSchedule".into(),
        }],
        cpu_millis: 2000,
        memory_mib: 8192,
        allocatable_cpu_millis: 1930,
        allocatable_memory_mib: 7518,
        max_pods: 29,
        internal_ip: "10.0.16.10".into(),
        provider_id: "aws:///us-east-1a/i-0123".into(),
    }
}

const APPLY: &str = "?&force=true&fieldManager=escala-sandbox";

#[tokio::test]
async fn a_node_registers_reports_ready_and_renews_its_lease_under_the_sandboxs_field_manager() {
    let name = "ip-10-0-16-10.ec2.internal";
    let (cluster, server) = api_server(vec![
        ok(
            Method::PATCH,
            &format!("/api/v1/nodes/{name}{APPLY}"),
            json!({"metadata": {"name": name}}),
        ),
        ok(
            Method::PATCH,
            &format!("/api/v1/nodes/{name}/status{APPLY}"),
            json!({"metadata": {"name": name}}),
        ),
        ok(
            Method::PATCH,
            &format!(
                "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/{name}{APPLY}"
            ),
            json!({"metadata": {"name": name}}),
        ),
    ]);
    play::register(&cluster, &node(), now()).await.unwrap();
    let got = finished(server).await;
    assert!(got
        .iter()
        .all(|r| r.content_type.as_deref() == Some("application/apply-patch+yaml")));
    let body = got[0].body.as_ref().unwrap();
    assert_eq!(
        body["metadata"]["labels"]["escala.dev/sandbox-node"],
        "true"
    );
    assert_eq!(
        body["metadata"]["labels"]["eks.amazonaws.com/nodegroup"],
        "general"
    );
    assert_eq!(
        body["spec"]["taints"][0],
        json!({"key": "dedicated", "value": "web", "effect": "NoSchedule"})
    );
    assert_eq!(body["spec"]["providerID"], "aws:///us-east-1a/i-0123");
    let status = &got[1].body.as_ref().unwrap()["status"];
    assert_eq!(
        status["capacity"],
        json!({"cpu": "2000m", "memory": "8192Mi", "pods": "29"})
    );
    assert_eq!(
        status["allocatable"],
        json!({"cpu": "1930m", "memory": "7518Mi", "pods": "29"})
    );
    assert_eq!(status["conditions"][0]["type"], "Ready");
    assert_eq!(status["conditions"][0]["status"], "True");
    let lease = &got[2].body.as_ref().unwrap()["spec"];
    assert_eq!(lease["holderIdentity"], name);
    assert_eq!(lease["leaseDurationSeconds"], 40);
    assert_eq!(lease["renewTime"], "2026-12-08T10:00:00.000000Z");
}

#[tokio::test]
async fn played_nodes_are_listed_by_their_label_and_a_gone_one_is_removed_once() {
    let (cluster, server) = api_server(vec![
        ok(
            Method::GET,
            "/api/v1/nodes?&labelSelector=escala.dev%2Fsandbox-node%3Dtrue",
            json!({"apiVersion": "v1", "kind": "NodeList", "metadata": {}, "items": [{"metadata": {"name": "n1"}}]}),
        ),
        not_found(Method::DELETE, "/api/v1/nodes/n1?"),
    ]);
    assert_eq!(play::played_nodes(&cluster).await.unwrap(), ["n1"]);
    play::remove(&cluster, "n1").await.unwrap();
    finished(server).await;
}

fn pod(extra: Value) -> Value {
    let mut p = json!({
        "metadata": {"name": "php-apache-1", "namespace": "demo", "uid": "u1", "labels": {"app": "php-apache"}},
        "spec": {"containers": [{"name": "php-apache",
            "ports": [{"containerPort": 8080, "name": "http"}],
            "env": [{"name": "REDIS_URL", "value": "none"}],
            "resources": {"requests": {"cpu": "200m", "memory": "64Mi"}}}]},
        "status": {"phase": "Pending"},
    });
    if let (Some(p), Some(extra)) = (p.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            p.insert(k.clone(), v.clone());
        }
    }
    p
}

#[tokio::test]
async fn pods_are_read_bound_started_marked_unschedulable_and_finished_as_kubelet_does() {
    let list =
        json!({"apiVersion": "v1", "kind": "PodList", "metadata": {}, "items": [pod(json!({}))]});
    let path = "/api/v1/namespaces/demo/pods/php-apache-1";
    let (cluster, server) = api_server(vec![
        ok(Method::GET, "/api/v1/pods?", list),
        ok(
            Method::POST,
            &format!("{path}/binding?"),
            json!({"kind": "Status", "status": "Success"}),
        ),
        ok(Method::PATCH, &format!("{path}/status?"), pod(json!({}))),
        ok(Method::PATCH, &format!("{path}/status?"), pod(json!({}))),
        ok(Method::DELETE, &format!("{path}?"), pod(json!({}))),
    ]);
    let pods = play::pods(&cluster).await.unwrap();
    let p = &pods[0];
    assert_eq!((p.cpu_millis, p.memory_mib, p.port), (200, 64, Some(8080)));
    assert_eq!(p.env, [("REDIS_URL".to_string(), "none".to_string())]);
    assert!(!p.unschedulable && !p.deleting && p.node.is_none());
    assert!(!p.tolerates(&node().taints), "the demo tolerates no taint");
    play::bind(&cluster, p, "n1").await.unwrap();
    play::started(&cluster, p, "10.1.0.1", "10.0.16.10", now())
        .await
        .unwrap();
    play::unschedulable(&cluster, p, "0/1 nodes are available", now())
        .await
        .unwrap();
    play::finish(&cluster, p).await.unwrap();
    let got = finished(server).await;
    let binding = got[1].body.as_ref().unwrap();
    assert_eq!(binding["kind"], "Binding");
    assert_eq!(
        binding["target"],
        json!({"apiVersion": "v1", "kind": "Node", "name": "n1"})
    );
    assert_eq!(
        got[2].content_type.as_deref(),
        Some("application/merge-patch+json")
    );
    let status = &got[2].body.as_ref().unwrap()["status"];
    assert_eq!(status["phase"], "Running");
    assert_eq!(status["podIP"], "10.1.0.1");
    assert_eq!(status["hostIP"], "10.0.16.10");
    let ready: Vec<&str> = status["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        ready,
        ["PodScheduled", "Initialized", "ContainersReady", "Ready"]
    );
    let unschedulable = &got[3].body.as_ref().unwrap()["status"]["conditions"][0];
    assert_eq!(unschedulable["reason"], "Unschedulable");
    assert_eq!(unschedulable["status"], "False");
    // No kubelet is left to wait for: the deletion is final at once.
    assert_eq!(got[4].method, Method::DELETE);
    assert_eq!(got[4].body.as_ref().unwrap()["gracePeriodSeconds"], 0);
}

#[tokio::test]
async fn an_unschedulable_or_deleting_pod_reads_so() {
    let listed = json!({"apiVersion": "v1", "kind": "PodList", "metadata": {}, "items": [
        pod(json!({"status": {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}]}})),
        pod(json!({"metadata": {"name": "b", "namespace": "demo", "uid": "u2", "deletionTimestamp": "2026-12-08T10:00:00Z"}})),
    ]});
    let (cluster, server) = api_server(vec![ok(Method::GET, "/api/v1/pods?", listed)]);
    let pods = play::pods(&cluster).await.unwrap();
    finished(server).await;
    assert!(pods[0].unschedulable && !pods[0].deleting);
    assert!(pods[1].deleting);
}

fn hpa_list() -> Value {
    json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscalerList", "metadata": {}, "items": [{
        "metadata": {"name": "php-apache", "namespace": "demo"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "php-apache"},
                 "minReplicas": 1, "maxReplicas": 10,
                 "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}]},
    }]})
}

#[tokio::test]
async fn the_hpa_reads_its_target_through_scale_sets_replicas_and_reports_its_status() {
    let scale = "/apis/apps/v1/namespaces/demo/deployments/php-apache/scale";
    let (cluster, server) = api_server(vec![
        ok(
            Method::GET,
            "/apis/autoscaling/v2/horizontalpodautoscalers?",
            hpa_list(),
        ),
        ok(
            Method::GET,
            scale,
            json!({"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "php-apache"},
            "spec": {"replicas": 1}, "status": {"replicas": 1, "selector": "app=php-apache"}}),
        ),
        ok(
            Method::PATCH,
            &format!("{scale}?"),
            json!({"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "php-apache"}}),
        ),
        ok(
            Method::PATCH,
            "/apis/autoscaling/v2/namespaces/demo/horizontalpodautoscalers/php-apache/status?",
            hpa_list()["items"][0].clone(),
        ),
        not_found(Method::GET, scale),
    ]);
    let hpas = play::hpas(&cluster).await.unwrap();
    let view = &hpas[0];
    assert_eq!((view.min, view.max, view.target_cpu), (1, 10, Some(50)));
    assert_eq!(
        (view.target_kind.as_str(), view.target.as_str()),
        ("Deployment", "php-apache")
    );
    let s = play::scale_of(&cluster, view).await.unwrap().unwrap();
    assert_eq!((s.replicas, s.selector.as_str()), (1, "app=php-apache"));
    play::set_replicas(&cluster, view, 5).await.unwrap();
    let report = HpaReport {
        current: 1,
        desired: 5,
        cpu_percent: Some(305),
        last_scale: Some(now()),
        conditions: vec![(
            "AbleToScale",
            true,
            "SucceededRescale".into(),
            "the HPA controller was able to update the target scale to 5".into(),
        )],
    };
    play::report(&cluster, view, &report, now()).await.unwrap();
    assert_eq!(
        play::scale_of(&cluster, view).await.unwrap(),
        None,
        "a target not made yet"
    );
    let got = finished(server).await;
    assert_eq!(
        got[2].body.as_ref().unwrap(),
        &json!({"spec": {"replicas": 5}})
    );
    let status = &got[3].body.as_ref().unwrap()["status"];
    assert_eq!(status["currentReplicas"], 1);
    assert_eq!(status["desiredReplicas"], 5);
    assert_eq!(
        status["currentMetrics"][0]["resource"]["current"]["averageUtilization"],
        305
    );
    assert_eq!(status["lastScaleTime"], "2026-12-08T10:00:00Z");
    assert_eq!(status["conditions"][0]["reason"], "SucceededRescale");
}

#[tokio::test]
async fn a_load_balancer_service_is_published_at_its_loopback_address() {
    let services = json!({"apiVersion": "v1", "kind": "ServiceList", "metadata": {}, "items": [
        {"metadata": {"name": "php-apache", "namespace": "demo"},
         "spec": {"type": "LoadBalancer", "selector": {"app": "php-apache"}, "sessionAffinity": "ClientIP"}},
        {"metadata": {"name": "kubernetes", "namespace": "default"}, "spec": {"type": "ClusterIP"}},
    ]});
    let (cluster, server) = api_server(vec![
        ok(Method::GET, "/api/v1/services?", services),
        ok(
            Method::PATCH,
            "/api/v1/namespaces/demo/services/php-apache/status?",
            json!({"metadata": {"name": "php-apache"}}),
        ),
    ]);
    let lbs = play::load_balancers(&cluster).await.unwrap();
    assert_eq!(lbs.len(), 1, "only type LoadBalancer");
    assert!(lbs[0].client_affinity && lbs[0].published.is_none());
    play::publish(&cluster, &lbs[0], "127.0.0.1", 41234)
        .await
        .unwrap();
    let got = finished(server).await;
    assert_eq!(
        got[1].body.as_ref().unwrap(),
        &json!({"status": {"loadBalancer": {"ingress": [{"ip": "127.0.0.1", "ports": [{"port": 41234, "protocol": "TCP"}]}]}}})
    );
}

#[tokio::test]
async fn cluster_autoscalers_flags_are_read_from_its_deployment_or_it_runs_none() {
    let path = "/apis/apps/v1/namespaces/kube-system/deployments/cluster-autoscaler";
    let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "cluster-autoscaler"},
        "spec": {"selector": {}, "template": {"spec": {"containers": [{"name": "cluster-autoscaler",
            "command": ["./cluster-autoscaler", "--expander=least-waste"], "args": ["--v=2"]}]}}}});
    let (cluster, server) = api_server(vec![
        ok(Method::GET, path, deployment),
        not_found(Method::GET, path),
    ]);
    assert_eq!(
        play::autoscaler_flags(&cluster).await.unwrap().unwrap(),
        ["./cluster-autoscaler", "--expander=least-waste", "--v=2"]
    );
    assert_eq!(play::autoscaler_flags(&cluster).await.unwrap(), None);
    finished(server).await;
}

#[tokio::test]
async fn an_ebs_claim_gets_a_pre_bound_volume_and_a_released_one_is_removed() {
    let classes = json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClassList", "metadata": {}, "items": [
        {"metadata": {"name": "escala-gp3"}, "provisioner": "ebs.csi.aws.com",
         "parameters": {"type": "gp3", "iops": "3000", "tagSpecification_1": "escala:stack=seed-eks"}},
        {"metadata": {"name": "standard"}, "provisioner": "rancher.io/local-path"},
    ]});
    let claim = |name: &str, class: &str, volume: Option<&str>| {
        let mut spec =
            json!({"storageClassName": class, "resources": {"requests": {"storage": "10Gi"}}});
        if let Some(v) = volume {
            spec["volumeName"] = json!(v);
        }
        json!({"metadata": {"name": name, "namespace": "demo", "uid": format!("{name}-uid"),
               "annotations": {"volume.kubernetes.io/selected-node": "n1"}}, "spec": spec})
    };
    let claims = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaimList", "metadata": {}, "items": [
        claim("demo-data", "escala-gp3", None),
        claim("bound", "escala-gp3", Some("pvc-bound-uid")),
        claim("local", "standard", None),
    ]});
    let volumes = json!({"apiVersion": "v1", "kind": "PersistentVolumeList", "metadata": {}, "items": [
        {"metadata": {"name": "pvc-old"}, "spec": {"persistentVolumeReclaimPolicy": "Delete",
            "csi": {"driver": "ebs.csi.aws.com", "volumeHandle": "vol-0aaa"}}, "status": {"phase": "Released"}},
        {"metadata": {"name": "pvc-kept"}, "spec": {"persistentVolumeReclaimPolicy": "Retain",
            "csi": {"driver": "ebs.csi.aws.com", "volumeHandle": "vol-0bbb"}}, "status": {"phase": "Released"}},
        {"metadata": {"name": "pvc-live"}, "spec": {"persistentVolumeReclaimPolicy": "Delete",
            "csi": {"driver": "ebs.csi.aws.com", "volumeHandle": "vol-0ccc"}}, "status": {"phase": "Bound"}},
    ]});
    let (cluster, server) = api_server(vec![
        ok(
            Method::GET,
            "/apis/storage.k8s.io/v1/storageclasses?",
            classes,
        ),
        ok(Method::GET, "/api/v1/persistentvolumeclaims?", claims),
        ok(
            Method::PATCH,
            &format!("/api/v1/persistentvolumes/pvc-demo-data-uid{APPLY}"),
            json!({"metadata": {"name": "pvc-demo-data-uid"}}),
        ),
        ok(Method::GET, "/api/v1/persistentvolumes?", volumes),
        not_found(Method::DELETE, "/api/v1/persistentvolumes/pvc-old?"),
    ]);
    let waiting = play::waiting_claims(&cluster).await.unwrap();
    assert_eq!(
        waiting.len(),
        1,
        "bound claims and other drivers' are left alone"
    );
    let c = &waiting[0];
    assert_eq!((c.gib, c.selected_node.as_deref()), (10, Some("n1")));
    assert_eq!(c.parameters["iops"], "3000");
    play::provide(&cluster, c, "vol-0123", "us-east-1a")
        .await
        .unwrap();
    assert_eq!(
        play::released(&cluster).await.unwrap(),
        [("pvc-old".to_string(), "vol-0aaa".to_string())]
    );
    play::remove_volume(&cluster, "pvc-old").await.unwrap();
    let got = finished(server).await;
    let pv = got[2].body.as_ref().unwrap();
    assert_eq!(pv["spec"]["claimRef"]["uid"], "demo-data-uid");
    assert_eq!(
        pv["spec"]["csi"],
        json!({"driver": "ebs.csi.aws.com", "volumeHandle": "vol-0123", "fsType": "ext4"})
    );
    assert_eq!(pv["spec"]["capacity"]["storage"], "10Gi");
    assert_eq!(
        pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0]
            ["values"],
        json!(["us-east-1a"])
    );
}

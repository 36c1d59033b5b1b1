//! The kubernetes route in the live sandbox with a real control plane (the envtest tier): with
//! `ESCALA_KUBE_ASSETS` naming etcd, kube-apiserver, kube-controller-manager (which makes the
//! Deployments' pods) and, when present, kube-scheduler, the sandbox backs seed-eks's cluster
//! with them. The runtime's nodes join with t3.medium's capacity, the chat demo's pods run as
//! chat server processes behind the Service's load balancer, `escala kube load` makes the HPA add
//! pods on their measured CPU, and destroy leaves no resource and no process.
//!
//! Without the variable (or without kube-controller-manager in it) the test says it is skipped
//! and why, and passes: no API server can be installed where that is so.

mod support;

use std::time::Duration;

use escala_testkit::world::wait;
use serde_json::Value;
use support::sandbox::Home;
use support::text;

const STACK: &str = "seed-eks";

fn skipped() -> Option<String> {
    let Some(assets) = std::env::var_os("ESCALA_KUBE_ASSETS") else {
        return Some("ESCALA_KUBE_ASSETS is not set: it names a folder holding etcd, kube-apiserver and kube-controller-manager (the envtest convention)".into());
    };
    let assets = std::path::PathBuf::from(assets);
    ["etcd", "kube-apiserver", "kube-controller-manager"]
        .into_iter()
        .find(|b| !assets.join(b).is_file())
        .map(|b| {
            format!(
                "{} is missing: the Deployments' pods need it",
                assets.join(b).display()
            )
        })
}

fn status(home: &Home) -> Option<Value> {
    let out = home
        .command(&["kube", "status", "--stack", STACK, "-o", "json"])
        .output()
        .unwrap();
    out.status
        .success()
        .then(|| serde_json::from_slice(&out.stdout).ok())
        .flatten()
}

fn running(status: &Value) -> usize {
    status["pods"].as_array().map_or(0, |pods| {
        pods.iter()
            .filter(|p| p["phase"] == "Running" && p["ready"] == true)
            .count()
    })
}

#[test]
fn the_seeds_cluster_runs_its_demo_and_the_hpa_scales_it_under_load() {
    if let Some(why) = skipped() {
        eprintln!("skipped: {why}");
        return;
    }
    let home = Home::new();
    home.start();
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/seed-eks.yaml");
    let out = home.run(&["apply", "-f", spec, "--yes"]);
    assert!(
        !text(&out).contains("runs no Kubernetes API server"),
        "the plan applies what goes inside: {}",
        text(&out)
    );

    // The node group's 2 nodes join, Ready, with the instance type's labels, one in each zone.
    let ready = wait(
        "2 Ready nodes, the demo's 2 pods and its address",
        Duration::from_secs(180),
        || {
            let s = status(&home)?;
            let nodes = s["nodes"].as_array()?;
            let all_ready = nodes.len() == 2 && nodes.iter().all(|n| n["ready"] == true);
            (all_ready && running(&s) >= 2 && s["address"].is_string()).then_some(s)
        },
    );
    let zones: std::collections::HashSet<&str> = ready["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["zone"].as_str())
        .collect();
    assert_eq!(zones.len(), 2, "{ready}");
    assert!(ready["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["instanceType"] == "t3.medium"));

    // The Service's load balancer answers with the chat's page.
    let address = ready["address"].as_str().unwrap();
    let page = std::process::Command::new("curl")
        .args(["-sf", &format!("http://{address}/")])
        .output()
        .unwrap();
    assert!(page.status.success(), "the demo answers at {address}");

    // Load: the HPA adds pods on the CPU they really use.
    let out = home
        .command(&[
            "kube",
            "load",
            "--stack",
            STACK,
            "--duration",
            "60s",
            "--rps",
            "400",
            "--clients",
            "40",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let after = wait(
        "the HPA to want more than 2 pods",
        Duration::from_secs(120),
        || {
            let s = status(&home)?;
            (s["hpa"]["desiredReplicas"].as_u64()? > 2).then_some(s)
        },
    );
    assert!(after["hpa"]["currentCpu"].as_u64().is_some(), "{after}");
    let conditions = after["hpa"]["conditions"].to_string();
    assert!(conditions.contains("ValidMetricFound"), "{conditions}");

    let out = home.run(&["destroy", "--stack", STACK, "--yes"]);
    assert!(text(&out).contains("0 resources left."), "{}", text(&out));
    wait("no workload process left", Duration::from_secs(30), || {
        home.workload_processes().is_empty().then_some(())
    });
}

//! The fargate route in the live sandbox, through the real `escala` binary: seed-fargate applied,
//! its tasks run as chat server processes spread over the private subnets, behind the load
//! balancer, sharing a real Redis; `escala-chat-load` makes the service scale out on its CPU
//! through Application Auto Scaling, with ECS's counts true all along, and back in once the load
//! stops; destroy leaves no resource and no process.
//!
//! The chat server and the load generator are the workload's release binaries, which the test
//! command builds and names (ESCALA_CHAT_BIN, ESCALA_CHAT_WEB, ESCALA_CHAT_LOAD_BIN).

mod support;

use std::collections::HashSet;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use support::fargate::{task_ips, wait_healthy, CLUSTER, SERVICE};
use support::sandbox::{alive, balancer_url, sandbox_config, Home};

const STACK: &str = "seed-fargate";

fn load_binary() -> String {
    std::env::var("ESCALA_CHAT_LOAD_BIN")
        .expect("ESCALA_CHAT_LOAD_BIN names escala-chat-load (scripts/test.sh sets it)")
}

/// ECS's own counts for the service: (desired, running, pending).
async fn counts(ecs: &aws_sdk_ecs::Client) -> (i32, i32, i32) {
    let out = ecs
        .describe_services()
        .cluster(CLUSTER)
        .services(SERVICE)
        .send()
        .await
        .unwrap();
    let s = &out.services()[0];
    (s.desired_count(), s.running_count(), s.pending_count())
}

/// The causes of the service's scaling activities, newest first.
async fn activities(aas: &aws_sdk_applicationautoscaling::Client) -> Vec<String> {
    aas.describe_scaling_activities()
        .service_namespace(aws_sdk_applicationautoscaling::types::ServiceNamespace::Ecs)
        .resource_id(format!("service/{CLUSTER}/{SERVICE}"))
        .send()
        .await
        .unwrap()
        .scaling_activities()
        .iter()
        .map(|a| format!("{} {}", a.description(), a.cause()))
        .collect()
}

/// `/healthz` through the load balancer, pinned to a task by ALB's stickiness cookie.
fn health_through(url: &str, ip: Option<&str>) -> Value {
    let mut args = vec!["-s".to_string(), format!("{url}/healthz")];
    if let Some(ip) = ip {
        args.extend(["--cookie".into(), format!("AWSALB={ip}")]);
    }
    let out = std::process::Command::new("curl")
        .args(&args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_chat_serves_scales_out_under_load_and_back_in() {
    let home = Home::new();
    let endpoint = home.start();
    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/seed-fargate.yaml"
    );
    home.run(&["apply", "-f", spec, "--yes"]);
    let config = sandbox_config(&endpoint).await;
    let ecs = aws_sdk_ecs::Client::new(&config);
    let aas = aws_sdk_applicationautoscaling::Client::new(&config);

    // The service's 2 tasks run, one in each private subnet (10.0.3.0/24 and 10.0.4.0/24).
    let mut ips = Vec::new();
    for _ in 0..100 {
        let (desired, running, pending) = counts(&ecs).await;
        ips = task_ips(&ecs).await;
        if (desired, running, pending) == (2, 2, 0) && ips.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    ips.sort();
    assert_eq!(ips.len(), 2, "two RUNNING tasks: {ips:?}");
    assert!(
        ips[0].starts_with("10.0.3.") && ips[1].starts_with("10.0.4."),
        "spread over the private subnets: {ips:?}"
    );

    // Through the balancer only once both targets pass their health checks.
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&config);
    wait_healthy(&elb, 2).await;

    // Each task serves through the load balancer, pinned by its cookie, with Redis reachable.
    let url = balancer_url(&endpoint);
    let instances: HashSet<String> = ips
        .iter()
        .map(|ip| {
            let h = health_through(&url, Some(ip));
            assert_eq!(h["redis"], "ok", "{h}");
            h["instance"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(instances.len(), 2, "two tasks answer: {instances:?}");

    // Messages between clients spread over both tasks all arrive: Redis carries them across.
    let report = home.dir.path().join("chat.json");
    let out = std::process::Command::new(load_binary())
        .args(["run", "--url", &url, "--clients", "40", "--rooms", "5"])
        .args(["--rates", "40", "--duration", "3", "--keep-going", "--json"])
        .arg(&report)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", support::text(&out));
    let run: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let step = &run["steps"][0];
    assert!(step["delivered"].as_u64().unwrap() > 0, "{run}");
    assert_eq!(step["lost"], 0, "every message reached every member: {run}");

    // Load: the tasks' CPU passes the 60 % target and target tracking adds tasks.
    let mut load = std::process::Command::new(load_binary())
        .args(["run", "--url", &url, "--clients", "100", "--rooms", "25"])
        .args(["--rates", "3000", "--duration", "40", "--keep-going"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut seen = HashSet::new();
    let mut grown = 0;
    // Up to two minutes: on a machine busy with the rest of the test run, the load generator and
    // the tasks share two cores with everything else, and the alarm's datapoints come later.
    for _ in 0..600 {
        seen.extend(home.workload_processes().into_iter().map(|(p, _)| p));
        let (desired, running, pending) = counts(&ecs).await;
        assert!(desired <= 6, "the scalable target's max is 6: {desired}");
        assert!(
            running + pending <= desired.max(2) + 2,
            "no more tasks than asked for"
        );
        if desired >= 3 && running == desired && pending == 0 {
            grown = desired;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(grown >= 3, "the service scaled out under load");
    let caused = activities(&aas).await;
    assert!(
        caused.iter().any(
            |a| a.starts_with(&format!("Setting desired count to {grown}."))
                && a.contains("AlarmHigh")
                && a.contains("in state ALARM")
        ),
        "the scale-out is an activity caused by the high alarm: {caused:?}"
    );
    let ips = task_ips(&ecs).await;
    assert_eq!(ips.len(), grown as usize);
    assert!(
        ips.iter()
            .all(|ip| ip.starts_with("10.0.3.") || ip.starts_with("10.0.4.")),
        "{ips:?}"
    );
    // The new tasks are healthy targets: the load balancer sends new connections to them.
    wait_healthy(&elb, grown as usize).await;
    let _ = load.kill();
    let _ = load.wait();

    // Without load, the scale-in alarm (15 periods, 30 s here) brings it back to its minimum.
    let mut back = false;
    for _ in 0..600 {
        seen.extend(home.workload_processes().into_iter().map(|(p, _)| p));
        if counts(&ecs).await == (1, 1, 0) && task_ips(&ecs).await.len() == 1 {
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        back,
        "the service scaled back in to 1: {:?}",
        counts(&ecs).await
    );

    let out = home.run(&["destroy", "--stack", STACK, "--yes"]);
    assert!(
        support::text(&out).contains("0 resources left."),
        "{}",
        support::text(&out)
    );
    seen.extend(home.workload_processes().into_iter().map(|(p, _)| p));
    home.run(&["sandbox", "stop"]);
    // 3 or more tasks and the Redis.
    assert!(seen.len() >= 4, "{seen:?}");
    for pid in seen {
        assert!(!alive(pid), "process {pid} outlived the stack");
    }
}

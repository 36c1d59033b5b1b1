//! The in-cluster apply of the seed's demo set (cluster-autoscaler, the demo with its Service and
//! HPA, the gp3 class and claim: 13 objects) against an API server that answers every request after
//! `--latency-ms`, side by side with the baseline a user would run by hand: `kubectl diff
//! --server-side` then `kubectl apply --server-side` (a dry-run apply, then an apply, per object).
//! Both sides are timed on a first apply (nothing there) and on a re-apply of the same set (no
//! change), and the requests counted, writes apart. The server keeps what is applied, so a re-apply
//! sees the first one's objects, digests included.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use escala_core::routes::kubernetes::{ClusterAutoscaler, Demo, Storage};
use escala_kube::objects::InCluster;
use escala_kube::{apply_all, Cluster, Desired};
use http::{Method, Request, Response, StatusCode};
use kube::api::{Api, Patch, PatchParams};
use kube::client::Body;
use kube::core::DynamicObject;
use serde_json::{json, Value};

const USAGE: &str = "bench-kube [--latency-ms 20] [--runs 5]";

#[derive(Default, Clone, Copy, Debug)]
struct Count {
    reads: u64,
    writes: u64,
}

/// An API server that keeps what is applied: GET answers it or 404, an apply stores it (a
/// dry-run apply answers without storing), each after `latency`.
fn api_server(latency: Duration) -> (kube::Client, Arc<Mutex<Count>>) {
    let (service, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    let count = Arc::new(Mutex::new(Count::default()));
    let counted = count.clone();
    tokio::spawn(async move {
        let mut store: HashMap<String, Value> = HashMap::new();
        while let Some((request, send)) = handle.next_request().await {
            let path = request.uri().path().to_string();
            let dry = request
                .uri()
                .query()
                .is_some_and(|q| q.contains("dryRun=All"));
            let method = request.method().clone();
            let body = request
                .into_body()
                .collect_bytes()
                .await
                .unwrap_or_default();
            tokio::time::sleep(latency).await;
            let (status, answer) = if method == Method::GET {
                counted.lock().unwrap().reads += 1;
                match store.get(&path) {
                    Some(object) => (200, object.clone()),
                    None => (
                        404,
                        json!({"kind": "Status", "apiVersion": "v1", "metadata": {},
                        "status": "Failure", "reason": "NotFound", "code": 404, "message": "not found"}),
                    ),
                }
            } else {
                counted.lock().unwrap().writes += 1;
                let mut object: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                object["metadata"]["uid"] = path.clone().into();
                if !dry {
                    store.insert(path, object.clone());
                }
                (200, object)
            };
            send.send_response(
                Response::builder()
                    .status(StatusCode::from_u16(status).unwrap())
                    .body(Body::from(serde_json::to_vec(&answer).unwrap()))
                    .unwrap(),
            );
        }
    });
    (kube::Client::new(service, "default"), count)
}

/// `kubectl diff --server-side` then `kubectl apply --server-side`, object by object.
async fn kubectl(client: &kube::Client, objects: &[Desired]) {
    for d in objects {
        let api: Api<DynamicObject> = match &d.at.namespace {
            Some(ns) => Api::namespaced_with(client.clone(), ns, &d.at.resource),
            None => Api::all_with(client.clone(), &d.at.resource),
        };
        let diff = PatchParams::apply("kubectl").force().dry_run();
        api.patch(&d.at.name, &diff, &Patch::Apply(&d.body))
            .await
            .expect("the dry run");
        let apply = PatchParams::apply("kubectl").force();
        api.patch(&d.at.name, &apply, &Patch::Apply(&d.body))
            .await
            .expect("the apply");
    }
}

#[derive(Default)]
struct Side {
    first: Vec<Duration>,
    again: Vec<Duration>,
    counts: BTreeMap<&'static str, Count>,
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut flags = escala_bench::flags::Flags::from_env(USAGE);
    let (mut latency, mut runs) = (Duration::from_millis(20), 5usize);
    while let Some(flag) = flags.next_flag() {
        match flag.as_str() {
            "--latency-ms" => latency = Duration::from_millis(flags.value(&flag, "milliseconds")),
            "--runs" => runs = flags.value(&flag, "a count"),
            other => flags.fail(&format!("unknown flag {other}")),
        }
    }
    let autoscaler = ClusterAutoscaler {
        image: Some("autoscaling/cluster-autoscaler:v1.35.0".into()),
        ..ClusterAutoscaler::default()
    };
    let (demo, storage) = (Demo::default(), Storage::default());
    let tags = BTreeMap::from([("escala:stack".to_string(), "seed-eks".to_string())]);
    let objects = InCluster {
        stack: "seed-eks",
        cluster: "seed-eks",
        autoscaler: &autoscaler,
        demo: &demo,
        demo_image: Some("chat:1"),
        storage: &storage,
        tags: &tags,
    }
    .objects();

    let (mut escala, mut baseline) = (Side::default(), Side::default());
    for _ in 0..runs {
        // Escala: each object read, then applied when its digest differs.
        let (client, count) = api_server(latency);
        let cluster = Cluster::new(client, "https://bench", "bench");
        let started = Instant::now();
        apply_all(&cluster, &objects)
            .await
            .expect("the first apply");
        escala.first.push(started.elapsed());
        let first = *count.lock().unwrap();
        let started = Instant::now();
        apply_all(&cluster, &objects).await.expect("the re-apply");
        escala.again.push(started.elapsed());
        let both = *count.lock().unwrap();
        escala.counts.insert("first", first);
        escala.counts.insert(
            "again",
            Count {
                reads: both.reads - first.reads,
                writes: both.writes - first.writes,
            },
        );

        // kubectl: a dry run and an apply per object, each time.
        let (client, count) = api_server(latency);
        let started = Instant::now();
        kubectl(&client, &objects).await;
        baseline.first.push(started.elapsed());
        let first = *count.lock().unwrap();
        let started = Instant::now();
        kubectl(&client, &objects).await;
        baseline.again.push(started.elapsed());
        let both = *count.lock().unwrap();
        baseline.counts.insert("first", first);
        baseline.counts.insert(
            "again",
            Count {
                reads: both.reads - first.reads,
                writes: both.writes - first.writes,
            },
        );
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{} objects, {} ms per request, {runs} runs each (medians)",
        objects.len(),
        latency.as_millis()
    );
    for (label, e, b, key) in [
        (
            "first apply",
            median(escala.first),
            median(baseline.first),
            "first",
        ),
        (
            "re-apply, no change",
            median(escala.again),
            median(baseline.again),
            "again",
        ),
    ] {
        let (ec, bc) = (escala.counts[key], baseline.counts[key]);
        println!(
            "{label:<20} escala {:>6.0} ms, {:>2} reads {:>2} writes | kubectl diff+apply {:>6.0} ms, {:>2} reads {:>2} writes | time {:.2}x, requests {:.2}x",
            ms(e),
            ec.reads,
            ec.writes,
            ms(b),
            bc.reads,
            bc.writes,
            ms(e) / ms(b),
            (ec.reads + ec.writes) as f64 / (bc.reads + bc.writes) as f64
        );
    }
}

//! bench-network: provisions a stack (the seed network, or a Spec file such as seed-fargate)
//! through a proxy that adds latency to every AWS call, once with `escala apply` and once with a
//! sequential AWS CLI script, side by side on the same emulator, and prints wall times, call
//! counts and the critical path (measured: see `escala_bench::critical`).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use escala_aws::connect::Target;
use escala_aws::credentials::KeyringStore;
use escala_aws::session::Session;
use escala_bench::critical::{self, Events};
use escala_core::spec::Spec;
use escala_core::validate::CheckedSpec;
use escala_sandbox::Emulator;
use escala_testkit::{FaultProxy, Faults};

/// The command line, as `--help` prints it.
const USAGE: &str = "bench-network [--latency-ms 50] [--runs 3] [--spec FILE --script FILE] [--eks-create-seconds CLUSTER,NODEGROUP] [--escala PATH] [--aws PATH] [--trace]";

struct Args {
    latency: Duration,
    runs: usize,
    escala: PathBuf,
    aws: PathBuf,
    /// The Spec to apply (its name is replaced per run); the seed network without one.
    spec: Option<PathBuf>,
    /// The AWS CLI script that builds the same stack.
    script: PathBuf,
    /// Print when each of Escala's tasks finished, for finding where the time goes.
    trace: bool,
    /// How long the emulator's EKS clusters and node groups stay CREATING, as AWS's take minutes.
    eks_create: Option<(f64, f64)>,
}

fn args() -> Args {
    let exe_dir = std::env::current_exe()
        .expect("own path")
        .parent()
        .expect("a folder")
        .to_path_buf();
    let cache = std::env::var("ESCALA_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").expect("HOME")).join(".cache/escala")
        });
    let mut a = Args {
        latency: Duration::from_millis(50),
        runs: 3,
        escala: exe_dir.join("escala"),
        aws: cache.join("venv/bin/aws"),
        spec: None,
        script: concat!(env!("CARGO_MANIFEST_DIR"), "/awscli/seed-network.sh").into(),
        trace: false,
        eks_create: None,
    };
    let mut flags = escala_bench::flags::Flags::from_env(USAGE);
    while let Some(flag) = flags.next_flag() {
        match flag.as_str() {
            "--trace" => a.trace = true,
            "--latency-ms" => a.latency = Duration::from_millis(flags.value(&flag, "milliseconds")),
            "--runs" => a.runs = flags.value(&flag, "a count"),
            "--escala" => a.escala = flags.value::<String>(&flag, "a path").into(),
            "--aws" => a.aws = flags.value::<String>(&flag, "a path").into(),
            "--spec" => a.spec = Some(flags.value::<String>(&flag, "a path").into()),
            "--script" => a.script = flags.value::<String>(&flag, "a path").into(),
            "--eks-create-seconds" => {
                let text: String = flags.value(&flag, "CLUSTER,NODEGROUP seconds");
                let parsed = text
                    .split_once(',')
                    .and_then(|(c, n)| Some((c.parse().ok()?, n.parse().ok()?)));
                match parsed {
                    Some(pair) => a.eks_create = Some(pair),
                    None => flags.fail("--eks-create-seconds takes CLUSTER,NODEGROUP seconds"),
                }
            }
            other => flags.fail(&format!("unknown flag {other}")),
        }
    }
    if a.runs == 0 {
        flags.fail("--runs must be at least 1");
    }
    a
}

struct Run {
    wall: Duration,
    calls: u64,
    by_action: BTreeMap<String, u64>,
    arrivals: Vec<(Instant, String)>,
    /// Its progress events (Escala's side only), each with when its line was read.
    events: Events,
    end: Instant,
}

/// The Spec of the benchmark, named `stack`.
fn spec(a: &Args, stack: &str) -> Spec {
    match &a.spec {
        None => Spec::seed_network(stack, "us-east-1"),
        Some(path) => {
            let text = std::fs::read_to_string(path).expect("reading --spec");
            let mut spec = Spec::from_yaml(&text).expect("--spec is a valid Spec");
            spec.name = stack.to_string();
            spec
        }
    }
}

fn spec_file(a: &Args, stack: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("escala-bench-{stack}.yaml"));
    std::fs::write(&path, spec(a, stack).to_yaml()).expect("writing the spec");
    path
}

/// What ended up tagged for the stack, by kind, as Escala's own discovery sees it.
async fn inventory(endpoint: &str, stack: &str) -> BTreeMap<String, usize> {
    let session = Session::connect(
        &Target::sandbox(endpoint),
        "us-east-1",
        stack,
        &KeyringStore::new("unused"),
    )
    .await
    .expect("session");
    let mut kinds = BTreeMap::new();
    for f in session.discover().await.expect("discovery") {
        *kinds.entry(f.kind).or_default() += 1;
    }
    kinds
}

/// The emulator builds a region's EC2 backend on first use after a reset, which takes about a
/// second: done here, outside the timing, so neither side pays for it.
async fn warm(endpoint: &str) {
    let session = Session::connect(
        &Target::sandbox(endpoint),
        "us-east-1",
        "warm-up",
        &KeyringStore::new("unused"),
    )
    .await
    .expect("session");
    session.region_zones().await.expect("zones");
    session.discover().await.expect("discovery");
}

async fn timed(proxy: &FaultProxy, mut command: Command, trace: bool) -> Run {
    use std::io::{BufRead, BufReader};
    proxy.reset_stats();
    command.stdout(Stdio::null()).stderr(Stdio::piped());
    let started = Instant::now();
    let (status, wall, log, events) = tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().expect("runs");
        let (mut log, mut events) = (String::new(), Vec::new());
        let stderr = BufReader::new(child.stderr.take().expect("piped"));
        for line in stderr.lines().map_while(Result::ok) {
            let now = Instant::now();
            log.push_str(&format!(
                "{:>5} ms  {line}\n",
                now.duration_since(started).as_millis()
            ));
            if let Ok(event) = serde_json::from_str::<serde_json::Value>(&line) {
                events.push((now, event));
            }
        }
        let status = child.wait().expect("waits");
        (status, started.elapsed(), log, events)
    })
    .await
    .expect("joins");
    assert!(status.success(), "{log}");
    if trace {
        print!("{log}");
    }
    let stats = proxy.stats();
    Run {
        wall,
        calls: stats.requests,
        by_action: stats.by_action,
        arrivals: stats.arrivals,
        events,
        end: started + wall,
    }
}

fn escala_apply(a: &Args, proxy: &FaultProxy, home: &std::path::Path, stack: &str) -> Command {
    let mut c = Command::new(&a.escala);
    c.args(["apply", "--yes", "--output", "json", "-f"])
        .arg(spec_file(a, stack))
        .env("ESCALA_HOME", home)
        .env("ESCALA_ENDPOINT_URL", proxy.endpoint());
    c
}

/// Asks the emulator to keep EKS clusters and node groups CREATING this long after their create
/// (the sandbox's fix 19; a reset keeps it).
fn eks_delays(endpoint: &str, cluster: f64, nodegroup: f64) {
    use std::io::{Read, Write};
    let address = endpoint.trim_start_matches("http://");
    let body = format!(r#"{{"cluster": {cluster}, "nodegroup": {nodegroup}}}"#);
    let mut stream = std::net::TcpStream::connect(address).expect("the emulator answers");
    write!(
        stream,
        "POST /moto-api/escala/eks-delays HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("the request is sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("an answer");
    assert!(
        answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.0 200"),
        "{answer}"
    );
    println!(
        "EKS clusters stay CREATING {cluster} s and node groups {nodegroup} s after their create"
    );
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let a = args();
    let emulator = Emulator::start().expect("the emulator starts (run scripts/setup.sh)");
    let proxy = FaultProxy::start(
        emulator.endpoint(),
        Faults {
            latency: a.latency,
            ..Faults::default()
        },
    )
    .await
    .expect("proxy");
    let home = std::env::temp_dir().join(format!("escala-bench-home-{}", std::process::id()));
    if let Some((cluster, nodegroup)) = a.eks_create {
        eks_delays(emulator.endpoint(), cluster, nodegroup);
    }

    // The task graph, for the critical path.
    let probe = Session::connect(
        &Target::sandbox(emulator.endpoint()),
        "us-east-1",
        "probe",
        &KeyringStore::new("unused"),
    )
    .await
    .expect("session");
    let deps: BTreeMap<String, Vec<String>> = probe
        .prepare(&CheckedSpec::new(spec(&a, "probe")).expect("the Spec is valid"))
        .await
        .expect("valid")
        .tasks()
        .iter()
        .map(|t| (t.id().to_string(), t.deps()))
        .collect();

    // Each task's cost on its own: Escala with one task at a time.
    emulator.reset().expect("reset");
    warm(emulator.endpoint()).await;
    let mut serial = escala_apply(&a, &proxy, &home, "bench-serial");
    serial.args(["--parallelism", "1"]);
    let serial = timed(&proxy, serial, false).await;
    let costs = critical::costs(&serial.events, &serial.arrivals, serial.end);
    let (chain_ms, chain) = critical::longest(&deps, |id| {
        costs.get(id).map_or(0.0, |c| c.wall.as_secs_f64() * 1e3)
    });
    let (chain_calls, _) =
        critical::longest(&deps, |id| costs.get(id).map_or(0.0, |c| c.calls as f64));

    let (mut escala_runs, mut script_runs, mut bounds) = (Vec::new(), Vec::new(), Vec::new());
    let mut last: Option<(Run, Run)> = None;
    for i in 0..a.runs {
        emulator.reset().expect("reset");
        warm(emulator.endpoint()).await;
        let stack = format!("bench-escala-{i}");
        let c = escala_apply(&a, &proxy, &home, &stack);
        let escala = timed(&proxy, c, a.trace && i == 0).await;
        let before = critical::first_running(&escala.events).map_or(Duration::ZERO, |t| {
            t.duration_since(escala.end - escala.wall)
        });
        bounds.push(before + Duration::from_secs_f64(chain_ms / 1e3));
        let escala_kinds = inventory(emulator.endpoint(), &stack).await;

        emulator.reset().expect("reset");
        warm(emulator.endpoint()).await;
        let stack = format!("bench-awscli-{i}");
        let mut c = Command::new("bash");
        c.arg(&a.script)
            .env("AWS", &a.aws)
            .env("ENDPOINT", proxy.endpoint())
            .env("STACK", &stack);
        let script = timed(&proxy, c, false).await;
        let script_kinds = inventory(emulator.endpoint(), &stack).await;
        assert_eq!(
            escala_kinds, script_kinds,
            "both sides must build the same stack"
        );

        println!(
            "run {}: escala {:>6.0} ms, {:>2} calls | aws cli script {:>6.0} ms, {:>2} calls",
            i + 1,
            escala.wall.as_secs_f64() * 1e3,
            escala.calls,
            script.wall.as_secs_f64() * 1e3,
            script.calls
        );
        escala_runs.push(escala.wall);
        script_runs.push(script.wall);
        last = Some((escala, script));
    }
    let _ = std::fs::remove_dir_all(&home);
    let (escala, script) = last.expect("at least one run");
    let (e, s) = (median(escala_runs), median(script_runs));
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!();
    println!(
        "latency added per call:        {} ms",
        a.latency.as_millis()
    );
    println!(
        "escala apply (median):         {:.0} ms, {} calls",
        ms(e),
        escala.calls
    );
    println!(
        "sequential aws cli (median):   {:.0} ms, {} calls",
        ms(s),
        script.calls
    );
    println!(
        "speed-up:                      {:.1}x  (target: at least 5x)",
        ms(s) / ms(e)
    );
    let bound = median(bounds);
    println!(
        "critical path:                 {:.0} ms  (start-up and planning, then the heaviest chain of tasks as each took alone: {:.0} ms over {} tasks)",
        ms(bound),
        chain_ms,
        chain.len()
    );
    println!("  its tasks:                   {}", chain.join(" -> "));
    println!(
        "  calls-only floor:            {:.0} ms  ({chain_calls} dependent calls x {} ms)",
        chain_calls * a.latency.as_secs_f64() * 1e3,
        a.latency.as_millis()
    );
    println!(
        "escala / critical path:        {:.2}x  (target: at most 1.5x)",
        ms(e) / ms(bound)
    );
    println!("escala calls by action:        {:?}", escala.by_action);
    println!("aws cli calls by action:       {:?}", script.by_action);
}

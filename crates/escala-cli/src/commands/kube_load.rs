//! `escala kube load`: the seed's HPA demo without a `kubectl run` busybox loop. Escala's own load
//! generator sends load through the demo Service's load balancer (HTTP for php-apache, chat
//! messages for the chat) while the cluster is read every few seconds, so the HPA adding pods and
//! cluster-autoscaler adding nodes are seen as they happen.

use std::time::{Duration, Instant};

use escala_core::routes::kubernetes::{DemoApp, KubernetesSpec};
use escala_core::routes::Section;
use escala_kube::status::ClusterStatus;
use escala_load::{duration, ChatPlan, ChatReport, Input, LoadError, LoadPlan, Report};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::load::{invalid, stop_on_ctrl_c, summary};
use crate::args::KubeLoadArgs;
use crate::context::Ctx;
use crate::error::CliError;

/// How often the cluster is read during the run: the HPA's own sync period is 15 s, so this sees
/// each of its decisions.
const WATCH: Duration = Duration::from_secs(5);

pub async fn run(ctx: &Ctx, args: &KubeLoadArgs) -> Result<(), CliError> {
    let spec = ctx.stacks.saved(&args.stack)?;
    let app = match spec.route.as_ref().and_then(KubernetesSpec::of) {
        Some(KubernetesSpec::Eks(eks)) => eks.demo.app,
        None => {
            return Err(CliError::Invalid(format!(
                "stack '{}' has no Kubernetes cluster to load",
                args.stack
            )))
        }
    };
    if app == DemoApp::None {
        return Err(CliError::Invalid(format!(
            "stack '{}' runs no demo (demo.app: none): there is nothing behind an HPA to load",
            args.stack
        )));
    }
    let run_for = duration::parse(&args.duration).map_err(|e| invalid(e, Some("--duration")))?;
    // The load is checked with a placeholder address first, so bad flags are refused before the
    // cluster is asked anything.
    Load::new(app, "http://demo.invalid/", args, run_for)?;
    let target = ctx.target()?;
    let before = ctx.stacks.kube_status(&target, &args.stack).await?;
    let address = before.address.clone().ok_or_else(|| {
        CliError::Invalid(
            "the demo's Service has no load balancer address yet: the AWS Load Balancer Controller makes it a minute or two after the apply (see `escala kube status`)".into(),
        )
    })?;
    let load = Load::new(app, &format!("http://{address}/"), args, run_for)?;
    ctx.note(&format!(
        "Loading the {} demo at http://{address}/ for {}; the cluster is read every {} s. Ctrl-C stops early.",
        app.name(),
        duration::format(&run_for),
        WATCH.as_secs()
    ));
    ctx.note(&format!("   0s  {}", readout(&before)));

    let done = CancellationToken::new();
    let watcher = watch(ctx, target, &args.stack, done.clone());
    let stop = stop_on_ctrl_c(ctx.json());
    let report = load.run(stop).await;
    done.cancel();
    let last = watcher.await.unwrap_or(before);
    let report = report?;
    if ctx.json() {
        println!("{}", json!({"load": report.json(), "cluster": last}));
    } else {
        print!("{}", report.text());
        println!("Now: {}", readout(&last));
    }
    Ok(())
}

/// What is sent: requests, or chat messages.
enum Load {
    Requests(LoadPlan),
    Messages(ChatPlan),
}

impl Load {
    fn new(
        app: DemoApp,
        url: &str,
        args: &KubeLoadArgs,
        run_for: Duration,
    ) -> Result<Self, CliError> {
        Ok(match app {
            DemoApp::Chat => Load::Messages(
                ChatPlan::new(url, args.clients, args.rps, run_for).map_err(refused)?,
            ),
            _ => Load::Requests(LoadPlan::new(url, args.rps, run_for).map_err(refused)?),
        })
    }

    async fn run(&self, stop: CancellationToken) -> Result<Sent, CliError> {
        match self {
            Load::Requests(plan) => escala_load::run(plan, |_| {}, stop)
                .await
                .map(Sent::Requests)
                .map_err(refused),
            Load::Messages(plan) => {
                let binary = escala_load::chat_load_binary().map_err(refused)?;
                escala_load::run_chat(plan, &binary, |_| {}, stop)
                    .await
                    .map(Sent::Messages)
                    .map_err(refused)
            }
        }
    }
}

/// What the load's run reported.
enum Sent {
    Requests(Report),
    Messages(ChatReport),
}

impl Sent {
    fn json(&self) -> serde_json::Value {
        match self {
            Sent::Requests(r) => json!(r),
            Sent::Messages(r) => json!(r),
        }
    }

    /// The HTTP report as `escala load` prints it, or the chat's figures.
    fn text(&self) -> String {
        match self {
            Sent::Requests(r) => summary(r),
            Sent::Messages(r) => format!(
                "{} clients sent {} messages ({} acknowledged, {} refused), {} deliveries\n",
                r.clients, r.last.sent, r.last.acked, r.last.rejected, r.last.delivered
            ),
        }
    }
}

/// A load refused: the chat's clients and rate are this command's flags too.
fn refused(error: LoadError) -> CliError {
    let flag = match error.input() {
        Some(Input::Clients) => Some("--clients"),
        Some(Input::MessageRate) => Some("--rps"),
        _ => None,
    };
    invalid(error, flag)
}

/// Reads the cluster every [`WATCH`] until `done`, printing each reading; returns the last.
fn watch(
    ctx: &Ctx,
    target: escala_aws::connect::Target,
    stack: &str,
    done: CancellationToken,
) -> tokio::task::JoinHandle<ClusterStatus> {
    let (stacks, json, stack) = (ctx.stacks.clone(), ctx.json(), stack.to_string());
    tokio::spawn(async move {
        let start = Instant::now();
        let mut last = None;
        loop {
            tokio::select! {
                _ = done.cancelled() => break,
                _ = tokio::time::sleep(WATCH) => {}
            }
            let seconds = start.elapsed().as_secs();
            match stacks.kube_status(&target, &stack).await {
                Ok(status) => {
                    if json {
                        eprintln!("{}", json!({"elapsedSeconds": seconds, "cluster": status}));
                    } else {
                        eprintln!("{seconds:>4}s  {}", readout(&status));
                    }
                    last = Some(status);
                }
                // A reading that fails is said, and the load goes on: the next may answer.
                Err(e) => eprintln!("{seconds:>4}s  the cluster didn't answer: {e}"),
            }
        }
        last.unwrap_or_default()
    })
}

/// One line of the cluster's state: the demo's pods, what the HPA wants, and the nodes.
fn readout(status: &ClusterStatus) -> String {
    let running = status.pods.iter().filter(|p| p.phase == "Running").count();
    let pending = status.pods.iter().filter(|p| p.phase == "Pending").count();
    let ready = status.nodes.iter().filter(|n| n.ready).count();
    let hpa = match &status.hpa {
        Some(h) => {
            let cpu = |v: Option<u32>| v.map_or("?".into(), |v| format!("{v}%"));
            format!(
                "HPA wants {} (CPU {} of {})",
                h.desired_replicas,
                cpu(h.current_cpu),
                cpu(h.target_cpu)
            )
        }
        None => "no HPA".into(),
    };
    format!(
        "pods {running} running, {pending} pending · {hpa} · nodes {ready} of {} ready",
        status.nodes.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use escala_kube::status::{HpaState, NodeState, PodState};

    fn pod(phase: &str) -> PodState {
        PodState {
            name: format!("chat-{phase}"),
            phase: phase.into(),
            ready: phase == "Running",
            node: None,
        }
    }

    #[test]
    fn the_readout_counts_pods_by_phase_the_hpa_and_the_ready_nodes() {
        let status = ClusterStatus {
            address: None,
            nodes: vec![
                NodeState {
                    name: "a".into(),
                    ready: true,
                    instance_type: None,
                    zone: None,
                },
                NodeState {
                    name: "b".into(),
                    ready: false,
                    instance_type: None,
                    zone: None,
                },
            ],
            pods: vec![pod("Running"), pod("Running"), pod("Pending")],
            hpa: Some(HpaState {
                current_replicas: 3,
                desired_replicas: 5,
                current_cpu: Some(180),
                target_cpu: Some(50),
                conditions: vec![],
            }),
            claim: None,
        };
        assert_eq!(
            readout(&status),
            "pods 2 running, 1 pending · HPA wants 5 (CPU 180% of 50%) · nodes 1 of 2 ready"
        );
        assert_eq!(
            readout(&ClusterStatus::default()),
            "pods 0 running, 0 pending · no HPA · nodes 0 of 0 ready"
        );
    }
}

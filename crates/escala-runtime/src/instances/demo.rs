//! The demo workload's instance: the web server the asg route's default user data starts on AWS
//! (`python3 -m http.server` serving a page with the instance id), as a local process that
//! answers every request with its instance id.
//!
//! Its CPU is modelled, not burnt: each request holds one of the instance type's vCPUs for
//! [`CPU_PER_REQUEST`], like the php-apache loop of Kubernetes' HPA walkthrough that the seed
//! uses, so a t3.micro (2 vCPUs) serves at most 100 requests a second and further requests wait
//! for a vCPU, as they would on the instance. The busy time is what the runtime publishes as
//! `CPUUtilization`: busy / (period × vCPUs). Burning it for real would cap the whole sandbox at
//! this machine's cores, whatever instance types the group runs.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

pub use escala_core::scaling::work::CPU_PER_REQUEST;

/// How often the instance tells the runtime what it has done.
const REPORT_EVERY: Duration = Duration::from_millis(100);

/// What one instance serves with.
#[derive(Debug, Clone)]
pub struct DemoArgs {
    pub instance_id: String,
    pub vcpus: u32,
    pub cpu_per_request: Duration,
}

impl DemoArgs {
    /// `--instance-id ID --vcpus N --cpu-ms MS`, as [`crate::instances::DemoWeb`] passes them.
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let value = |flag: &str| {
            args.iter()
                .position(|a| a == flag)
                .and_then(|i| args.get(i + 1))
                .ok_or_else(|| format!("{flag} is missing"))
        };
        let number = |flag: &str| -> Result<u64, String> {
            value(flag)?
                .parse()
                .map_err(|_| format!("{flag} takes a whole number"))
        };
        Ok(Self {
            instance_id: value("--instance-id")?.clone(),
            vcpus: number("--vcpus")?.max(1) as u32,
            cpu_per_request: Duration::from_millis(number("--cpu-ms")?),
        })
    }
}

#[derive(Debug, Default)]
struct Usage {
    busy_micros: AtomicU64,
    requests: AtomicU64,
}

/// Serves until the runtime goes: it reads the port from the first line of stdout, then a line
/// `usage <busy µs> <requests>` every 100 ms. A failed write means the runtime is gone, and so
/// is the instance: no process outlives its sandbox.
pub async fn serve(args: DemoArgs) -> std::io::Result<()> {
    // Linux ends the instance with the runtime that started it, even on a `kill -9` of the
    // runtime; elsewhere the failed write to its closed stdout does.
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL);
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let mut out = tokio::io::stdout();
    out.write_all(format!("listening {}\n", listener.local_addr()?.port()).as_bytes())
        .await?;
    out.flush().await?;
    let usage = Arc::new(Usage::default());
    let vcpus = Arc::new(Semaphore::new(args.vcpus as usize));
    let body = Bytes::from(format!("{}\n", args.instance_id));
    let reporter = {
        let usage = usage.clone();
        async move {
            let mut tick = tokio::time::interval(REPORT_EVERY);
            loop {
                tick.tick().await;
                let line = format!(
                    "usage {} {}\n",
                    usage.busy_micros.load(Ordering::Relaxed),
                    usage.requests.load(Ordering::Relaxed)
                );
                out.write_all(line.as_bytes()).await?;
                out.flush().await?;
            }
        }
    };
    let accept = async move {
        loop {
            let (stream, _) = listener.accept().await?;
            let _ = stream.set_nodelay(true);
            let (usage, vcpus, body) = (usage.clone(), vcpus.clone(), body.clone());
            let cost = args.cpu_per_request;
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |_req: Request<Incoming>| {
                    let (usage, vcpus, body) = (usage.clone(), vcpus.clone(), body.clone());
                    async move {
                        if !cost.is_zero() {
                            let _vcpu = vcpus.acquire().await.expect("never closed");
                            tokio::time::sleep(cost).await;
                        }
                        usage
                            .busy_micros
                            .fetch_add(cost.as_micros() as u64, Ordering::Relaxed);
                        usage.requests.fetch_add(1, Ordering::Relaxed);
                        Ok::<_, Infallible>(
                            Response::builder()
                                .header("content-type", "text/plain")
                                .body(Full::new(body))
                                .expect("static headers"),
                        )
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    };
    tokio::select! {
        r = reporter => r,
        r = accept => r,
    }
}

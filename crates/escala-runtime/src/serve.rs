//! The sandbox process: the emulator and the runtime together, recorded in `sandbox.json` once
//! both run, until SIGTERM (`escala sandbox stop`) or Ctrl-C.

use std::path::PathBuf;
use std::sync::Arc;

use escala_sandbox::{Emulator, Sandbox, SandboxInfo, Speed};

use crate::instances::demo::CPU_PER_REQUEST;
use crate::services::chat::ChatServer;
use crate::workload::{DemoWeb, SelfCommand, Workload};
use crate::{Runtime, RuntimeError, Settings};

/// An emulator with the runtime beside it, for the life of this value.
#[derive(Debug)]
pub struct Live {
    emulator: Emulator,
    runtime: Runtime,
    speed: Speed,
}

impl Live {
    /// Starts both. `instance` is how this binary runs an instance of the demo workload.
    pub async fn start(
        dir: PathBuf,
        speed: Speed,
        instance: SelfCommand,
    ) -> Result<Self, RuntimeError> {
        let emulator = tokio::task::spawn_blocking(Emulator::start)
            .await
            .map_err(|e| RuntimeError::Emulator(e.to_string()))??;
        let runtime = Runtime::start(Settings {
            endpoint: emulator.endpoint().to_string(),
            speed,
            dir,
            workload: Arc::new(DemoWeb {
                command: instance,
                cpu_per_request: CPU_PER_REQUEST,
            }),
            task_workload: ChatServer::find().map(|c| Arc::new(c) as Arc<dyn Workload>),
        })?;
        Ok(Self {
            emulator,
            runtime,
            speed,
        })
    }

    pub fn endpoint(&self) -> &str {
        self.emulator.endpoint()
    }

    pub fn speed(&self) -> Speed {
        self.speed
    }

    /// Ends the instances and listeners, then the emulator.
    pub async fn stop(self) {
        self.runtime.stop().await;
        drop(self.emulator);
    }
}

/// `escala sandbox serve`: runs the detached sandbox of `home` until told to stop.
pub async fn serve(home: PathBuf, speed: Speed, instance: SelfCommand) -> Result<(), RuntimeError> {
    let sandbox = Sandbox::new(&home);
    // The runtime keeps its pid records beside the sandbox's own.
    let live = Live::start(home.join("sandbox"), speed, instance).await?;
    sandbox.record(&SandboxInfo {
        endpoint: live.endpoint().to_string(),
        pid: std::process::id(),
        speed,
    })?;
    stopped().await;
    sandbox.unrecord();
    live.stop().await;
    Ok(())
}

#[cfg(unix)]
async fn stopped() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).expect("a signal handler");
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}

#[cfg(not(unix))]
async fn stopped() {
    let _ = tokio::signal::ctrl_c().await;
}

//! `escala sandbox start|stop|reset|status`, and the two hidden commands the sandbox runs itself:
//! `serve` (the emulator and its runtime) and `instance` (one instance of the demo workload).

use escala_runtime::instances::demo::{self, DemoArgs};
use escala_sandbox::SandboxInfo;

use crate::args::SandboxCommand;
use crate::context::Ctx;
use crate::error::CliError;
use crate::launch::{instance_command, launch};

fn describe(info: &SandboxInfo) -> String {
    if info.speed == escala_sandbox::Speed::REAL {
        format!("The sandbox runs at {}.", info.endpoint)
    } else {
        format!(
            "The sandbox runs at {}, with time {} faster than AWS's.",
            info.endpoint, info.speed
        )
    }
}

pub async fn run(ctx: &Ctx, command: SandboxCommand) -> Result<(), CliError> {
    let sandbox = ctx.sandbox();
    let (running, message) = match command {
        SandboxCommand::Serve { home, speed } => {
            return Ok(escala_runtime::serve(home, speed, instance_command()?)
                .await
                .map(|_| ())?);
        }
        SandboxCommand::Instance { args } => {
            let args = DemoArgs::parse(&args).map_err(CliError::Invalid)?;
            return demo::serve(args).await.map_err(|source| {
                CliError::from(escala_runtime::RuntimeError::Spawn {
                    what: "the instance".into(),
                    source,
                })
            });
        }
        SandboxCommand::Start { speed } => {
            let info = sandbox.start(&launch()?, speed)?;
            let message = describe(&info);
            (Some(info), message)
        }
        SandboxCommand::Stop => {
            let stopped = sandbox.stop()?;
            (
                None::<SandboxInfo>,
                if stopped {
                    "The sandbox is stopped; everything in it is gone.".into()
                } else {
                    "No sandbox was running.".into()
                },
            )
        }
        SandboxCommand::Reset => {
            let reset = sandbox.reset()?;
            let info = sandbox.running()?;
            (
                info,
                if reset {
                    "The sandbox is empty again.".into()
                } else {
                    "No sandbox is running.".into()
                },
            )
        }
        SandboxCommand::Status => {
            let info = sandbox.running()?;
            let message = match &info {
                Some(i) => format!("{} (pid {})", describe(i), i.pid),
                None => "No sandbox is running.".into(),
            };
            (info, message)
        }
    };
    if ctx.json() {
        println!(
            "{}",
            serde_json::json!({
                "running": running.is_some(),
                "endpoint": running.as_ref().map(|i| &i.endpoint),
                "speed": running.as_ref().map(|i| i.speed),
            })
        );
    } else {
        println!("{message}");
    }
    Ok(())
}

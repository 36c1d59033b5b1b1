//! `escala sandbox start|stop|reset|status`.

use crate::args::SandboxCommand;
use crate::context::Ctx;
use crate::error::CliError;

pub fn run(ctx: &Ctx, command: SandboxCommand) -> Result<(), CliError> {
    let sandbox = ctx.sandbox();
    let (running, message) = match command {
        SandboxCommand::Start => {
            let info = sandbox.start()?;
            (
                Some(info.endpoint.clone()),
                format!("The sandbox runs at {}.", info.endpoint),
            )
        }
        SandboxCommand::Stop => {
            let stopped = sandbox.stop()?;
            (
                None,
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
                info.map(|i| i.endpoint),
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
                Some(i) => format!("The sandbox runs at {} (pid {}).", i.endpoint, i.pid),
                None => "No sandbox is running.".into(),
            };
            (info.map(|i| i.endpoint), message)
        }
    };
    if ctx.json() {
        println!(
            "{}",
            serde_json::json!({"running": running.is_some(), "endpoint": running})
        );
    } else {
        println!("{message}");
    }
    Ok(())
}

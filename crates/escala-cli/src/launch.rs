//! How this binary runs the sandbox's own processes: `escala sandbox serve` (the emulator and its
//! runtime) and `escala sandbox instance` (one instance of the demo workload).

use escala_runtime::workload::SelfCommand;
use escala_sandbox::Launch;

use crate::error::CliError;

/// How this binary runs the sandbox process and its instances.
pub fn launch() -> Result<Launch, CliError> {
    let program =
        std::env::current_exe().map_err(|source| escala_runtime::RuntimeError::Spawn {
            what: "the sandbox (finding the escala binary)".into(),
            source,
        })?;
    Ok(Launch {
        program,
        args: vec!["sandbox".into(), "serve".into()],
    })
}

pub fn instance_command() -> Result<SelfCommand, CliError> {
    let launch = launch()?;
    Ok(SelfCommand {
        program: launch.program,
        args: vec!["sandbox".into(), "instance".into()],
    })
}

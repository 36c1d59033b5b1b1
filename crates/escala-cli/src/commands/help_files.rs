//! What a package installs beside the program, generated from its own arguments so they never
//! drift: shell completions (clap_complete) and the manual page (clap_mangen).

use std::io::Write;

use clap::CommandFactory;

use crate::args::Cli;
use crate::error::CliError;

pub fn completions(shell: clap_complete::Shell) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut Cli::command(), "escala", &mut out);
    out.flush().map_err(written)
}

pub fn man() -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .and_then(|()| out.flush())
        .map_err(written)
}

fn written(e: std::io::Error) -> CliError {
    CliError::Invalid(format!("writing to standard output: {e}"))
}

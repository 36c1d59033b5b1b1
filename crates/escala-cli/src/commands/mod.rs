//! One module per command family; each parses nothing and decides nothing the API doesn't.

mod auth;
mod help_files;
mod kube;
mod kube_load;
mod load;
mod route;
mod sandbox;
mod simulate;
mod stack;

use crate::args::{Cli, Command};
use crate::context::Ctx;
use crate::error::CliError;

pub async fn run(cli: Cli) -> Result<(), CliError> {
    let ctx = Ctx::new(cli.global);
    match cli.command {
        Command::Plan(a) => stack::plan(&ctx, &a).await,
        Command::Apply(a) => stack::apply(&ctx, &a).await,
        Command::Status(a) => stack::status(&ctx, &a).await,
        Command::Destroy(a) => stack::destroy(&ctx, &a).await,
        Command::Auth(a) => auth::run(&ctx, a).await,
        Command::Sandbox(a) => sandbox::run(&ctx, a).await,
        Command::Load(a) => load::run(&ctx, &a).await,
        Command::Scale(a) => route::scale(&ctx, &a).await,
        Command::Metrics(a) => route::metrics(&ctx, &a).await,
        Command::Kube(a) => kube::run(&ctx, a).await,
        Command::Simulate(a) => simulate::run(&ctx, &a).await,
        Command::Completions { shell } => help_files::completions(shell),
        Command::Man => help_files::man(),
    }
}

/// Asks a yes/no question on a terminal. Anywhere else (CI, pipes) nobody can answer, so the change
/// goes ahead only with `--yes`.
pub(crate) fn confirm(question: &str, yes: bool) -> Result<(), CliError> {
    use std::io::{BufRead, IsTerminal, Write};
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Invalid(format!(
            "{question} There is no terminal to answer on: add --yes to confirm"
        )));
    }
    eprint!("{question} [y/N] ");
    std::io::stderr().flush().ok();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| CliError::Invalid(format!("reading the answer: {e}")))?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "sí" | "si") {
        Ok(())
    } else {
        Err(CliError::Declined)
    }
}

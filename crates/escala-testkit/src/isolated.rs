//! An Escala process (the CLI, the desktop app's driver) that sees only its own home: no stacks,
//! keys or endpoint of the developer's, whatever the environment running the tests holds.

use std::path::Path;
use std::process::{Command, Stdio};

/// Points `command` at `home` and drops the environment's credentials and endpoint, with no stdin
/// (nothing it asks may wait on a terminal). A caller that wants an endpoint sets it after.
pub fn isolated<'a>(command: &'a mut Command, home: &Path) -> &'a mut Command {
    command
        .env("ESCALA_HOME", home)
        .env_remove("ESCALA_ENDPOINT_URL")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_PROFILE")
        .stdin(Stdio::null())
}

//! What every command needs: where Escala keeps its files, the keyring, and how to reach AWS.

use std::time::Duration;

use escala_aws::connect::{resolve, Choice, Resolved, Target};
use escala_aws::credentials::KeyringStore;
use escala_core::options::Options;
use escala_core::retry::RetryPolicy;
use escala_core::store::Store;
use escala_sandbox::Sandbox;
use escala_stacks::Stacks;

use crate::args::{Global, Output};
use crate::error::CliError;

pub struct Ctx {
    pub global: Global,
    pub stacks: Stacks,
}

impl Ctx {
    pub fn new(global: Global) -> Self {
        let stacks = Stacks::new(
            Store::from_env(),
            KeyringStore::new(&global.keyring_service),
            options(&global),
        );
        Self { global, stacks }
    }

    pub fn keyring(&self) -> &KeyringStore {
        self.stacks.keyring()
    }

    pub fn json(&self) -> bool {
        self.global.output == Output::Json
    }

    /// A note for people; scripts reading JSON don't get it.
    pub fn note(&self, text: &str) {
        if !self.json() {
            eprintln!("{text}");
        }
    }

    pub fn sandbox(&self) -> Sandbox {
        Sandbox::new(self.stacks.store().root())
    }

    /// Where calls go. Without credentials, the sandbox, started here if it isn't running.
    pub fn target(&self) -> Result<Target, CliError> {
        let choice = Choice {
            endpoint: self.global.endpoint_url.clone(),
            sandbox: self.global.sandbox,
            profile: self.global.profile.clone(),
        };
        match resolve(&choice, self.keyring()) {
            Resolved::Target(t) => Ok(t),
            Resolved::UseSandbox => {
                let info = self
                    .sandbox()
                    .start(&crate::launch::launch()?, Default::default())?;
                self.note(&format!("Using the sandbox at {} (no AWS credentials in use; `escala auth login` to use your account).", info.endpoint));
                Ok(Target::sandbox(&info.endpoint))
            }
        }
    }

    /// How many times faster than AWS's the target's clock runs: the time factor of the sandbox it
    /// is, and AWS's pace (1) for anything else.
    pub fn speed_of(&self, target: &Target) -> f64 {
        let sandbox = self.sandbox().running().ok().flatten();
        match sandbox {
            Some(info) if target.endpoint.as_deref() == Some(info.endpoint.as_str()) => {
                info.speed.factor()
            }
            _ => 1.0,
        }
    }
}

/// How hard the engine tries: `--parallelism` calls at once, each task for `--timeout` seconds.
fn options(global: &Global) -> Options {
    Options {
        parallelism: global.parallelism as usize,
        retry: RetryPolicy {
            deadline: Duration::from_secs(global.timeout),
            ..RetryPolicy::default()
        },
    }
}

/// The profile commands act on: `--profile`, else the default one.
pub fn profile(ctx: &Ctx) -> String {
    ctx.global
        .profile
        .clone()
        .unwrap_or_else(|| escala_aws::credentials::DEFAULT_PROFILE.to_string())
}

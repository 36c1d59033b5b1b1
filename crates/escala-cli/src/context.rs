//! What every command needs: where Escala keeps its files, the keyring, and how to reach AWS.

use std::time::Duration;

use escala_aws::connect::{resolve, Choice, Resolved, Target};
use escala_aws::credentials::KeyringStore;
use escala_aws::session::Session;
use escala_core::executor::Options;
use escala_core::retry::RetryPolicy;
use escala_core::store::Store;
use escala_sandbox::Sandbox;

use crate::args::{Global, Output};
use crate::error::CliError;

pub struct Ctx {
    pub global: Global,
    pub store: Store,
    pub keyring: KeyringStore,
}

impl Ctx {
    pub fn new(global: Global) -> Self {
        let keyring = KeyringStore::new(&global.keyring_service);
        Self {
            global,
            store: Store::from_env(),
            keyring,
        }
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
        Sandbox::new(self.store.root())
    }

    /// Where calls go. Without credentials, the sandbox, started here if it isn't running.
    pub fn target(&self) -> Result<Target, CliError> {
        let choice = Choice {
            endpoint: self.global.endpoint_url.clone(),
            sandbox: self.global.sandbox,
            profile: self.global.profile.clone(),
        };
        match resolve(&choice, &self.keyring) {
            Resolved::Target(t) => Ok(t),
            Resolved::UseSandbox => {
                let info = self.sandbox().start()?;
                self.note(&format!("Using the sandbox at {} (no AWS credentials in use; `escala auth login` to use your account).", info.endpoint));
                Ok(Target::sandbox(&info.endpoint))
            }
        }
    }

    pub fn options(&self) -> Options {
        Options {
            parallelism: self.global.parallelism as usize,
            retry: RetryPolicy {
                deadline: Duration::from_secs(self.global.timeout),
                ..RetryPolicy::default()
            },
        }
    }

    pub async fn session(
        &self,
        target: &Target,
        region: &str,
        stack: &str,
    ) -> Result<Session, CliError> {
        Ok(Session::connect(target, region, stack, &self.keyring)
            .await?
            .with_options(self.options()))
    }
}

/// The profile commands act on: `--profile`, else the default one.
pub fn profile(ctx: &Ctx) -> String {
    ctx.global
        .profile
        .clone()
        .unwrap_or_else(|| escala_aws::credentials::DEFAULT_PROFILE.to_string())
}

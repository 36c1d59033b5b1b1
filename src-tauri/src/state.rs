//! What the app keeps between commands: where files live, the keyring, who it is connected as, the
//! regions it has looked up, and the one apply or destroy that may be running.

use std::collections::BTreeMap;
use std::sync::{Mutex, Once};
use std::time::Instant;

use tokio_util::sync::CancellationToken;

use escala_aws::connect::Target;
use escala_aws::credentials::KeyringStore;
use escala_core::options::Options;
use escala_core::store::{Place, Store};
use escala_core::validate::RegionZones;
use escala_runtime::Live;
use escala_sandbox::Sandbox;
use escala_stacks::Stacks;

use crate::error::AppError;
use crate::views::Connection;

/// The connection in use: where calls go, and who that is for the UI.
#[derive(Debug, Clone)]
pub struct Connected {
    pub target: Target,
    pub view: Connection,
}

impl Connected {
    pub fn place(&self) -> Place {
        self.view.mode
    }
}

#[derive(Debug)]
pub struct AppState {
    /// The stacks API, over the same files and keyring as the CLI's.
    pub stacks: Stacks,
    /// The sandbox the CLI may have started (`escala sandbox start`); the app uses it when it runs.
    pub shared_sandbox: Sandbox,
    /// The sandbox the app started itself (the emulator and its runtime). It never outlives the
    /// app: dropped on quit, and if the app is killed the emulator's watchdog and the instances'
    /// parent-death signal end them. Held across a start, so two quick clicks can't start two.
    pub emulator: tokio::sync::Mutex<Option<Live>>,
    pub started: Instant,
    pub ui_ready: Once,
    connected: Mutex<Option<Connected>>,
    regions: Mutex<BTreeMap<String, RegionZones>>,
    running: Mutex<Option<(String, CancellationToken)>>,
    /// The load being sent from the dashboard, if any: one at a time, stopped on quit.
    load: Mutex<Option<CancellationToken>>,
}

impl AppState {
    /// The same files and keyring service as the CLI, so both see the same stacks and keys.
    pub fn from_env() -> Self {
        let service =
            std::env::var("ESCALA_KEYRING_SERVICE").unwrap_or_else(|_| "escala".to_string());
        Self::new(Store::from_env(), &service)
    }

    pub fn new(store: Store, keyring_service: &str) -> Self {
        Self {
            shared_sandbox: Sandbox::new(store.root()),
            stacks: Stacks::new(
                store,
                KeyringStore::new(keyring_service),
                Options::default(),
            ),
            emulator: tokio::sync::Mutex::new(None),
            started: Instant::now(),
            ui_ready: Once::new(),
            connected: Mutex::new(None),
            regions: Mutex::new(BTreeMap::new()),
            running: Mutex::new(None),
            load: Mutex::new(None),
        }
    }

    pub fn connected(&self) -> Result<Connected, AppError> {
        lock(&self.connected).clone().ok_or(AppError::NotConnected)
    }

    pub fn connection(&self) -> Option<Connection> {
        lock(&self.connected).as_ref().map(|c| c.view.clone())
    }

    /// Switches to another connection; what was learnt about regions belonged to the old one.
    pub fn set_connected(&self, connected: Option<Connected>) {
        *lock(&self.connected) = connected;
        lock(&self.regions).clear();
    }

    pub fn remember_regions(&self, regions: &[RegionZones]) {
        let mut known = lock(&self.regions);
        for r in regions {
            known.insert(r.region.clone(), r.clone());
        }
    }

    pub fn known_region(&self, region: &str) -> Option<RegionZones> {
        lock(&self.regions).get(region).cloned()
    }

    /// Where calls go now.
    pub fn target(&self) -> Result<Target, AppError> {
        Ok(self.connected()?.target)
    }

    pub fn store(&self) -> &Store {
        self.stacks.store()
    }

    pub fn keyring(&self) -> &KeyringStore {
        self.stacks.keyring()
    }

    /// Claims the right to change `stack`; the claim ends when the guard is dropped.
    pub fn begin_run(&self, stack: &str) -> Result<RunGuard<'_>, AppError> {
        let mut running = lock(&self.running);
        if let Some((name, _)) = running.as_ref() {
            return Err(AppError::Busy(name.clone()));
        }
        let token = CancellationToken::new();
        *running = Some((stack.to_string(), token.clone()));
        Ok(RunGuard { state: self, token })
    }

    /// Cancels the running apply or destroy, if any: calls in flight finish, nothing new starts.
    pub fn cancel_run(&self) -> bool {
        match lock(&self.running).as_ref() {
            Some((_, token)) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    /// Claims the load generator; the claim ends when the guard is dropped.
    pub fn begin_load(&self) -> Result<LoadGuard<'_>, AppError> {
        let mut load = lock(&self.load);
        if load.is_some() {
            return Err(AppError::Invalid(
                "load is already being sent: stop it first".into(),
            ));
        }
        let token = CancellationToken::new();
        *load = Some(token.clone());
        Ok(LoadGuard { state: self, token })
    }

    /// Stops the load being sent, if any. True when there was some.
    pub fn stop_load(&self) -> bool {
        match lock(&self.load).as_ref() {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    /// On quit: cancel what runs (the stack stays marked as interrupted) and stop the emulator
    /// the app started.
    pub fn shutdown(&self) {
        self.cancel_run();
        self.stop_load();
        // Busy means a start is under way; the new emulator's watchdog ends it with the app.
        if let Ok(mut emulator) = self.emulator.try_lock() {
            emulator.take();
        }
    }
}

/// The running operation's claim and its cancellation token.
#[derive(Debug)]
pub struct RunGuard<'a> {
    state: &'a AppState,
    pub token: CancellationToken,
}

impl Drop for RunGuard<'_> {
    fn drop(&mut self) {
        *lock(&self.state.running) = None;
    }
}

/// The running load's claim and its stop token.
#[derive(Debug)]
pub struct LoadGuard<'a> {
    state: &'a AppState,
    pub token: CancellationToken,
}

impl Drop for LoadGuard<'_> {
    fn drop(&mut self) {
        *lock(&self.state.load) = None;
    }
}

/// A poisoned lock only means another command panicked; the data itself is still consistent.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

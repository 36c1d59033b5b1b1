//! Each operation on a stack, with the bookkeeping around it: the Spec saved before an apply
//! starts and the stack marked as changing, so a crash or a closed app leaves it listed as
//! interrupted; the mark cleared when the change ends; the stack forgotten once nothing of it is
//! left.

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use escala_aws::connect::{sdk_config, Target};
use escala_aws::credentials::KeyringStore;
use escala_aws::deploy_user::{create_deploy_user, DeployUser, DeployUserRequest};
use escala_aws::metrics::Range;
use escala_aws::route::GroupState;
use escala_aws::routes;
use escala_aws::session::{Prepared, Session};
use escala_charts::Dashboard;
use escala_core::cost::{self, CostEstimate};
use escala_core::executor::{ApplyReport, DestroyReport};
use escala_core::options::Options;
use escala_core::plan::Plan;
use escala_core::progress::ProgressSink;
use escala_core::spec::Spec;
use escala_core::store::{Operation, Place, StackRecord, Store};
use escala_core::task::Found;
use escala_core::validate::CheckedSpec;
use escala_core::CoreError;

use crate::StacksError;

/// STS answers in every region; this one is only where the admin's identity call is signed for.
const IAM_REGION: &str = "us-east-1";

/// Escala's stacks: their records, the keyring their keys come from, and how hard to try.
#[derive(Debug, Clone)]
pub struct Stacks {
    store: Store,
    keyring: KeyringStore,
    options: Options,
}

/// A plan ready to apply, with what it was made from and what it costs.
#[derive(Debug)]
pub struct Planned {
    pub session: Session,
    pub prepared: Prepared,
    pub plan: Plan,
    pub cost: CostEstimate,
}

/// A stack Escala knows, as its record has it.
#[derive(Debug, Clone)]
pub struct Known {
    pub name: String,
    pub spec: Spec,
    pub record: StackRecord,
}

/// What a destroy did, and whether the stack was forgotten.
#[derive(Debug, Clone)]
pub struct Destroyed {
    pub report: DestroyReport,
    /// Nothing is left of the stack, so its record is gone too. A stack of which nothing was
    /// found at all stays listed: it may live under other credentials.
    pub forgotten: bool,
}

/// A registered route, for the shells' route choices.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RouteInfo {
    pub name: String,
    pub summary: String,
}

impl Stacks {
    pub fn new(store: Store, keyring: KeyringStore, options: Options) -> Self {
        Self {
            store,
            keyring,
            options,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn keyring(&self) -> &KeyringStore {
        &self.keyring
    }

    /// Where a target's stacks live.
    pub fn place(target: &Target) -> Place {
        if target.is_sandbox() {
            Place::Sandbox
        } else {
            Place::Account
        }
    }

    /// Every route a deploy user can be made for, the network first.
    pub fn routes() -> Vec<RouteInfo> {
        routes::all()
            .map(|r| RouteInfo {
                name: r.name().to_string(),
                summary: r.summary().to_string(),
            })
            .collect()
    }

    /// Reads a Spec from YAML and checks it: see [`Stacks::check`].
    pub fn read(&self, yaml: &str) -> Result<CheckedSpec, StacksError> {
        self.check(Spec::from_yaml(yaml)?)
    }

    /// The boundary: every rule that needs no AWS call, and no move of a known stack to another
    /// region (its old region's resources would be forgotten while they still cost money).
    pub fn check(&self, spec: Spec) -> Result<CheckedSpec, StacksError> {
        let checked = CheckedSpec::new(spec).map_err(CoreError::from)?;
        self.store.check_region(checked.spec())?;
        Ok(checked)
    }

    /// The Spec a known stack was last applied with.
    pub fn saved(&self, name: &str) -> Result<Spec, StacksError> {
        self.store
            .load_spec(name)?
            .ok_or_else(|| StacksError::UnknownStack(name.to_string()))
    }

    /// Every stack Escala knows, by name.
    pub fn list(&self) -> Result<Vec<Known>, StacksError> {
        let mut known = Vec::new();
        for name in self.store.list()? {
            if let Some(spec) = self.store.load_spec(&name)? {
                let record = self.store.record(&name)?;
                known.push(Known { name, spec, record });
            }
        }
        Ok(known)
    }

    pub async fn session(&self, target: &Target, spec: &Spec) -> Result<Session, StacksError> {
        Ok(
            Session::connect(target, &spec.region, &spec.name, &self.keyring)
                .await?
                .with_options(self.options),
        )
    }

    /// What applying would change, and its monthly cost. Reads only.
    pub async fn plan(&self, target: &Target, spec: &CheckedSpec) -> Result<Planned, StacksError> {
        let session = self.session(target, spec.spec()).await?;
        let (prepared, plan) = session.plan_spec(spec).await?;
        let cost = cost::estimate(&prepared.valid);
        Ok(Planned {
            session,
            prepared,
            plan,
            cost,
        })
    }

    /// Remembers the Spec without changing anything (a plan with nothing to do).
    pub fn remember(&self, spec: &CheckedSpec) -> Result<(), StacksError> {
        Ok(self.store.save_spec(spec.spec())?)
    }

    /// Applies a plan. The Spec is saved and the stack marked as changing first, so a crash
    /// mid-apply still leaves it listed as interrupted and destroyable; resuming is applying the
    /// saved Spec again.
    pub async fn apply(
        &self,
        target: &Target,
        planned: &Planned,
        sink: &dyn ProgressSink,
        cancel: CancellationToken,
    ) -> Result<ApplyReport, StacksError> {
        let spec = planned.prepared.valid.spec();
        let place = Self::place(target);
        // Refused here, the stack isn't even recorded: nothing about it changed.
        planned.session.check_apply(&planned.prepared).await?;
        self.store.save_spec(spec)?;
        self.store.begin(&spec.name, place, Operation::Apply)?;
        let report = planned
            .session
            .apply(&planned.prepared, &planned.plan, sink, cancel)
            .await?;
        self.store.finish(&spec.name, place)?;
        Ok(report)
    }

    /// What a known stack owns and how it differs from its Spec.
    pub async fn status(
        &self,
        target: &Target,
        name: &str,
    ) -> Result<(Vec<Found>, Plan), StacksError> {
        let spec = CheckedSpec::new(self.saved(name)?).map_err(CoreError::from)?;
        let session = self.session(target, spec.spec()).await?;
        Ok(session.status(&spec).await?)
    }

    /// Everything a known stack owns right now.
    pub async fn resources(&self, target: &Target, name: &str) -> Result<Vec<Found>, StacksError> {
        let spec = self.saved(name)?;
        Ok(self.session(target, &spec).await?.discover().await?)
    }

    /// Deletes everything the stack owns and reports what is left. A known stack is marked as
    /// changing while it runs; it is forgotten once nothing of it is left, and stays listed as
    /// interrupted while something is.
    pub async fn destroy(
        &self,
        target: &Target,
        spec: &Spec,
        sink: &dyn ProgressSink,
        cancel: CancellationToken,
    ) -> Result<Destroyed, StacksError> {
        let session = self.session(target, spec).await?;
        session.check_destroy().await?;
        let place = Self::place(target);
        let known = self.store.load_spec(&spec.name)?.is_some();
        if known {
            self.store.begin(&spec.name, place, Operation::Destroy)?;
        }
        let report = session.destroy(sink, cancel).await?;
        let clean = report.left.is_empty() && report.failed.is_empty();
        let forgotten = clean && !report.deleted.is_empty();
        if forgotten {
            self.store.forget(&spec.name)?;
        } else if clean && known {
            self.store.finish(&spec.name, place)?;
        }
        Ok(Destroyed { report, forgotten })
    }

    /// Drops a stack's record (its resources, if any, are untouched).
    pub fn forget(&self, name: &str) -> Result<(), StacksError> {
        Ok(self.store.forget(name)?)
    }

    /// Sets a known stack's group to `desired` now, within its Spec's bounds, and returns its
    /// size afterwards.
    pub async fn scale(
        &self,
        target: &Target,
        name: &str,
        desired: u32,
    ) -> Result<Option<GroupState>, StacksError> {
        let spec = self.saved(name)?;
        let session = self.session(target, &spec).await?;
        session.scale(&spec, desired).await?;
        Ok(session.group_state(&spec).await?)
    }

    /// A known stack's group as it is now; `None` when it has none.
    pub async fn group(
        &self,
        target: &Target,
        name: &str,
    ) -> Result<Option<GroupState>, StacksError> {
        let spec = self.saved(name)?;
        let session = self.session(target, &spec).await?;
        Ok(session.group_state(&spec).await?)
    }

    /// A known stack's scaling dashboard over `range` ending now, on a clock `speed` times AWS's
    /// (a sandbox's time factor; 1 on AWS), and how many GetMetricData calls it took.
    pub async fn dashboard(
        &self,
        target: &Target,
        name: &str,
        range: Range,
        speed: f64,
    ) -> Result<(Dashboard, usize), StacksError> {
        let spec = self.saved(name)?;
        let session = self.session(target, &spec).await?;
        Ok(session.dashboard(&spec, range, speed).await?)
    }

    /// From the admin credentials of `admin`: a group with the chosen routes' least-privilege
    /// policies, a user in it, and its key saved straight to the keyring.
    pub async fn create_deploy_user(
        &self,
        admin: &Target,
        request: &DeployUserRequest,
    ) -> Result<DeployUser, StacksError> {
        let config = sdk_config(admin, IAM_REGION, &self.keyring).await?;
        Ok(create_deploy_user(&config, request, &self.keyring).await?)
    }
}

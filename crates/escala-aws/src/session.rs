//! A connection to one region for one stack: resolve and plan a checked Spec, apply it, look at
//! what the stack has, destroy it, and scale and chart the group of a route that has one. Every
//! route-specific step goes through the registry (`routes`).

use std::sync::Arc;

use futures::future::try_join_all;
use tokio_util::sync::CancellationToken;

use escala_core::executor::{self, ApplyReport, DestroyReport};
use escala_core::options::Options;
use escala_core::plan::Plan;
use escala_core::planner;
use escala_core::progress::ProgressSink;
use escala_core::spec::Spec;
use escala_core::task::{Found, Task};
use escala_core::validate::{CheckedSpec, RegionZones, ValidSpec};

use crate::connect::{sdk_config, Target};
use crate::context::AwsContext;
use crate::credentials::KeyringStore;
use crate::iam::Scope;
use crate::route::{Build, GroupState, Scaling};
use crate::{policy, preflight, routes, AwsError};

/// A connection to one region for one stack.
#[derive(Debug, Clone)]
pub struct Session {
    ctx: Arc<AwsContext>,
    options: Options,
}

/// A Spec resolved against its region, and the tasks that provision it.
#[derive(Debug)]
pub struct Prepared {
    pub valid: ValidSpec,
    tasks: Vec<Arc<dyn Task<AwsContext>>>,
    /// What the plan leaves out on this target, and why.
    notes: Vec<String>,
}

impl Prepared {
    pub fn tasks(&self) -> &[Arc<dyn Task<AwsContext>>] {
        &self.tasks
    }

    /// `plan`, with what it leaves out said.
    fn noted(&self, mut plan: Plan) -> Plan {
        plan.notes = self.notes.clone();
        plan
    }
}

impl Session {
    pub async fn connect(
        target: &Target,
        region: &str,
        stack: &str,
        keyring: &KeyringStore,
    ) -> Result<Self, AwsError> {
        let config = sdk_config(target, region, keyring).await?;
        let cluster_apis = match &target.endpoint {
            Some(endpoint) => {
                crate::routes::kubernetes::cluster_api::emulator_runs_apis(endpoint).await
            }
            None => true,
        };
        let ctx = AwsContext {
            ec2: aws_sdk_ec2::Client::new(&config),
            ssm: aws_sdk_ssm::Client::new(&config),
            elb: aws_sdk_elasticloadbalancingv2::Client::new(&config),
            autoscaling: aws_sdk_autoscaling::Client::new(&config),
            cloudwatch: aws_sdk_cloudwatch::Client::new(&config),
            ecr: aws_sdk_ecr::Client::new(&config),
            logs: aws_sdk_cloudwatchlogs::Client::new(&config),
            ecs: aws_sdk_ecs::Client::new(&config),
            elasticache: aws_sdk_elasticache::Client::new(&config),
            aas: aws_sdk_applicationautoscaling::Client::new(&config),
            eks: aws_sdk_eks::Client::new(&config),
            iam: aws_sdk_iam::Client::new(&config),
            sts: aws_sdk_sts::Client::new(&config),
            credentials: config.credentials_provider(),
            region: region.into(),
            stack: stack.into(),
            emulator: target.endpoint.is_some(),
            sandbox: target
                .is_sandbox()
                .then(|| target.endpoint.clone())
                .flatten(),
            checks_permissions: !target.is_sandbox(),
            cluster_apis,
        };
        Ok(Self {
            ctx: Arc::new(ctx),
            options: Options::default(),
        })
    }

    pub fn with_options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    pub fn stack(&self) -> &str {
        &self.ctx.stack
    }

    /// The clients and names this session's calls use.
    pub fn context(&self) -> &AwsContext {
        &self.ctx
    }

    /// The region's available zones, in name order.
    pub async fn region_zones(&self) -> Result<RegionZones, AwsError> {
        Ok(RegionZones {
            region: self.ctx.region.clone(),
            zones: crate::regions::available_zones(&self.ctx.ec2).await?,
        })
    }

    fn check(&self, spec: &Spec) -> Result<(), AwsError> {
        if spec.name != self.ctx.stack || spec.region != self.ctx.region {
            return Err(AwsError::Invalid(format!(
                "this session is for stack '{}' in {}, not '{}' in {}",
                self.ctx.stack, self.ctx.region, spec.name, spec.region
            )));
        }
        Ok(())
    }

    /// What each of the Spec's routes needs from the region, looked up at the same time.
    async fn builds(&self, spec: &CheckedSpec) -> Result<Vec<Build>, AwsError> {
        try_join_all(
            routes::for_spec(spec.spec())
                .into_iter()
                .map(|r| r.prepare(&self.ctx, spec)),
        )
        .await
    }

    fn prepared(
        &self,
        spec: &CheckedSpec,
        region: &RegionZones,
        builds: Vec<Build>,
    ) -> Result<Prepared, AwsError> {
        let valid = spec.resolve(region).map_err(escala_core::CoreError::from)?;
        let tasks = builds
            .into_iter()
            .flat_map(|build| build(valid.network()))
            .collect();
        let notes = routes::for_spec(spec.spec())
            .into_iter()
            .flat_map(|r| r.notes(&self.ctx, spec))
            .collect();
        Ok(Prepared {
            valid,
            tasks,
            notes,
        })
    }

    /// Resolves the Spec against the region: its zones and what its routes look up, at once.
    pub async fn prepare(&self, spec: &CheckedSpec) -> Result<Prepared, AwsError> {
        self.check(spec.spec())?;
        let (region, builds) = tokio::join!(self.region_zones(), self.builds(spec));
        self.prepared(spec, &region?, builds?)
    }

    /// Resolves and plans in one go: the region's zones, the routes' lookups and what the stack
    /// owns are read at the same time, so on an empty account planning costs a single round trip.
    pub async fn plan_spec(&self, spec: &CheckedSpec) -> Result<(Prepared, Plan), AwsError> {
        let (prepared, plan, _) = self.plan_with_found(spec).await?;
        Ok((prepared, plan))
    }

    /// What the stack owns and how it differs from its Spec, from a single discovery: what
    /// `status` views show side by side.
    pub async fn status(&self, spec: &CheckedSpec) -> Result<(Vec<Found>, Plan), AwsError> {
        let (_, plan, found) = self.plan_with_found(spec).await?;
        Ok((found, plan))
    }

    async fn plan_with_found(
        &self,
        spec: &CheckedSpec,
    ) -> Result<(Prepared, Plan, Vec<Found>), AwsError> {
        self.check(spec.spec())?;
        let (region, builds, found) = tokio::join!(
            self.region_zones(),
            self.builds(spec),
            planner::discover(self.ctx.as_ref(), routes::inventory(), &self.options)
        );
        let prepared = self.prepared(spec, &region?, builds?)?;
        let found = found?;
        let plan = planner::plan(
            &self.ctx.stack,
            self.ctx.clone(),
            &prepared.tasks,
            found.clone(),
            &self.options,
        )
        .await?;
        let plan = prepared.noted(plan);
        Ok((prepared, plan, found))
    }

    /// What applying would change. Reads only.
    pub async fn plan(&self, prepared: &Prepared) -> Result<Plan, AwsError> {
        let found =
            planner::discover(self.ctx.as_ref(), routes::inventory(), &self.options).await?;
        let plan = planner::plan(
            &self.ctx.stack,
            self.ctx.clone(),
            &prepared.tasks,
            found,
            &self.options,
        )
        .await?;
        Ok(prepared.noted(plan))
    }

    pub async fn apply(
        &self,
        prepared: &Prepared,
        plan: &Plan,
        sink: &dyn ProgressSink,
        cancel: CancellationToken,
    ) -> Result<ApplyReport, AwsError> {
        Ok(executor::apply(
            self.ctx.clone(),
            &prepared.tasks,
            routes::inventory(),
            plan,
            self.options,
            sink,
            cancel,
        )
        .await?)
    }

    /// Everything the stack owns right now, found by its tags.
    pub async fn discover(&self) -> Result<Vec<Found>, AwsError> {
        routes::inventory()
            .discover(&self.ctx)
            .await
            .map_err(|e| AwsError::api("discovery", e))
    }

    pub async fn destroy(
        &self,
        sink: &dyn ProgressSink,
        cancel: CancellationToken,
    ) -> Result<DestroyReport, AwsError> {
        Ok(executor::destroy(
            &self.ctx.stack,
            self.ctx.clone(),
            routes::inventory(),
            self.options,
            sink,
            cancel,
        )
        .await?)
    }

    /// Before an apply: may the credentials in use do everything the Spec's routes do? A
    /// `Denied` error names what they may not; nothing has been changed.
    pub async fn check_apply(&self, prepared: &Prepared) -> Result<(), AwsError> {
        let routes = routes::for_spec(prepared.valid.spec());
        preflight::check(&self.ctx, &policy::grants(&routes)).await
    }

    /// Before a destroy: may the credentials in use find and delete everything the stack has?
    pub async fn check_destroy(&self) -> Result<(), AwsError> {
        if !self.ctx.checks_permissions {
            return Ok(());
        }
        preflight::check(&self.ctx, &self.deletes().await?).await
    }

    /// What deleting everything the stack owns needs: every kind's reads (discovery), and the
    /// changes of the kinds it has.
    async fn deletes(&self) -> Result<Vec<crate::iam::Grant>, AwsError> {
        let found = self.discover().await?;
        let inventory = routes::inventory();
        let mut grants = Vec::new();
        for kind in inventory.kinds() {
            let present = found.iter().any(|f| f.kind == kind.name());
            grants.extend(kind.permissions().iter().filter(|g| match g.scope {
                Scope::Reading => true,
                Scope::Tagged | Scope::Always => present,
                _ => false,
            }));
        }
        Ok(grants)
    }

    /// The group the Spec's route scales, if it has one.
    pub fn scaling(spec: &Spec) -> Option<&'static dyn Scaling> {
        routes::of(spec).and_then(|r| r.scaling())
    }

    fn scaling_of(spec: &Spec) -> Result<&'static dyn Scaling, AwsError> {
        Self::scaling(spec).ok_or_else(|| {
            AwsError::Invalid(format!(
                "stack '{}' has no group to scale (its Spec has no route that scales)",
                spec.name
            ))
        })
    }

    /// Sets the group's size by hand (as the seed cycles desired 2 → 1), within the Spec's min and
    /// max; the scaling policies may move it again later.
    pub async fn scale(&self, spec: &Spec, desired: u32) -> Result<(), AwsError> {
        let scaling = Self::scaling_of(spec)?;
        let (min, max) = scaling.bounds(spec).unwrap_or((0, 0));
        if desired < min || desired > max {
            return Err(AwsError::Invalid(format!(
                "{desired} instances is outside the group's range {min} … {max}: change min or max in the Spec and apply first"
            )));
        }
        scaling.set_desired(&self.ctx, spec, desired).await
    }

    /// The route's group as it is now, with the address its load balancer answers on; `None` when
    /// the stack has no group.
    pub async fn group_state(&self, spec: &Spec) -> Result<Option<GroupState>, AwsError> {
        let Some(scaling) = Self::scaling(spec) else {
            return Ok(None);
        };
        let state = scaling
            .state(&self.ctx, spec)
            .await
            .map_err(|e| AwsError::api("describing the group", e))?;
        Ok(match state {
            // A route whose address answers as it is (a Service's) gives its URL itself.
            Some(s) if s.url.is_some() => Some(s),
            Some(mut s) => {
                s.url = match &s.dns_name {
                    Some(dns) => self.url_of(dns).await,
                    None => None,
                };
                Some(s)
            }
            None => None,
        })
    }

    /// Where a load balancer's DNS name answers from this machine: itself on AWS; in the sandbox,
    /// the loopback address the sandbox runtime serves it on (the name resolves nowhere here).
    pub async fn url_of(&self, dns_name: &str) -> Option<String> {
        let Some(endpoint) = self.ctx.sandbox.clone() else {
            return Some(format!("http://{dns_name}/"));
        };
        let text = tokio::task::spawn_blocking(move || {
            escala_sandbox::get(&endpoint, "/moto-api/escala/balancers")
        })
        .await
        .ok()?
        .ok()?;
        let urls: std::collections::HashMap<String, String> = serde_json::from_str(&text).ok()?;
        urls.get(dns_name).map(|u| format!("{u}/"))
    }

    /// The scaling dashboard over `range` of a clock `speed` times AWS's ending now (see
    /// [`crate::metrics::Range::window`]), and how many GetMetricData calls it took.
    pub async fn dashboard(
        &self,
        spec: &Spec,
        range: crate::metrics::Range,
        speed: f64,
    ) -> Result<(escala_charts::Dashboard, usize), AwsError> {
        let scaling = Self::scaling_of(spec)?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or_default();
        let found = self.discover().await?;
        let window = range.window(now, speed);
        crate::metrics::dashboard(
            &self.ctx,
            &scaling.panels(&self.ctx, spec, &found),
            scaling.markers(&self.ctx, spec, window.from, window.to),
            window,
        )
        .await
    }
}

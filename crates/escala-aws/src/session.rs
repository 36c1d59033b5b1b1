//! The one API the CLI and the desktop app share: connect, validate and plan a Spec, apply it,
//! look at what a stack has, and destroy it.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use escala_core::executor::{self, ApplyReport, DestroyReport, Options};
use escala_core::graph;
use escala_core::network::ResolvedNetwork;
use escala_core::plan::Plan;
use escala_core::planner;
use escala_core::progress::ProgressSink;
use escala_core::spec::{RouteSpec, Spec};
use escala_core::task::{Found, Inventory, Task, TaskError};
use escala_core::validate::{self, RegionZones};

use crate::connect::{sdk_config, Target};
use crate::context::AwsContext;
use crate::credentials::KeyringStore;
use crate::inventory::NetworkInventory;
use crate::sdk::api_error;
use crate::{network, AwsError};

/// A connection to one region for one stack.
#[derive(Debug, Clone)]
pub struct Session {
    ctx: Arc<AwsContext>,
    options: Options,
}

/// A validated Spec and the tasks that provision it.
#[derive(Debug)]
pub struct Prepared {
    pub spec: Spec,
    pub network: ResolvedNetwork,
    tasks: Vec<Arc<dyn Task<AwsContext>>>,
}

impl Prepared {
    pub fn tasks(&self) -> &[Arc<dyn Task<AwsContext>>] {
        &self.tasks
    }

    /// The longest chain of tasks that must run one after another: the floor under apply's wall time.
    pub fn dependency_depth(&self) -> usize {
        let deps = self
            .tasks
            .iter()
            .map(|t| (t.id().to_string(), t.deps()))
            .collect();
        graph::depth(&deps).unwrap_or(0)
    }
}

/// An Auto Scaling group's size right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupState {
    pub min: u32,
    pub desired: u32,
    pub max: u32,
    pub in_service: u32,
    /// The load balancer's public name, where the web app answers.
    pub dns_name: Option<String>,
}

impl Session {
    pub async fn connect(
        target: &Target,
        region: &str,
        stack: &str,
        keyring: &KeyringStore,
    ) -> Result<Self, AwsError> {
        let config = sdk_config(target, region, keyring).await?;
        let ctx = AwsContext {
            ec2: aws_sdk_ec2::Client::new(&config),
            ssm: aws_sdk_ssm::Client::new(&config),
            elb: aws_sdk_elasticloadbalancingv2::Client::new(&config),
            autoscaling: aws_sdk_autoscaling::Client::new(&config),
            cloudwatch: aws_sdk_cloudwatch::Client::new(&config),
            region: region.into(),
            stack: stack.into(),
            emulator: target.endpoint.is_some(),
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

    /// The clients and names this session's calls use (metrics, manual scaling).
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

    /// Validates `spec`: first everything that needs no AWS call, then the zones against the region.
    pub async fn prepare(&self, spec: &Spec) -> Result<Prepared, AwsError> {
        self.check(spec)?;
        let (region, facts) = tokio::join!(self.region_zones(), self.route_facts(spec));
        Self::prepared(spec, &region?, facts?.as_ref())
    }

    /// What the route needs from the region (its image, its instance type), looked up at the same
    /// time as the zones.
    async fn route_facts(&self, spec: &Spec) -> Result<Option<crate::asg::Facts>, AwsError> {
        match &spec.route {
            Some(RouteSpec::Asg(asg)) => Ok(Some(crate::asg::look_up(&self.ctx, asg).await?)),
            None => Ok(None),
        }
    }

    fn check(&self, spec: &Spec) -> Result<(), AwsError> {
        validate::check_offline(spec).map_err(escala_core::CoreError::from)?;
        if spec.name != self.ctx.stack || spec.region != self.ctx.region {
            return Err(AwsError::Invalid(format!(
                "this session is for stack '{}' in {}, not '{}' in {}",
                self.ctx.stack, self.ctx.region, spec.name, spec.region
            )));
        }
        Ok(())
    }

    fn prepared(
        spec: &Spec,
        region: &RegionZones,
        facts: Option<&crate::asg::Facts>,
    ) -> Result<Prepared, AwsError> {
        let network = validate::resolve(spec, region).map_err(escala_core::CoreError::from)?;
        let mut tasks = network::tasks(&network);
        if let (Some(RouteSpec::Asg(asg)), Some(facts)) = (&spec.route, facts) {
            tasks.extend(crate::asg::tasks(asg, facts, &network));
        }
        Ok(Prepared {
            spec: spec.clone(),
            network,
            tasks,
        })
    }

    /// Validates and plans in one go: the region's zones and what the stack owns are looked up at
    /// the same time, so on an empty account planning costs a single round trip.
    pub async fn plan_spec(&self, spec: &Spec) -> Result<(Prepared, Plan), AwsError> {
        let (prepared, plan, _) = self.plan_with_found(spec).await?;
        Ok((prepared, plan))
    }

    /// What the stack owns and how it differs from its Spec, from a single discovery: what
    /// `status` views show side by side.
    pub async fn status(&self, spec: &Spec) -> Result<(Vec<Found>, Plan), AwsError> {
        let (_, plan, found) = self.plan_with_found(spec).await?;
        Ok((found, plan))
    }

    async fn plan_with_found(&self, spec: &Spec) -> Result<(Prepared, Plan, Vec<Found>), AwsError> {
        self.check(spec)?;
        let inventory = self.inventory();
        let (region, facts, found) = tokio::join!(
            self.region_zones(),
            self.route_facts(spec),
            planner::discover(self.ctx.as_ref(), inventory.as_ref(), &self.options)
        );
        let prepared = Self::prepared(spec, &region?, facts?.as_ref())?;
        let found = found?;
        let plan = planner::plan(
            &self.ctx.stack,
            self.ctx.clone(),
            &prepared.tasks,
            found.clone(),
            &self.options,
        )
        .await?;
        Ok((prepared, plan, found))
    }

    fn inventory(&self) -> Arc<dyn Inventory<AwsContext>> {
        Arc::new(NetworkInventory)
    }

    /// What applying would change. Reads only.
    pub async fn plan(&self, prepared: &Prepared) -> Result<Plan, AwsError> {
        let found =
            planner::discover(self.ctx.as_ref(), self.inventory().as_ref(), &self.options).await?;
        Ok(planner::plan(
            &self.ctx.stack,
            self.ctx.clone(),
            &prepared.tasks,
            found,
            &self.options,
        )
        .await?)
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
            self.inventory(),
            plan,
            self.options,
            sink,
            cancel,
        )
        .await?)
    }

    /// Everything the stack owns right now, found by its tags.
    pub async fn discover(&self) -> Result<Vec<Found>, AwsError> {
        self.inventory()
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
            self.inventory(),
            self.options,
            sink,
            cancel,
        )
        .await?)
    }

    /// Sets the group's size by hand (as the seed cycles desired 2 → 1), within the Spec's min and
    /// max; target tracking may move it again later.
    pub async fn scale(&self, spec: &Spec, desired: u32) -> Result<(), AwsError> {
        let Some(RouteSpec::Asg(asg)) = &spec.route else {
            return Err(AwsError::Invalid(format!(
                "stack '{}' has no Auto Scaling group to scale (its Spec has no asg route)",
                spec.name
            )));
        };
        let c = asg.capacity;
        if desired < c.min || desired > c.max {
            return Err(AwsError::Invalid(format!(
                "{desired} instances is outside the group's range {} … {}: change min or max in the Spec and apply first",
                c.min, c.max
            )));
        }
        self.ctx
            .autoscaling
            .set_desired_capacity()
            .auto_scaling_group_name(crate::asg::group_name(&self.ctx.stack))
            .desired_capacity(desired as i32)
            .honor_cooldown(false)
            .send()
            .await
            .map_err(|e| api_error("autoscaling:SetDesiredCapacity", e))?;
        Ok(())
    }

    /// The route's group as it is now, with the address its load balancer answers on; `None` when
    /// the stack has no group.
    pub async fn group_state(&self) -> Result<Option<GroupState>, AwsError> {
        let failed = |e: TaskError| AwsError::api("describing the Auto Scaling group", e);
        let lookup = crate::asg::LoadBalancer { subnets: vec![] };
        let refs = escala_core::task::Refs::default();
        let (group, lb) = tokio::join!(
            crate::asg::describe_group(&self.ctx),
            lookup.find(&self.ctx, &refs)
        );
        let Some(g) = group.map_err(failed)? else {
            return Ok(None);
        };
        Ok(Some(GroupState {
            min: g.min_size().unwrap_or_default() as u32,
            desired: g.desired_capacity().unwrap_or_default() as u32,
            max: g.max_size().unwrap_or_default() as u32,
            in_service: crate::asg::in_service(&g),
            dns_name: lb
                .map_err(failed)?
                .and_then(|o| o.outputs.get("dnsName").cloned())
                .filter(|d| !d.is_empty()),
        }))
    }

    /// The scaling dashboard over `range` ending now, and how many GetMetricData calls it took.
    pub async fn dashboard(
        &self,
        range: crate::metrics::Range,
    ) -> Result<(escala_charts::Dashboard, usize), AwsError> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or_default();
        let found = self.discover().await?;
        let arn = |kind: &str| {
            found
                .iter()
                .find(|f| f.kind == kind)
                .map(|f| f.physical_id.clone())
        };
        let group = crate::asg::group_name(&self.ctx.stack);
        let sources = crate::metrics::Sources::from_arns(
            &group,
            arn("LoadBalancer").as_deref(),
            arn("TargetGroup").as_deref(),
        );
        let (from, to) = range.window(now);
        let (fetched, markers) = tokio::try_join!(
            crate::metrics::fetch(&self.ctx, &sources, from, to),
            crate::metrics::activities(&self.ctx, &group, from, to)
        )?;
        let dashboard =
            escala_charts::Dashboard::asg(&self.ctx.stack, from, to, fetched.series, markers);
        Ok((dashboard, fetched.calls))
    }
}

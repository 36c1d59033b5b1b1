//! The Auto Scaling group: instances from the launch template's default version, across the
//! chosen subnets, registered with the target group and replaced when the load balancer finds them
//! unhealthy. Its size between min and max is the scaling policies' business, so the plan manages
//! min and max but never puts `desired` back. Its instances are managed too: when some were started
//! from an older launch template, the plan updates the group with a rolling update.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_autoscaling::types::{LaunchTemplateSpecification, Tag};
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::routes::asg::{Capacity, Rollout};
use escala_core::tags;
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::ids::{self, GROUP, LAUNCH_TEMPLATE, TARGET_POLICY, WARM_POOL};
use super::lookup::{self, group_name, GROUP_ARNS};
use super::refresh;
use super::schedule::ScheduledActionKind;
use super::target_tracking::{self, ScalingPolicyKind};
use super::warm_pool::WarmPoolKind;
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::routes::balancer::ids::TARGET_GROUP;
use crate::sdk::{read, SdkResultExt};

fields! {
    /// What the plan manages on the group, all changeable in place.
    pub struct GroupProps {
        min("min"): u32,
        max("max"): u32,
        health_check("healthCheck"): String,
        /// Whether every instance was started from the template's current revision.
        instances("instances"): String,
    }
}

fields! {
    /// The size the group has now, which an update keeps when it still fits.
    pub struct GroupOutputs {
        desired("desired"): u32,
    }
}

#[derive(Debug)]
pub struct AutoScalingGroup {
    pub capacity: Capacity,
    /// The subnets' logical ids.
    pub subnets: Vec<String>,
    pub grace_seconds: u32,
    /// The launch template's revision every instance should be started from.
    pub revision: String,
    pub rollout: Rollout,
}

impl AutoScalingGroup {
    fn subnet_ids(&self, refs: &Refs) -> Result<String, TaskError> {
        let ids = self
            .subnets
            .iter()
            .map(|s| refs.id(s).map(str::to_string))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ids.join(","))
    }

    fn up_to_date(&self) -> String {
        format!(
            "from template {}, rolled out keeping {}% healthy",
            self.revision, self.rollout.min_healthy_percentage
        )
    }

    /// The instances as the plan compares them: all from this revision, or how many aren't.
    async fn instances(&self, ctx: &AwsContext, group: &str) -> Result<String, TaskError> {
        let revisions = refresh::revisions(ctx, group).await?;
        let old = revisions
            .values()
            .filter(|r| r.as_deref() != Some(self.revision.as_str()))
            .count();
        Ok(if old == 0 {
            self.up_to_date()
        } else {
            format!("{old} of {} from an older template", revisions.len())
        })
    }

    fn current(&self, name: &str, desired: u32) -> Current<GroupProps, GroupOutputs> {
        Current {
            id: name.into(),
            props: Resource::desired(self),
            outputs: GroupOutputs { desired },
        }
    }
}

#[async_trait]
impl Resource<AwsContext> for AutoScalingGroup {
    type Props = GroupProps;
    type Outputs = GroupOutputs;
    fn id(&self) -> &str {
        GROUP
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &AutoScalingGroupKind
    }
    fn deps(&self) -> Vec<String> {
        let mut d = self.subnets.clone();
        d.extend([LAUNCH_TEMPLATE.to_string(), TARGET_GROUP.to_string()]);
        d
    }
    fn find_deps(&self) -> Vec<String> {
        self.subnets.clone()
    }
    fn desired(&self) -> GroupProps {
        GroupProps {
            min: self.capacity.min,
            max: self.capacity.max,
            health_check: format!("ELB, {} s grace", self.grace_seconds),
            instances: self.up_to_date(),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<GroupProps, GroupOutputs>>, TaskError> {
        let Some(g) = lookup::group(ctx).await? else {
            return Ok(None);
        };
        let name = g.auto_scaling_group_name().unwrap_or_default();
        Ok(Some(Current {
            id: name.into(),
            props: GroupProps {
                min: g.min_size().unwrap_or_default() as u32,
                max: g.max_size().unwrap_or_default() as u32,
                health_check: format!(
                    "{}, {} s grace",
                    g.health_check_type().unwrap_or_default(),
                    g.health_check_grace_period().unwrap_or_default()
                ),
                instances: self.instances(ctx, name).await?,
            },
            outputs: GroupOutputs {
                desired: g.desired_capacity().unwrap_or_default() as u32,
            },
        }))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<GroupProps, GroupOutputs>, TaskError> {
        let group = group_name(&ctx.stack);
        let tag = |key: &str, value: &str, propagate: bool| {
            Tag::builder()
                .key(key)
                .value(value)
                .propagate_at_launch(propagate)
                .resource_id(&group)
                .resource_type("auto-scaling-group")
                .build()
        };
        ctx.autoscaling
            .create_auto_scaling_group()
            .auto_scaling_group_name(&group)
            .launch_template(
                LaunchTemplateSpecification::builder()
                    .launch_template_id(refs.id(LAUNCH_TEMPLATE)?)
                    .version("$Default")
                    .build(),
            )
            .min_size(self.capacity.min as i32)
            .max_size(self.capacity.max as i32)
            .desired_capacity(self.capacity.desired as i32)
            .vpc_zone_identifier(self.subnet_ids(refs)?)
            .target_group_arns(refs.id(TARGET_GROUP)?)
            .health_check_type("ELB")
            .health_check_grace_period(self.grace_seconds as i32)
            // The seed tags its instances Name=web-server, propagated at launch.
            .tags(tag("Name", &format!("{}-web-server", ctx.stack), true))
            .tags(tag(tags::STACK, &ctx.stack, false))
            .tags(tag(tags::ID, GROUP, false))
            .send()
            .await
            .task()?;
        // Group metrics every minute: the dashboard draws desired and in-service capacity.
        ctx.autoscaling
            .enable_metrics_collection()
            .auto_scaling_group_name(&group)
            .granularity("1Minute")
            .send()
            .await
            .task()?;
        Ok(self.current(&group, self.capacity.desired))
    }
    /// Min, max and health checks change in place. The current size is kept when it still fits,
    /// and moved to the nearest bound when it doesn't. Instances from an older template are then
    /// replaced by a rolling update.
    async fn update(
        &self,
        ctx: &AwsContext,
        _: &Refs,
        current: &Current<GroupProps, GroupOutputs>,
    ) -> Result<Current<GroupProps, GroupOutputs>, TaskError> {
        let desired = current
            .outputs
            .desired
            .clamp(self.capacity.min, self.capacity.max);
        ctx.autoscaling
            .update_auto_scaling_group()
            .auto_scaling_group_name(&current.id)
            .min_size(self.capacity.min as i32)
            .max_size(self.capacity.max as i32)
            .desired_capacity(desired as i32)
            .health_check_type("ELB")
            .health_check_grace_period(self.grace_seconds as i32)
            .send()
            .await
            .task()?;
        if current.props.instances != self.up_to_date() {
            refresh::roll_out(ctx, &current.id, &self.revision, &self.rollout).await?;
        }
        Ok(self.current(&current.id, desired))
    }
}

/// Auto Scaling groups: their instances hold network interfaces and public addresses in the
/// subnets, in the instances' security group, started from the template and registered in the
/// target group.
#[derive(Debug)]
pub struct AutoScalingGroupKind;

#[async_trait]
impl Kind<AwsContext> for AutoScalingGroupKind {
    fn name(&self) -> &'static str {
        "AutoScalingGroup"
    }
    fn blocks(&self) -> &'static [&'static str] {
        &[
            "Subnet",
            "SecurityGroup",
            "LaunchTemplate",
            "TargetGroup",
            "KeyPair",
            "GatewayAttachment",
        ]
    }
    fn discovery(&self) -> Discovery {
        Discovery::Behind
    }
    fn permissions(&self) -> &'static [Grant] {
        // The resource types AWS requires for RunInstances...
        const LAUNCHED: &[&str] = &[
            "arn:aws:ec2:*::image/*",
            "arn:aws:ec2:*:*:instance/*",
            "arn:aws:ec2:*:*:network-interface/*",
            "arn:aws:ec2:*:*:security-group/*",
            "arn:aws:ec2:*:*:subnet/*",
            "arn:aws:ec2:*:*:volume/*",
        ];
        // ...and those the group's template names besides.
        const LAUNCHED_TAGGED: &[&str] = &[
            "arn:aws:ec2:*::image/*",
            "arn:aws:ec2:*:*:instance/*",
            "arn:aws:ec2:*:*:network-interface/*",
            "arn:aws:ec2:*:*:security-group/*",
            "arn:aws:ec2:*:*:subnet/*",
            "arn:aws:ec2:*:*:volume/*",
            "arn:aws:ec2:*:*:launch-template/*",
            "arn:aws:ec2:*:*:key-pair/*",
        ];
        const GRANTS: &[Grant] = &[
            Grant::reads(&[
                "autoscaling:DescribeAutoScalingGroups",
                "autoscaling:DescribeInstanceRefreshes",
                "ec2:DescribeInstances",
            ]),
            Grant::new(
                &["autoscaling:CreateAutoScalingGroup"],
                GROUP_ARNS,
                Scope::Creating,
            ),
            Grant::new(
                &[
                    "autoscaling:UpdateAutoScalingGroup",
                    "autoscaling:DeleteAutoScalingGroup",
                    "autoscaling:EnableMetricsCollection",
                    "autoscaling:SetDesiredCapacity",
                    "autoscaling:TerminateInstanceInAutoScalingGroup",
                    "autoscaling:StartInstanceRefresh",
                ],
                GROUP_ARNS,
                Scope::Tagged,
            ),
            // AWS checks that whoever makes or changes a group may launch what its template
            // describes. Instances, their volumes and interfaces only through a launch template...
            Grant::new(
                &["ec2:RunInstances"],
                LAUNCHED,
                Scope::Through {
                    key: "ec2:LaunchTemplate",
                    arn: "arn:aws:ec2:*:*:launch-template/*",
                },
            ),
            // ...that carries a stack's tag, as do the key pair, security group and subnets it
            // names. (The launched types are listed again, with no effect, because a statement
            // naming RunInstances must name every resource type AWS requires for it.)
            Grant::new(&["ec2:RunInstances"], LAUNCHED_TAGGED, Scope::Tagged),
            Grant::new(
                &["ec2:CreateTags"],
                &[
                    "arn:aws:ec2:*:*:instance/*",
                    "arn:aws:ec2:*:*:volume/*",
                    "arn:aws:ec2:*:*:network-interface/*",
                ],
                Scope::WhileCreating {
                    key: "ec2:CreateAction",
                    creates: &["RunInstances"],
                },
            ),
        ];
        GRANTS
    }
    /// The group, and the parts of it the Spec can drop: its target-tracking policy, its
    /// scheduled actions and its warm pool, so a plan deletes them when it does.
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        let Some(g) = read(|| lookup::group(ctx)).await? else {
            return Ok(vec![]);
        };
        let name = g.auto_scaling_group_name().unwrap_or_default();
        let policy = target_tracking::policy_name(&ctx.stack);
        let (tracking, scheduled, pool) = tokio::try_join!(
            read(|| lookup::policy(ctx, &policy)),
            read(|| async {
                ctx.autoscaling
                    .describe_scheduled_actions()
                    .auto_scaling_group_name(name)
                    .send()
                    .await
                    .task()
            }),
            read(|| async {
                ctx.autoscaling
                    .describe_warm_pool()
                    .auto_scaling_group_name(name)
                    .send()
                    .await
                    .task()
            }),
        )?;
        let part = |kind: &dyn Kind<AwsContext>, id: &str, logical: String| {
            let mut f = Found::dependent(kind.name(), id, name, &[]);
            f.logical_id = Some(logical);
            f
        };
        let mut all = vec![Found::new(self.name(), Some(GROUP.into()), name)];
        if let Some(p) = tracking {
            let policy = p.policy_name().unwrap_or_default();
            all.push(part(&ScalingPolicyKind, policy, TARGET_POLICY.into()));
        }
        for a in scheduled.scheduled_update_group_actions() {
            let action = a.scheduled_action_name().unwrap_or_default();
            all.push(part(&ScheduledActionKind, action, ids::schedule(action)));
        }
        if pool.warm_pool_configuration().is_some() {
            all.push(part(&WarmPoolKind, name, WARM_POOL.into()));
        }
        Ok(all)
    }
    /// Deletes the group and its instances, and waits until AWS has let go of it.
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        let group = f.physical_id.as_str();
        let done = ctx
            .autoscaling
            .delete_auto_scaling_group()
            .auto_scaling_group_name(group)
            .force_delete(true)
            .send()
            .await
            .task();
        match done {
            Err(e) if e.code == "ValidationError" && e.message.contains("not found") => {
                return Ok(())
            }
            other => other?,
        };
        for _ in 0..600 {
            if lookup::group(ctx).await?.is_none() {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        Err(TaskError::retryable(
            "GroupNotDeleted",
            format!("{group} is still being deleted after 10 minutes"),
        ))
    }
}

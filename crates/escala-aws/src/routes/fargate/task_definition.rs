//! The chat's task definition: one container from the pushed image, `awsvpc` networking (each
//! task its own interface, registered in the target group by IP), the awslogs driver into the
//! stack's log group, a container health check, and REDIS_URL pointing at the replication group
//! (or `none`: one task alone).
//!
//! A definition's revisions are immutable: a change registers a new revision, tagged with the
//! revision of what it is made from, which the service then rolls out; the old one is deregistered.

use async_trait::async_trait;
use aws_sdk_ecs::types::{
    Compatibility, ContainerDefinition, CpuArchitecture, HealthCheck, KeyValuePair,
    LogConfiguration, LogDriver, NetworkMode, OsFamily, PortMapping, RuntimePlatform, Tag,
    TaskDefinitionField, TaskDefinitionStatus, TransportProtocol,
};
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::routes::fargate::Platform;
use escala_core::tags;
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::cluster::{ecs_owned, ecs_tags};
use super::ids::{family, log_group_name, CONTAINER, LOG_GROUP, REDIS, TASK_DEFINITION};
use super::replication_group::RedisOutputs;
use super::roles::RoleArns;
use crate::context::AwsContext;
use crate::fingerprint::revision;
use crate::iam::{Grant, Scope};
use crate::routes::container::ids::IMAGE;
use crate::routes::container::image::ImageOutputs;
use crate::sdk::{built, read, SdkResultExt};

const DEFINITIONS: &[&str] = &["arn:aws:ecs:*:*:task-definition/*:*"];
/// Where the image puts the chat server, which probes itself for the container health check.
const PROGRAM: &str = "/usr/local/bin/escala-chat";

fields! {
    /// What the tasks are: a change registers a new revision, in place.
    pub struct TaskDefinitionProps {
        size("size"): String,
        platform("platform"): &'static str,
        revision("revision"): String,
    }
}

/// What the tasks run and how.
#[derive(Debug)]
pub struct TaskDefinition {
    pub cpu: u32,
    pub memory: u32,
    pub platform: Platform,
    pub port: u32,
    /// The image's digest (`sha256:…`), which the revision is made from.
    pub digest: String,
    /// Whether there is a replication group to point REDIS_URL at.
    pub redis: bool,
    /// The account's roles the tasks run with.
    pub roles: RoleArns,
}

impl TaskDefinition {
    fn size(cpu: &str, memory: &str) -> String {
        format!("{cpu} CPU units, {memory} MiB")
    }

    fn platform_name(arch: Option<&CpuArchitecture>) -> &'static str {
        match arch {
            Some(CpuArchitecture::Arm64) => "linux/arm64",
            _ => "linux/amd64",
        }
    }

    /// What the tasks are made from, as the service compares the running one with.
    pub fn revision(&self) -> String {
        let port = self.port.to_string();
        revision(&[&self.digest, &port, if self.redis { "redis" } else { "" }])
    }

    fn container(&self, ctx: &AwsContext, refs: &Refs) -> Result<ContainerDefinition, TaskError> {
        let image = refs.outputs::<ImageOutputs>(IMAGE)?.reference.clone();
        let env =
            |name: &str, value: String| KeyValuePair::builder().name(name).value(value).build();
        let mut environment = vec![env("ESCALA_CHAT_PORT", self.port.to_string())];
        // Without Redis the chat runs as one instance alone, its history in memory: it is told
        // so, rather than left to look for a Redis on its own loopback.
        let redis_url = if self.redis {
            refs.outputs::<RedisOutputs>(REDIS)?.url.clone()
        } else {
            "none".to_string()
        };
        environment.push(env("REDIS_URL", redis_url));
        let logs = built(
            LogConfiguration::builder()
                .log_driver(LogDriver::Awslogs)
                .options("awslogs-group", log_group_name(&ctx.stack))
                .options("awslogs-region", &ctx.region)
                .options("awslogs-stream-prefix", CONTAINER)
                .build(),
        )?;
        let health = built(
            HealthCheck::builder()
                .command("CMD")
                .command(PROGRAM)
                .command("healthcheck")
                .interval(10)
                .timeout(3)
                .retries(3)
                .start_period(5)
                .build(),
        )?;
        Ok(ContainerDefinition::builder()
            .name(CONTAINER)
            .image(image)
            .essential(true)
            .port_mappings(
                PortMapping::builder()
                    .container_port(self.port as i32)
                    .protocol(TransportProtocol::Tcp)
                    .build(),
            )
            .set_environment(Some(environment))
            .log_configuration(logs)
            .health_check(health)
            // The image writes nothing to its own file system.
            .readonly_root_filesystem(true)
            .build())
    }
}

/// The family's newest active revision, when it is the stack's.
async fn latest(
    ctx: &AwsContext,
) -> Result<Option<(aws_sdk_ecs::types::TaskDefinition, Vec<Tag>)>, TaskError> {
    let out = ctx
        .ecs
        .describe_task_definition()
        .task_definition(family(&ctx.stack))
        .include(TaskDefinitionField::Tags)
        .send()
        .await
        .task();
    let out = match out {
        // ECS answers a family it doesn't know as a client error.
        Err(e) if e.code == "ClientException" || e.code == "InvalidParameterException" => {
            return Ok(None)
        }
        other => other?,
    };
    let Some(def) = out.task_definition() else {
        return Ok(None);
    };
    if def.status() != Some(&TaskDefinitionStatus::Active) || !ecs_owned(ctx, out.tags()) {
        return Ok(None);
    }
    Ok(Some((def.clone(), out.tags().to_vec())))
}

#[async_trait]
impl Resource<AwsContext> for TaskDefinition {
    type Props = TaskDefinitionProps;
    type Outputs = ();
    fn id(&self) -> &str {
        TASK_DEFINITION
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &TaskDefinitionKind
    }
    fn deps(&self) -> Vec<String> {
        let mut d = vec![IMAGE.to_string(), LOG_GROUP.into()];
        if self.redis {
            d.push(REDIS.into());
        }
        d
    }
    fn desired(&self) -> TaskDefinitionProps {
        TaskDefinitionProps {
            size: Self::size(&self.cpu.to_string(), &self.memory.to_string()),
            platform: self.platform.name(),
            revision: self.revision(),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<TaskDefinitionProps, ()>>, TaskError> {
        Ok(latest(ctx).await?.map(|(def, tags)| {
            let revision = tags
                .iter()
                .find(|t| t.key() == Some(tags::TEMPLATE))
                .and_then(|t| t.value())
                .unwrap_or_default();
            Current::new(
                def.task_definition_arn().unwrap_or_default(),
                TaskDefinitionProps {
                    size: Self::size(
                        def.cpu().unwrap_or_default(),
                        def.memory().unwrap_or_default(),
                    ),
                    platform: Self::platform_name(
                        def.runtime_platform().and_then(|p| p.cpu_architecture()),
                    ),
                    revision: revision.into(),
                },
            )
        }))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<TaskDefinitionProps, ()>, TaskError> {
        let mut tags = ecs_tags(ctx, TASK_DEFINITION);
        tags.push(
            Tag::builder()
                .key(tags::TEMPLATE)
                .value(self.revision())
                .build(),
        );
        let arch = match self.platform {
            Platform::LinuxAmd64 => CpuArchitecture::X8664,
            Platform::LinuxArm64 => CpuArchitecture::Arm64,
        };
        let out = ctx
            .ecs
            .register_task_definition()
            .family(family(&ctx.stack))
            .network_mode(NetworkMode::Awsvpc)
            .requires_compatibilities(Compatibility::Fargate)
            .cpu(self.cpu.to_string())
            .memory(self.memory.to_string())
            .runtime_platform(
                RuntimePlatform::builder()
                    .cpu_architecture(arch)
                    .operating_system_family(OsFamily::Linux)
                    .build(),
            )
            .execution_role_arn(&self.roles.execution)
            .task_role_arn(&self.roles.task)
            .container_definitions(self.container(ctx, refs)?)
            .set_tags(Some(tags))
            .send()
            .await
            .task()?;
        let arn = out
            .task_definition()
            .and_then(|d| d.task_definition_arn())
            .unwrap_or_default();
        Ok(Current::new(arn, self.desired()))
    }
    /// Registers the new revision; the one it replaces is deregistered (its running tasks go on
    /// until the service has replaced them, as ECS allows).
    async fn update(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
        current: &Current<TaskDefinitionProps, ()>,
    ) -> Result<Current<TaskDefinitionProps, ()>, TaskError> {
        let made = self.create(ctx, refs).await?;
        deregister(ctx, &current.id).await?;
        Ok(made)
    }
}

async fn deregister(ctx: &AwsContext, arn: &str) -> Result<(), TaskError> {
    let done = ctx
        .ecs
        .deregister_task_definition()
        .task_definition(arn)
        .send()
        .await
        .task();
    match done {
        Err(e) if e.code == "ClientException" || e.code == "InvalidParameterException" => Ok(()),
        other => other.map(|_| ()),
    }
}

/// Task definitions: every active revision of the stack's family. Deregistering one stops
/// nothing; a destroy deregisters them after the service is gone.
#[derive(Debug)]
pub struct TaskDefinitionKind;

#[async_trait]
impl Kind<AwsContext> for TaskDefinitionKind {
    fn name(&self) -> &'static str {
        "TaskDefinition"
    }
    fn discovery(&self) -> Discovery {
        Discovery::Always
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&["ecs:DescribeTaskDefinition", "ecs:ListTaskDefinitions"]),
            Grant::new(
                &["ecs:RegisterTaskDefinition", "ecs:TagResource"],
                DEFINITIONS,
                Scope::Creating,
            ),
            // AWS lets no resource or tag scope a deregistration: it stops nothing, and a
            // registered revision is only a document.
            Grant::new(&["ecs:DeregisterTaskDefinition"], &["*"], Scope::Always),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        let out = read(|| async {
            ctx.ecs
                .list_task_definitions()
                .family_prefix(family(&ctx.stack))
                .status(TaskDefinitionStatus::Active)
                .send()
                .await
                .task()
        })
        .await?;
        let mut found = Vec::new();
        for arn in out.task_definition_arns() {
            // A prefix matches longer families too, and only the stack's tags make it its own.
            let tagged = read(|| async {
                ctx.ecs
                    .list_tags_for_resource()
                    .resource_arn(arn)
                    .send()
                    .await
                    .task()
            })
            .await?;
            let family_of = arn
                .rsplit_once('/')
                .and_then(|(_, f)| f.rsplit_once(':'))
                .map(|(f, _)| f);
            if family_of == Some(family(&ctx.stack).as_str()) && ecs_owned(ctx, tagged.tags()) {
                found.push(Found::new(self.name(), Some(TASK_DEFINITION.into()), arn));
            }
        }
        Ok(found)
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        deregister(ctx, &f.physical_id).await
    }
}

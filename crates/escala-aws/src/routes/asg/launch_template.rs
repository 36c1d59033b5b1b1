//! The launch template the group starts instances from. Versioned: a change makes a new version
//! and makes it the default, which the group then rolls out (see `refresh`).

use async_trait::async_trait;
use aws_sdk_ec2::types::{
    LaunchTemplateHttpTokensState, LaunchTemplateInstanceMetadataEndpointState,
    LaunchTemplateInstanceMetadataOptionsRequest, LaunchTemplateTagSpecificationRequest,
    LaunchTemplatesMonitoringRequest, RequestLaunchTemplateData, ResourceType, Tag,
};
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::tags;
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::ids::{KEY_PAIR, LAUNCH_TEMPLATE, SG_INSTANCES};
use crate::context::{found, is_own, AwsContext};
use crate::fingerprint::{fnv, revision};
use crate::iam::{Grant, Scope};
use crate::sdk::{ignore_gone, read, SdkResultExt};

const TEMPLATES: &[&str] = &["arn:aws:ec2:*:*:launch-template/*"];

fields! {
    /// What instances are started from: every change makes a new version, rolled out.
    pub struct TemplateProps {
        image("image"): String,
        instance_type("instanceType"): String,
        /// A fingerprint, so the plan shows that the script changed without printing it.
        user_data("userData"): String,
        key_name("keyName"): String,
    }
}

fields! {
    /// The version instances are started from.
    pub struct TemplateOutputs {
        version("version"): i64,
    }
}

#[derive(Debug)]
pub struct LaunchTemplate {
    pub image_id: String,
    pub instance_type: String,
    pub user_data: String,
    pub key_name: Option<String>,
}

/// A short, stable fingerprint of the user data, so the plan shows that it changed without
/// printing a script.
fn fingerprint(text: &str) -> String {
    format!("{} bytes, fnv {:016x}", text.len(), fnv(text))
}

impl LaunchTemplate {
    /// What an instance started from this template is: its image, type, user data and key. Tagged
    /// on every instance, it tells which ones a rolling update still has to replace.
    pub fn revision(&self) -> String {
        revision(&[
            self.image_id.as_str(),
            &self.instance_type,
            &self.user_data,
            self.key_name.as_deref().unwrap_or(""),
        ])
    }

    fn current(&self, id: &str, version: i64) -> Current<TemplateProps, TemplateOutputs> {
        Current {
            id: id.into(),
            props: Resource::desired(self),
            outputs: TemplateOutputs { version },
        }
    }

    /// The instances' data. Tags reach every instance and volume at launch, so what the group
    /// starts is found (and cleaned up) by the stack's tags too.
    fn data(&self, ctx: &AwsContext, refs: &Refs) -> Result<RequestLaunchTemplateData, TaskError> {
        let mut tags: Vec<Tag> = tags::for_resource(&ctx.stack, "instance")
            .into_iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect();
        tags.push(
            Tag::builder()
                .key(tags::TEMPLATE)
                .value(self.revision())
                .build(),
        );
        let tag_spec = |kind| {
            LaunchTemplateTagSpecificationRequest::builder()
                .resource_type(kind)
                .set_tags(Some(tags.clone()))
                .build()
        };
        let mut data = RequestLaunchTemplateData::builder()
            .image_id(&self.image_id)
            .instance_type(self.instance_type.as_str().into())
            .user_data(aws_smithy_types::base64::encode(&self.user_data))
            .security_group_ids(refs.id(SG_INSTANCES)?)
            // 1-minute metrics: the dashboard and target tracking react within a minute.
            .monitoring(
                LaunchTemplatesMonitoringRequest::builder()
                    .enabled(true)
                    .build(),
            )
            // IMDSv2 only: the instance metadata can't be read through a forged request.
            .metadata_options(
                LaunchTemplateInstanceMetadataOptionsRequest::builder()
                    .http_tokens(LaunchTemplateHttpTokensState::Required)
                    .http_endpoint(LaunchTemplateInstanceMetadataEndpointState::Enabled)
                    .build(),
            )
            .tag_specifications(tag_spec(ResourceType::Instance))
            .tag_specifications(tag_spec(ResourceType::Volume))
            // Tagged too, so the deploy user's launches are allowed only for the stack's own.
            .tag_specifications(tag_spec(ResourceType::NetworkInterface));
        if let Some(key) = &self.key_name {
            data = data.key_name(key);
        }
        Ok(data.build())
    }
}

#[async_trait]
impl Resource<AwsContext> for LaunchTemplate {
    type Props = TemplateProps;
    type Outputs = TemplateOutputs;
    fn id(&self) -> &str {
        LAUNCH_TEMPLATE
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &LaunchTemplateKind
    }
    fn deps(&self) -> Vec<String> {
        let mut d = vec![SG_INSTANCES.to_string()];
        if self.key_name.is_some() {
            d.push(KEY_PAIR.into());
        }
        d
    }
    fn desired(&self) -> TemplateProps {
        TemplateProps {
            image: self.image_id.clone(),
            instance_type: self.instance_type.clone(),
            user_data: fingerprint(&self.user_data),
            key_name: self.key_name.clone().unwrap_or_else(|| "none".into()),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<TemplateProps, TemplateOutputs>>, TaskError> {
        let out = ctx
            .ec2
            .describe_launch_templates()
            .set_filters(Some(ctx.own(LAUNCH_TEMPLATE)))
            .send()
            .await
            .task()?;
        let Some(lt) = out
            .launch_templates()
            .iter()
            .find(|t| is_own(t.tags(), &ctx.stack, Some(LAUNCH_TEMPLATE)))
        else {
            return Ok(None);
        };
        let id = lt.launch_template_id().unwrap_or_default();
        let versions = ctx
            .ec2
            .describe_launch_template_versions()
            .launch_template_id(id)
            .versions("$Default")
            .send()
            .await
            .task()?;
        let Some(v) = versions.launch_template_versions().first() else {
            return Ok(None);
        };
        let data = v.launch_template_data();
        let user_data = data
            .and_then(|d| d.user_data())
            .and_then(|u| aws_smithy_types::base64::decode(u).ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        Ok(Some(Current {
            id: id.into(),
            props: TemplateProps {
                image: data.and_then(|d| d.image_id()).unwrap_or_default().into(),
                instance_type: data
                    .and_then(|d| d.instance_type())
                    .map(|t| t.as_str())
                    .unwrap_or_default()
                    .into(),
                user_data: fingerprint(&user_data),
                key_name: data.and_then(|d| d.key_name()).unwrap_or("none").into(),
            },
            outputs: TemplateOutputs {
                version: v.version_number().unwrap_or(1),
            },
        }))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
    ) -> Result<Current<TemplateProps, TemplateOutputs>, TaskError> {
        let out = ctx
            .ec2
            .create_launch_template()
            .launch_template_name(format!("{}-web", ctx.stack))
            .launch_template_data(self.data(ctx, refs)?)
            .tag_specifications(ctx.tag_spec(ResourceType::LaunchTemplate, LAUNCH_TEMPLATE))
            .send()
            .await
            .task()?;
        let lt = out.launch_template();
        Ok(self.current(
            lt.and_then(|t| t.launch_template_id()).unwrap_or_default(),
            lt.and_then(|t| t.default_version_number()).unwrap_or(1),
        ))
    }
    /// A new version with the Spec's data, made the default.
    async fn update(
        &self,
        ctx: &AwsContext,
        refs: &Refs,
        current: &Current<TemplateProps, TemplateOutputs>,
    ) -> Result<Current<TemplateProps, TemplateOutputs>, TaskError> {
        let id = current.id.as_str();
        let out = ctx
            .ec2
            .create_launch_template_version()
            .launch_template_id(id)
            .launch_template_data(self.data(ctx, refs)?)
            .send()
            .await
            .task()?;
        let version = out
            .launch_template_version()
            .and_then(|v| v.version_number())
            .unwrap_or(1);
        ctx.ec2
            .modify_launch_template()
            .launch_template_id(id)
            .default_version(version.to_string())
            .send()
            .await
            .task()?;
        Ok(self.current(id, version))
    }
}

/// Launch templates: nothing waits on them once the group that starts instances from one is gone.
#[derive(Debug)]
pub struct LaunchTemplateKind;

#[async_trait]
impl Kind<AwsContext> for LaunchTemplateKind {
    fn name(&self) -> &'static str {
        "LaunchTemplate"
    }
    fn discovery(&self) -> Discovery {
        Discovery::Tagged
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&[
                "ec2:DescribeLaunchTemplates",
                "ec2:DescribeLaunchTemplateVersions",
            ]),
            Grant::new(&["ec2:CreateLaunchTemplate"], TEMPLATES, Scope::Creating),
            Grant::new(
                &["ec2:CreateTags"],
                TEMPLATES,
                Scope::WhileCreating {
                    key: "ec2:CreateAction",
                    creates: &["CreateLaunchTemplate"],
                },
            ),
            Grant::new(
                &[
                    "ec2:CreateLaunchTemplateVersion",
                    "ec2:ModifyLaunchTemplate",
                    "ec2:DeleteLaunchTemplate",
                ],
                TEMPLATES,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        let out = read(|| async {
            ctx.ec2
                .describe_launch_templates()
                .filters(ctx.stack_filter())
                .send()
                .await
                .task()
        })
        .await?;
        Ok(out
            .launch_templates()
            .iter()
            .filter(|t| is_own(t.tags(), &ctx.stack, None))
            .map(|t| found(self.name(), t.tags(), t.launch_template_id()))
            .collect())
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        ignore_gone(
            ctx.ec2
                .delete_launch_template()
                .launch_template_id(&f.physical_id)
                .send()
                .await
                .task(),
        )
    }
}

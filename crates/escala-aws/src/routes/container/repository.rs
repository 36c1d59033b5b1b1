//! The ECR repository the chat's image is pushed to: immutable tags and scan on push as chosen.
//! Deleting it deletes its images (`force`), so a destroy leaves no storage to pay for.

use async_trait::async_trait;
use aws_sdk_ecr::types::{ImageScanningConfiguration, ImageTagMutability, Tag};
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::routes::fargate::Repository as RepositorySpec;
use escala_core::tags;
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::ids::{repository_name, REPOSITORY};
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::sdk::{ignore_gone, read, SdkResultExt};

const REPOSITORIES: &[&str] = &["arn:aws:ecr:*:*:repository/*"];

fields! {
    pub struct RepositoryProps {
        immutable_tags("immutableTags"): bool,
        scan_on_push("scanOnPush"): bool,
    }
}

fields! {
    /// Where images are pushed and pulled: `<account>.dkr.ecr.<region>.amazonaws.com/<name>`.
    pub struct RepositoryOutputs {
        uri("uri"): String,
    }
}

#[derive(Debug)]
pub struct Repository {
    pub spec: RepositorySpec,
}

fn mutability(immutable: bool) -> ImageTagMutability {
    if immutable {
        ImageTagMutability::Immutable
    } else {
        ImageTagMutability::Mutable
    }
}

#[async_trait]
impl Resource<AwsContext> for Repository {
    type Props = RepositoryProps;
    type Outputs = RepositoryOutputs;
    fn id(&self) -> &str {
        REPOSITORY
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &RepositoryKind
    }
    fn deps(&self) -> Vec<String> {
        vec![]
    }
    fn desired(&self) -> RepositoryProps {
        RepositoryProps {
            immutable_tags: self.spec.immutable_tags,
            scan_on_push: self.spec.scan_on_push,
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<RepositoryProps, RepositoryOutputs>>, TaskError> {
        let out = ctx
            .ecr
            .describe_repositories()
            .repository_names(repository_name(&ctx.stack))
            .send()
            .await
            .task();
        let found = match out {
            Err(e) if e.code == "RepositoryNotFoundException" => return Ok(None),
            other => other?,
        };
        let Some(repo) = found.repositories().first() else {
            return Ok(None);
        };
        let arn = repo.repository_arn().unwrap_or_default();
        if !owned(ctx, arn).await? {
            return Ok(None);
        }
        Ok(Some(Current {
            id: repo.repository_name().unwrap_or_default().to_string(),
            props: RepositoryProps {
                immutable_tags: repo.image_tag_mutability() == Some(&ImageTagMutability::Immutable),
                scan_on_push: repo
                    .image_scanning_configuration()
                    .is_some_and(|c| c.scan_on_push()),
            },
            outputs: RepositoryOutputs {
                uri: repo.repository_uri().unwrap_or_default().to_string(),
            },
        }))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Current<RepositoryProps, RepositoryOutputs>, TaskError> {
        let tags = tags::for_resource(&ctx.stack, REPOSITORY)
            .into_iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| TaskError::fatal("InvalidTag", e.to_string()))?;
        let out = ctx
            .ecr
            .create_repository()
            .repository_name(repository_name(&ctx.stack))
            .image_tag_mutability(mutability(self.spec.immutable_tags))
            .image_scanning_configuration(
                ImageScanningConfiguration::builder()
                    .scan_on_push(self.spec.scan_on_push)
                    .build(),
            )
            .set_tags(Some(tags))
            .send()
            .await
            .task()?;
        let repo = out.repository();
        Ok(Current {
            id: repository_name(&ctx.stack),
            props: self.desired(),
            outputs: RepositoryOutputs {
                uri: repo
                    .and_then(|r| r.repository_uri())
                    .unwrap_or_default()
                    .to_string(),
            },
        })
    }
    async fn update(
        &self,
        ctx: &AwsContext,
        _: &Refs,
        current: &Current<RepositoryProps, RepositoryOutputs>,
    ) -> Result<Current<RepositoryProps, RepositoryOutputs>, TaskError> {
        let want = self.desired();
        if current.props.immutable_tags != want.immutable_tags {
            ctx.ecr
                .put_image_tag_mutability()
                .repository_name(&current.id)
                .image_tag_mutability(mutability(want.immutable_tags))
                .send()
                .await
                .task()?;
        }
        if current.props.scan_on_push != want.scan_on_push {
            ctx.ecr
                .put_image_scanning_configuration()
                .repository_name(&current.id)
                .image_scanning_configuration(
                    ImageScanningConfiguration::builder()
                        .scan_on_push(want.scan_on_push)
                        .build(),
                )
                .send()
                .await
                .task()?;
        }
        Ok(Current {
            props: want,
            ..current.clone()
        })
    }
}

/// ECR names are per account and region: a same-named repository of another tool must not be
/// taken over, so the stack's tag is checked.
async fn owned(ctx: &AwsContext, arn: &str) -> Result<bool, TaskError> {
    let out = ctx
        .ecr
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .task()?;
    Ok(out
        .tags()
        .iter()
        .any(|t| t.key() == tags::STACK && t.value() == ctx.stack))
}

/// Repositories, with their images.
#[derive(Debug)]
pub struct RepositoryKind;

#[async_trait]
impl Kind<AwsContext> for RepositoryKind {
    fn name(&self) -> &'static str {
        "EcrRepository"
    }
    fn discovery(&self) -> Discovery {
        Discovery::Always
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&["ecr:DescribeRepositories", "ecr:DescribeImages"]),
            Grant::new(&["ecr:ListTagsForResource"], REPOSITORIES, Scope::Reading),
            // ECR takes the stack's tag in CreateRepository, and checks TagResource with it.
            Grant::new(
                &["ecr:CreateRepository", "ecr:TagResource"],
                REPOSITORIES,
                Scope::Creating,
            ),
            Grant::new(
                &[
                    "ecr:PutImageTagMutability",
                    "ecr:PutImageScanningConfiguration",
                    "ecr:DeleteRepository",
                    "ecr:BatchDeleteImage",
                    // Pushing the chat's image.
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:InitiateLayerUpload",
                    "ecr:UploadLayerPart",
                    "ecr:CompleteLayerUpload",
                    "ecr:PutImage",
                ],
                REPOSITORIES,
                Scope::Tagged,
            ),
            // A registry login names no repository: AWS documents `*` as its only resource.
            Grant::new(&["ecr:GetAuthorizationToken"], &["*"], Scope::Always),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        let refs = Refs::default();
        let repository = Repository {
            spec: Default::default(),
        };
        let repo = read(|| Resource::find(&repository, ctx, &refs)).await?;
        Ok(repo
            .map(|r| Found::new(self.name(), Some(REPOSITORY.into()), r.id))
            .into_iter()
            .collect())
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        ignore_gone(
            ctx.ecr
                .delete_repository()
                .repository_name(&f.physical_id)
                // Its images go with it: they are the stack's, and would be billed as storage.
                .force(true)
                .send()
                .await
                .task()
                .map(|_| ()),
        )
    }
}

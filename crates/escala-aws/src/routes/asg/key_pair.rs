//! The instances' SSH key pair: made by AWS, its private key written once where the user asked,
//! readable by the user only; or an existing public key imported.

use std::io::Write;
use std::path::PathBuf;

use async_trait::async_trait;
use aws_sdk_ec2::types::ResourceType;
use escala_core::fields;
use escala_core::kind::{Discovery, Kind};
use escala_core::task::{Current, Found, Refs, Resource, TaskError};

use super::ids::KEY_PAIR;
use crate::context::{found, is_own, AwsContext};
use crate::iam::{Grant, Scope};
use crate::sdk::{ignore_gone, read, SdkResultExt};

const PAIRS: &[&str] = &["arn:aws:ec2:*:*:key-pair/*"];

fields! {
    /// A pair's name can't change: a new name is a new pair.
    pub struct KeyPairProps {
        name("name", fixed): String,
    }
}

fields! {
    /// A pair is deleted by its name: the emulator ignores a delete by id.
    pub struct KeyPairOutputs {
        name("name"): String,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// AWS makes the pair; the private key goes to this file (never overwritten, mode 0600).
    Create { save_to: PathBuf },
    /// The OpenSSH public key in this file is imported.
    Import { public_key: PathBuf },
}

#[derive(Debug)]
pub struct KeyPair {
    pub name: String,
    pub source: KeySource,
}

#[async_trait]
impl Resource<AwsContext> for KeyPair {
    type Props = KeyPairProps;
    type Outputs = KeyPairOutputs;
    fn id(&self) -> &str {
        KEY_PAIR
    }
    fn kind(&self) -> &'static dyn Kind<AwsContext> {
        &KeyPairKind
    }
    fn deps(&self) -> Vec<String> {
        vec![]
    }
    fn desired(&self) -> KeyPairProps {
        KeyPairProps {
            name: self.name.clone(),
        }
    }
    async fn find(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Option<Current<KeyPairProps, KeyPairOutputs>>, TaskError> {
        let out = ctx
            .ec2
            .describe_key_pairs()
            .set_filters(Some(ctx.own(KEY_PAIR)))
            .send()
            .await
            .task()?;
        Ok(out
            .key_pairs()
            .iter()
            .find(|k| is_own(k.tags(), &ctx.stack, Some(KEY_PAIR)))
            .map(|k| {
                current(
                    k.key_pair_id().unwrap_or_default(),
                    k.key_name().unwrap_or_default(),
                )
            }))
    }
    async fn create(
        &self,
        ctx: &AwsContext,
        _: &Refs,
    ) -> Result<Current<KeyPairProps, KeyPairOutputs>, TaskError> {
        let tags = ctx.tag_spec(ResourceType::KeyPair, KEY_PAIR);
        let id = match &self.source {
            KeySource::Create { save_to } => {
                let out = ctx
                    .ec2
                    .create_key_pair()
                    .key_name(&self.name)
                    .tag_specifications(tags)
                    .send()
                    .await
                    .task()?;
                save_private_key(save_to, out.key_material().unwrap_or_default())?;
                out.key_pair_id().unwrap_or_default().to_string()
            }
            KeySource::Import { public_key } => {
                let key = std::fs::read(public_key).map_err(|e| {
                    TaskError::fatal(
                        "KeyFile",
                        format!("cannot read {}: {e}", public_key.display()),
                    )
                })?;
                let out = ctx
                    .ec2
                    .import_key_pair()
                    .key_name(&self.name)
                    .public_key_material(aws_smithy_types::Blob::new(key))
                    .tag_specifications(tags)
                    .send()
                    .await
                    .task()?;
                out.key_pair_id().unwrap_or_default().to_string()
            }
        };
        Ok(current(&id, &self.name))
    }
}

fn current(id: &str, name: &str) -> Current<KeyPairProps, KeyPairOutputs> {
    Current {
        id: id.into(),
        props: KeyPairProps { name: name.into() },
        outputs: KeyPairOutputs { name: name.into() },
    }
}

/// Key pairs: nothing waits on them (a launch template only names one).
#[derive(Debug)]
pub struct KeyPairKind;

#[async_trait]
impl Kind<AwsContext> for KeyPairKind {
    fn name(&self) -> &'static str {
        "KeyPair"
    }
    fn discovery(&self) -> Discovery {
        Discovery::Tagged
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&["ec2:DescribeKeyPairs"]),
            Grant::new(
                &["ec2:CreateKeyPair", "ec2:ImportKeyPair"],
                PAIRS,
                Scope::Creating,
            ),
            Grant::new(
                &["ec2:CreateTags"],
                PAIRS,
                Scope::WhileCreating {
                    key: "ec2:CreateAction",
                    creates: &["CreateKeyPair", "ImportKeyPair"],
                },
            ),
            Grant::new(&["ec2:DeleteKeyPair"], PAIRS, Scope::Tagged),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        let out = read(|| async {
            ctx.ec2
                .describe_key_pairs()
                .filters(ctx.stack_filter())
                .send()
                .await
                .task()
        })
        .await?;
        Ok(out
            .key_pairs()
            .iter()
            .filter(|k| is_own(k.tags(), &ctx.stack, None))
            .map(|k| {
                let mut pair = found(self.name(), k.tags(), k.key_pair_id());
                pair.detail
                    .insert("name".into(), k.key_name().unwrap_or_default().into());
                pair
            })
            .collect())
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        let name = f.detail.get("name").map(String::as_str).unwrap_or_default();
        ignore_gone(ctx.ec2.delete_key_pair().key_name(name).send().await.task())
    }
}

/// Writes the key once: `create_new` refuses an existing file, and on Unix the file is created
/// with mode 0600, so the key is never readable by others, not even for a moment.
fn save_private_key(path: &PathBuf, material: &str) -> Result<(), TaskError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let fail = |e: std::io::Error| {
        TaskError::fatal(
            "KeyFile",
            format!("the key pair was made but its private key could not be saved to {}: {e}; delete the key pair (escala destroy) and try again", path.display()),
        )
    };
    let mut file = options.open(path).map_err(fail)?;
    file.write_all(material.as_bytes()).map_err(fail)
}

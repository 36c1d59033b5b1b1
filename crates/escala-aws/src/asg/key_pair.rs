//! The instances' SSH key pair: made by AWS, its private key written once where the user asked,
//! readable by the user only; or an existing public key imported.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use async_trait::async_trait;
use aws_sdk_ec2::types::ResourceType;
use escala_core::task::{Observed, Prop, Refs, Task, TaskError};

use super::KEY_PAIR;
use crate::context::{is_own, AwsContext};
use crate::inventory::wave;
use crate::sdk::SdkResultExt;

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
impl Task<AwsContext> for KeyPair {
    fn id(&self) -> &str {
        KEY_PAIR
    }
    fn kind(&self) -> &'static str {
        "KeyPair"
    }
    fn deps(&self) -> Vec<String> {
        vec![]
    }
    fn wave(&self) -> u8 {
        wave::NAT
    }
    fn desired(&self) -> BTreeMap<String, Prop> {
        BTreeMap::from([("name".into(), Prop::fixed(&self.name))])
    }
    async fn find(&self, ctx: &AwsContext, _: &Refs) -> Result<Option<Observed>, TaskError> {
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
                observed(
                    k.key_pair_id().unwrap_or_default(),
                    k.key_name().unwrap_or_default(),
                )
            }))
    }
    async fn create(&self, ctx: &AwsContext, _: &Refs) -> Result<Observed, TaskError> {
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
        Ok(observed(&id, &self.name))
    }
}

/// The name is an output too: a pair is deleted by name (see the inventory).
fn observed(id: &str, name: &str) -> Observed {
    let mut o = Observed::new(id).with_prop("name", name);
    o.outputs.insert("name".into(), name.into());
    o
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

//! The OCI image manifest (a config and its layers, for one platform) and the image index (one
//! manifest per platform). Serialized here, once, so the digest the builder reports is the digest
//! of the exact bytes the registry stores.

use serde::Serialize;

use crate::arch::Arch;
use crate::blob::Blob;
use crate::layer::Layer;

pub(crate) const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
pub(crate) const INDEX_MEDIA_TYPE: &str = "application/vnd.oci.image.index.v1+json";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Manifest {
    schema_version: u8,
    media_type: &'static str,
    config: Descriptor,
    layers: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Index {
    schema_version: u8,
    media_type: &'static str,
    manifests: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    media_type: &'static str,
    digest: String,
    size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    platform: Option<Platform>,
}

#[derive(Serialize)]
struct Platform {
    architecture: &'static str,
    os: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    variant: Option<&'static str>,
}

impl Descriptor {
    fn of(blob: &Blob) -> Self {
        Descriptor {
            media_type: blob.media_type(),
            digest: blob.digest().to_owned(),
            size: blob.size(),
            platform: None,
        }
    }
}

pub(crate) fn manifest(config: &Blob, layers: &[Layer]) -> Blob {
    let manifest = Manifest {
        schema_version: 2,
        media_type: MANIFEST_MEDIA_TYPE,
        config: Descriptor::of(config),
        layers: layers.iter().map(|l| Descriptor::of(&l.blob)).collect(),
    };
    let json = serde_json::to_vec(&manifest).expect("a manifest is plain data");
    Blob::new(MANIFEST_MEDIA_TYPE, json)
}

pub(crate) fn index(manifests: &[(Arch, &Blob)]) -> Blob {
    let index = Index {
        schema_version: 2,
        media_type: INDEX_MEDIA_TYPE,
        manifests: manifests
            .iter()
            .map(|(arch, blob)| Descriptor {
                platform: Some(Platform {
                    architecture: arch.oci_name(),
                    os: "linux",
                    variant: arch.oci_variant(),
                }),
                ..Descriptor::of(blob)
            })
            .collect(),
    };
    let json = serde_json::to_vec(&index).expect("an index is plain data");
    Blob::new(INDEX_MEDIA_TYPE, json)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::CONFIG_MEDIA_TYPE;
    use crate::layer::LAYER_MEDIA_TYPE;
    use oci_client::manifest::{OciImageIndex, OciImageManifest};

    fn layer(bytes: &[u8]) -> Layer {
        Layer {
            name: "app",
            diff_id: "sha256:00".into(),
            blob: Blob::new(LAYER_MEDIA_TYPE, bytes.to_vec()),
        }
    }

    #[test]
    fn the_manifest_lists_the_config_and_layers_in_order_and_parses_as_oci() {
        let config = Blob::new(CONFIG_MEDIA_TYPE, b"{}".to_vec());
        let layers = [layer(b"base"), layer(b"app")];
        let blob = manifest(&config, &layers);
        // Read back with another implementation of the spec: oci-client's.
        let parsed: OciImageManifest = serde_json::from_slice(blob.data()).unwrap();
        assert_eq!(parsed.schema_version, 2);
        assert_eq!(parsed.media_type.as_deref(), Some(MANIFEST_MEDIA_TYPE));
        assert_eq!(parsed.config.digest, config.digest());
        assert_eq!(parsed.config.size, 2);
        let digests: Vec<_> = parsed.layers.iter().map(|l| l.digest.as_str()).collect();
        assert_eq!(digests, [layers[0].blob.digest(), layers[1].blob.digest()]);
        assert!(parsed
            .layers
            .iter()
            .all(|l| l.media_type == LAYER_MEDIA_TYPE));
    }

    #[test]
    fn the_index_names_each_manifest_with_its_platform() {
        let amd = Blob::new(MANIFEST_MEDIA_TYPE, b"{\"a\":1}".to_vec());
        let arm = Blob::new(MANIFEST_MEDIA_TYPE, b"{\"b\":2}".to_vec());
        let blob = index(&[(Arch::Amd64, &amd), (Arch::Arm64, &arm)]);
        let parsed: OciImageIndex = serde_json::from_slice(blob.data()).unwrap();
        assert_eq!(parsed.media_type.as_deref(), Some(INDEX_MEDIA_TYPE));
        let platforms: Vec<_> = parsed
            .manifests
            .iter()
            .map(|m| {
                let p = m.platform.as_ref().unwrap();
                (
                    m.digest.as_str(),
                    p.architecture.to_string(),
                    p.variant.clone(),
                )
            })
            .collect();
        assert_eq!(
            platforms,
            [
                (amd.digest(), "amd64".to_string(), None),
                (arm.digest(), "arm64".to_string(), Some("v8".to_string())),
            ]
        );
    }
}

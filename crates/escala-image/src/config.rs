//! The OCI image config: how a runtime starts the program, and the diff_ids that tie the config to
//! its layers. Maps are BTreeMaps, so the JSON, and with it the digest, never depends on hashing.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::arch::Arch;
use crate::blob::Blob;
use crate::spec::BuildSpec;

pub(crate) const CONFIG_MEDIA_TYPE: &str = "application/vnd.oci.image.config.v1+json";

/// The search path every base image sets; a program that runs a helper by name finds it.
const PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

#[derive(Serialize)]
struct ImageConfig<'a> {
    architecture: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    variant: Option<&'static str>,
    os: &'static str,
    config: RunConfig,
    rootfs: RootFs<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RunConfig {
    user: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    exposed_ports: BTreeMap<String, Empty>,
    env: Vec<String>,
    entrypoint: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cmd: Vec<String>,
    working_dir: &'static str,
}

/// The spec writes a set as an object whose values are `{}`.
#[derive(Serialize)]
struct Empty {}

#[derive(Serialize)]
struct RootFs<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    diff_ids: &'a [String],
}

pub(crate) fn blob(arch: Arch, spec: &BuildSpec, diff_ids: &[String]) -> Blob {
    let mut env = vec![format!("PATH={PATH}")];
    for (name, value) in &spec.env {
        if name == "PATH" {
            env[0] = format!("PATH={value}");
        } else {
            env.push(format!("{name}={value}"));
        }
    }
    let config = ImageConfig {
        architecture: arch.oci_name(),
        variant: arch.oci_variant(),
        os: "linux",
        config: RunConfig {
            // Numeric, so a runtime can check "non-root" without reading /etc/passwd.
            user: format!("{}:{}", spec.user.uid, spec.user.gid),
            exposed_ports: spec
                .ports
                .iter()
                .map(|p| (format!("{p}/tcp"), Empty {}))
                .collect(),
            env,
            entrypoint: vec![spec.entrypoint.clone()],
            cmd: spec.args.clone(),
            working_dir: "/",
        },
        rootfs: RootFs {
            kind: "layers",
            diff_ids,
        },
    };
    let json = serde_json::to_vec(&config).expect("the image config is plain data");
    Blob::new(CONFIG_MEDIA_TYPE, json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_runs_the_entrypoint_as_the_user_with_the_env_and_ports() {
        let mut spec = BuildSpec::new("/bin/app", "/usr/local/bin/app");
        spec.env = vec![("RUST_LOG".into(), "info".into())];
        spec.ports = vec![3000];
        spec.args = vec!["serve".into()];
        let blob = blob(Arch::Arm64, &spec, &["sha256:aa".into()]);
        let json: serde_json::Value = serde_json::from_slice(blob.data()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "architecture": "arm64",
                "variant": "v8",
                "os": "linux",
                "config": {
                    "User": "65532:65532",
                    "ExposedPorts": {"3000/tcp": {}},
                    "Env": [format!("PATH={PATH}"), "RUST_LOG=info"],
                    "Entrypoint": ["/usr/local/bin/app"],
                    "Cmd": ["serve"],
                    "WorkingDir": "/"
                },
                "rootfs": {"type": "layers", "diff_ids": ["sha256:aa"]}
            })
        );
        assert_eq!(blob.media_type(), CONFIG_MEDIA_TYPE);
    }

    #[test]
    fn a_path_in_the_spec_replaces_the_standard_one() {
        let mut spec = BuildSpec::new("/bin/app", "/app");
        spec.env = vec![("PATH".into(), "/app/bin".into())];
        let blob = blob(Arch::Amd64, &spec, &[]);
        let json: serde_json::Value = serde_json::from_slice(blob.data()).unwrap();
        assert_eq!(json["config"]["Env"], serde_json::json!(["PATH=/app/bin"]));
        assert!(json.get("variant").is_none());
    }
}

//! A Kubernetes stack's way in: a kubeconfig, written to a file Escala owns and merged into the
//! user's own only when asked, whose user is Escala's exec plugin (`escala kube token`), so no key
//! is written anywhere; and the token that plugin prints.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use escala_aws::connect::Target;
use escala_aws::routes::kubernetes::overview::{self, ClusterOverview};
use escala_aws::routes::kubernetes::{access, cluster_api};
use escala_core::routes::kubernetes::KubernetesSpec;
use escala_core::routes::Section;
use escala_kube::status::ClusterStatus;

use crate::{Stacks, StacksError};

/// Where a stack's kubeconfig was written.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Kubeconfig {
    pub path: PathBuf,
    pub context: String,
    /// The user's kubeconfig it was merged into, when asked.
    pub merged_into: Option<PathBuf>,
}

/// A stack's cluster as the Stacks screen shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ClusterView {
    /// `None` when the cluster doesn't exist.
    pub overview: Option<ClusterOverview>,
    pub inside: Inside,
}

/// What runs inside a cluster, or why it can't be read: never an empty success.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum Inside {
    Read { status: ClusterStatus },
    Unavailable { reason: String },
}

fn file_error(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> StacksError {
    let path = path.to_path_buf();
    move |source| StacksError::File { what, path, source }
}

impl Stacks {
    /// The stack's EKS cluster's name, from its saved Spec.
    fn cluster_of(&self, name: &str) -> Result<(escala_core::spec::Spec, String), StacksError> {
        let spec = self.saved(name)?;
        let cluster = match spec.route.as_ref().and_then(KubernetesSpec::of) {
            Some(KubernetesSpec::Eks(eks)) => eks.cluster_name(&spec.name).to_string(),
            None => {
                return Err(StacksError::WrongRoute(format!(
                    "stack '{name}' has no Kubernetes cluster: its route is {}",
                    spec.route.as_ref().map_or("none", |r| r.name())
                )))
            }
        };
        Ok((spec, cluster))
    }

    /// What the stack's cluster runs: its nodes, the demo's pods, the HPA and the claim.
    pub async fn kube_status(
        &self,
        target: &Target,
        name: &str,
    ) -> Result<ClusterStatus, StacksError> {
        let (spec, cluster) = self.cluster_of(name)?;
        let session = self.session(target, &spec).await?;
        inside(session.context(), &spec, &cluster).await
    }

    /// The stack's cluster for the Stacks screen: EKS's view of it and its node groups, and what
    /// runs inside, or why that can't be read (the sandbox has no cluster API; an unreachable
    /// cluster's error names its endpoint and the identity used).
    pub async fn cluster_view(
        &self,
        target: &Target,
        name: &str,
    ) -> Result<ClusterView, StacksError> {
        let (spec, cluster) = self.cluster_of(name)?;
        let session = self.session(target, &spec).await?;
        let ctx = session.context();
        let overview = overview::describe(ctx, &cluster).await?;
        let inside = match &overview {
            None => Inside::Unavailable {
                reason: format!(
                    "the EKS cluster {cluster} doesn't exist: apply the stack to make it"
                ),
            },
            Some(_) => match inside(ctx, &spec, &cluster).await {
                Ok(status) => Inside::Read { status },
                Err(e) => Inside::Unavailable {
                    reason: e.to_string(),
                },
            },
        };
        Ok(ClusterView { overview, inside })
    }

    /// An ExecCredential for the stack's cluster, signed with the target's keys.
    pub async fn kube_token(&self, target: &Target, name: &str) -> Result<Value, StacksError> {
        let (spec, cluster) = self.cluster_of(name)?;
        let session = self.session(target, &spec).await?;
        Ok(access::exec_credential(session.context(), &cluster).await?)
    }

    /// Writes the stack's kubeconfig to Escala's own folder (`kube/<stack>.yaml`), and merges it
    /// into `merge_into` (the user's kubeconfig) when given. Its user runs `plugin` for tokens.
    pub async fn kubeconfig(
        &self,
        target: &Target,
        name: &str,
        plugin: &access::Plugin,
        merge_into: Option<&Path>,
    ) -> Result<Kubeconfig, StacksError> {
        let (spec, cluster) = self.cluster_of(name)?;
        let session = self.session(target, &spec).await?;
        let found = access::cluster_access(session.context(), &cluster).await?;
        let context = format!("escala-{name}");
        let config = access::kubeconfig(&found, &context, plugin);
        let path = self
            .store()
            .root()
            .join("kube")
            .join(format!("{name}.yaml"));
        write_private(&path, &yaml(&config))?;
        let merged_into = match merge_into {
            Some(user) => {
                merge(user, &config)?;
                Some(user.to_path_buf())
            }
            None => None,
        };
        Ok(Kubeconfig {
            path,
            context,
            merged_into,
        })
    }
}

/// What runs in the cluster, read through its API as the session's caller.
async fn inside(
    ctx: &escala_aws::context::AwsContext,
    spec: &escala_core::spec::Spec,
    cluster: &str,
) -> Result<ClusterStatus, StacksError> {
    let app = match spec.route.as_ref().and_then(KubernetesSpec::of) {
        Some(KubernetesSpec::Eks(eks)) => eks.demo.app.name(),
        None => unreachable!("cluster_of checked the route"),
    };
    let api = cluster_api::cluster(ctx, cluster).await?;
    Ok(escala_kube::status::read(&api, app)
        .await
        .map_err(escala_aws::AwsError::from)?)
}

fn yaml(config: &Value) -> String {
    serde_saphyr::to_string(config).expect("a kubeconfig always serializes")
}

/// Writes a kubeconfig readable by its owner only, as kubectl expects, through a temporary file
/// so a crash never leaves half a config.
fn write_private(path: &Path, text: &str) -> Result<(), StacksError> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(file_error("making the folder of", path))?;
    }
    let partial = path.with_extension("yaml.partial");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options
        .open(&partial)
        .map_err(file_error("writing", &partial))?;
    file.write_all(text.as_bytes())
        .map_err(file_error("writing", &partial))?;
    std::fs::rename(&partial, path).map_err(file_error("writing", path))
}

/// Merges `ours` into the kubeconfig at `user`: its cluster, user and context replace the entries
/// of the same names, everything else stays, and its context becomes the current one.
fn merge(user: &Path, ours: &Value) -> Result<(), StacksError> {
    let mut theirs: Value = match std::fs::read_to_string(user) {
        Ok(text) if !text.trim().is_empty() => {
            serde_saphyr::from_str(&text).map_err(|e| StacksError::File {
                what: "reading",
                path: user.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()),
            })?
        }
        Ok(_) => serde_json::json!({"apiVersion": "v1", "kind": "Config"}),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            serde_json::json!({"apiVersion": "v1", "kind": "Config"})
        }
        Err(e) => return Err(file_error("reading", user)(e)),
    };
    for list in ["clusters", "users", "contexts"] {
        let entries = theirs
            .as_object_mut()
            .map(|o| o.entry(list).or_insert_with(|| Value::Array(Vec::new())));
        let Some(Value::Array(entries)) = entries else {
            continue;
        };
        for entry in ours[list].as_array().into_iter().flatten() {
            entries.retain(|e| e["name"] != entry["name"]);
            entries.push(entry.clone());
        }
    }
    theirs["current-context"] = ours["current-context"].clone();
    write_private(user, &yaml(&theirs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merging_replaces_our_entries_and_keeps_everyone_elses() {
        let dir = std::env::temp_dir().join(format!("escala-kube-merge-{}", std::process::id()));
        let user = dir.join("config");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            &user,
            "apiVersion: v1\nkind: Config\nclusters:\n- name: kind\n  cluster: {server: 'https://127.0.0.1:6443'}\n- name: ours\n  cluster: {server: 'https://old'}\ncontexts:\n- name: kind\n  context: {cluster: kind, user: kind}\ncurrent-context: kind\npreferences: {}\n",
        )
        .unwrap();
        let ours = json!({
            "clusters": [{"name": "ours", "cluster": {"server": "https://new"}}],
            "users": [{"name": "escala-x", "user": {"exec": {"command": "escala"}}}],
            "contexts": [{"name": "escala-x", "context": {"cluster": "ours", "user": "escala-x"}}],
            "current-context": "escala-x",
        });
        merge(&user, &ours).unwrap();
        let merged: Value =
            serde_saphyr::from_str(&std::fs::read_to_string(&user).unwrap()).unwrap();
        let servers: Vec<&str> = merged["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["cluster"]["server"].as_str().unwrap())
            .collect();
        assert_eq!(servers, ["https://127.0.0.1:6443", "https://new"]);
        assert_eq!(merged["contexts"].as_array().unwrap().len(), 2);
        assert_eq!(merged["current-context"], "escala-x");
        assert!(merged.get("preferences").is_some());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&user).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

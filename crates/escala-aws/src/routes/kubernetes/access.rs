//! How a user reaches a stack's cluster: a kubeconfig whose credentials are Escala's own exec
//! plugin (`escala kube token`), so no key is ever written to it, and the token that plugin prints.

use std::time::SystemTime;

use aws_credential_types::provider::ProvideCredentials;
use serde_json::{json, Value};

use super::token;
use crate::context::AwsContext;
use crate::sdk::api_error;
use crate::AwsError;

/// What a kubeconfig needs of a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterAccess {
    pub name: String,
    pub arn: String,
    pub endpoint: String,
    /// The API server's certificate authority, base64 as EKS gives it.
    pub certificate_authority: String,
}

/// The cluster's endpoint and certificate authority, as EKS describes them.
pub async fn cluster_access(ctx: &AwsContext, cluster: &str) -> Result<ClusterAccess, AwsError> {
    let out = ctx
        .eks
        .describe_cluster()
        .name(cluster)
        .send()
        .await
        .map_err(|e| api_error("eks:DescribeCluster", e))?;
    let c = out
        .cluster()
        .ok_or_else(|| AwsError::Invalid(format!("EKS describes no cluster {cluster}")))?;
    let endpoint = c.endpoint().unwrap_or_default();
    if endpoint.is_empty() {
        return Err(AwsError::Invalid(format!(
            "the EKS cluster {cluster} has no endpoint yet: it is {}",
            c.status().map(|s| s.as_str()).unwrap_or("not ready")
        )));
    }
    Ok(ClusterAccess {
        name: cluster.into(),
        arn: c.arn().unwrap_or_default().into(),
        endpoint: endpoint.into(),
        certificate_authority: c
            .certificate_authority()
            .and_then(|a| a.data())
            .unwrap_or_default()
            .into(),
    })
}

/// How kubectl runs the credential plugin: the program, its arguments and the environment it adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plugin {
    pub command: String,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
}

/// A kubeconfig for the cluster, its context named `context`, whose user runs `plugin` for a token
/// (client.authentication.k8s.io/v1beta1, as `aws eks update-kubeconfig` writes).
pub fn kubeconfig(access: &ClusterAccess, context: &str, plugin: &Plugin) -> Value {
    let env: Vec<Value> = plugin
        .env
        .iter()
        .map(|(name, value)| json!({"name": name, "value": value}))
        .collect();
    json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{
            "name": access.arn,
            "cluster": {
                "server": access.endpoint,
                "certificate-authority-data": access.certificate_authority,
            },
        }],
        "users": [{
            "name": context,
            "user": {
                "exec": {
                    "apiVersion": "client.authentication.k8s.io/v1beta1",
                    "command": plugin.command,
                    "args": plugin.args,
                    "env": env,
                    "interactiveMode": "Never",
                },
            },
        }],
        "contexts": [{
            "name": context,
            "context": {"cluster": access.arn, "user": context},
        }],
        "current-context": context,
    })
}

/// The ExecCredential for `cluster`, signed with the session's keys.
pub async fn exec_credential(ctx: &AwsContext, cluster: &str) -> Result<Value, AwsError> {
    let provider = ctx.credentials.as_ref().ok_or_else(|| {
        AwsError::NoCredentials("no AWS keys to sign the cluster's token with".into())
    })?;
    let credentials = provider.provide_credentials().await.map_err(|e| {
        AwsError::NoCredentials(format!("the keys to sign the cluster's token with: {e}"))
    })?;
    let now = SystemTime::now();
    let token = token::token(&credentials, &ctx.region, cluster, now)?;
    token::exec_credential(&token, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kubeconfig_names_escala_as_its_credential_plugin_and_holds_no_key() {
        let access = ClusterAccess {
            name: "seed-eks".into(),
            arn: "arn:aws:eks:us-east-1:123456789012:cluster/seed-eks".into(),
            endpoint: "https://ABC.gr7.us-east-1.eks.amazonaws.com".into(),
            certificate_authority: "LS0tLS1CRUdJTg==".into(),
        };
        let plugin = Plugin {
            command: "/usr/bin/escala".into(),
            args: ["kube", "token", "--stack", "seed-eks"]
                .map(String::from)
                .to_vec(),
            env: vec![("ESCALA_HOME".into(), "/home/ana/.escala".into())],
        };
        let config = kubeconfig(&access, "escala-seed-eks", &plugin);
        assert_eq!(config["current-context"], "escala-seed-eks");
        assert_eq!(
            config["clusters"][0]["cluster"]["server"],
            "https://ABC.gr7.us-east-1.eks.amazonaws.com"
        );
        let exec = &config["users"][0]["user"]["exec"];
        assert_eq!(exec["command"], "/usr/bin/escala");
        assert_eq!(exec["args"][1], "token");
        assert_eq!(exec["env"][0]["value"], "/home/ana/.escala");
        assert_eq!(
            config["contexts"][0]["context"]["cluster"],
            config["clusters"][0]["name"]
        );
        assert!(!config.to_string().contains("secret") && !config.to_string().contains("AKIA"));
    }
}

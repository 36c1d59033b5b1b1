//! Where a cluster's API is and who Escala is to it: an endpoint, the CA that signs its
//! certificate, and a bearer token (EKS's presigned STS token, or any other).

use std::fmt;
use std::time::Duration;

use base64::Engine;
use secrecy::SecretString;

use crate::error::KubeError;

/// A cluster's API as one identity reaches it.
#[derive(Clone)]
pub struct Target {
    /// `https://…`, as the cluster's provider reports it.
    pub endpoint: String,
    /// The cluster CA's PEM, base64-encoded as EKS's `certificateAuthority.data` and kubeconfig's
    /// `certificate-authority-data` carry it; the system's roots when absent.
    pub ca_data: Option<String>,
    /// Who the token is for (an IAM ARN), named in errors so that a refusal says who was refused.
    pub identity: String,
    pub token: SecretString,
}

/// The token stays out of every debug print and log line.
impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Target")
            .field("endpoint", &self.endpoint)
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

/// How long a connection may take before the API counts as unreachable.
const CONNECT: Duration = Duration::from_secs(10);

impl Target {
    /// A client for this target.
    pub fn client(&self) -> Result<kube::Client, KubeError> {
        let url = self
            .endpoint
            .parse::<http::Uri>()
            .map_err(|e| KubeError::Target(format!("'{}' is not a URL: {e}", self.endpoint)))?;
        let mut config = kube::Config::new(url);
        config.root_cert = self.ca_data.as_deref().map(ca_certificates).transpose()?;
        config.connect_timeout = Some(CONNECT);
        config.auth_info.token = Some(self.token.clone());
        kube::Client::try_from(config).map_err(|e| KubeError::Unreachable {
            endpoint: self.endpoint.clone(),
            identity: self.identity.clone(),
            reason: e.to_string(),
        })
    }
}

/// The DER certificates in a base64-encoded PEM bundle.
fn ca_certificates(data: &str) -> Result<Vec<Vec<u8>>, KubeError> {
    let engine = base64::engine::general_purpose::STANDARD;
    let pem = engine
        .decode(data.trim())
        .map_err(|e| KubeError::Target(format!("the CA data is not base64: {e}")))?;
    let pem = String::from_utf8(pem)
        .map_err(|_| KubeError::Target("the CA data is not a PEM bundle".into()))?;
    let mut certificates = Vec::new();
    let mut body: Option<String> = None;
    for line in pem.lines().map(str::trim) {
        match (line, &mut body) {
            ("-----BEGIN CERTIFICATE-----", None) => body = Some(String::new()),
            ("-----END CERTIFICATE-----", Some(b64)) => {
                let der = engine.decode(b64.as_bytes()).map_err(|e| {
                    KubeError::Target(format!("a CA certificate is not base64: {e}"))
                })?;
                certificates.push(der);
                body = None;
            }
            (line, Some(b64)) => b64.push_str(line),
            _ => {}
        }
    }
    if certificates.is_empty() || body.is_some() {
        return Err(KubeError::Target(
            "the CA data holds no complete PEM certificate".into(),
        ));
    }
    Ok(certificates)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(pem: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(pem)
    }

    #[test]
    fn a_pem_bundle_gives_each_certificate_in_der() {
        let pem = "-----BEGIN CERTIFICATE-----\nAAEC\nAwQ=\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nBQY=\n-----END CERTIFICATE-----\n";
        assert_eq!(
            ca_certificates(&encoded(pem)).unwrap(),
            vec![vec![0, 1, 2, 3, 4], vec![5, 6]]
        );
    }

    #[test]
    fn a_broken_bundle_is_refused_before_any_request() {
        for data in [
            "not base64!".to_string(),
            encoded("no certificate here"),
            encoded("-----BEGIN CERTIFICATE-----\nAAEC\n"),
        ] {
            assert!(
                matches!(ca_certificates(&data), Err(KubeError::Target(_))),
                "{data}"
            );
        }
    }

    #[test]
    fn the_token_never_shows_in_a_debug_print() {
        let target = Target {
            endpoint: "https://cluster.example".into(),
            ca_data: None,
            identity: "arn:aws:iam::123456789012:user/deploy".into(),
            token: SecretString::from("k8s-aws-v1.secret"),
        };
        let shown = format!("{target:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("user/deploy"), "{shown}");
    }
}

//! The token an EKS cluster's API server takes from an AWS identity, made as `aws eks get-token`
//! makes it (aws-iam-authenticator's format), with no aws CLI: an STS GetCallerIdentity request
//! presigned for 60 seconds, with the cluster's name in its signed `x-k8s-aws-id` header,
//! base64url-encoded without padding after `k8s-aws-v1.`. The API server's authenticator sends it
//! to STS to learn who is calling. A token is good for 15 minutes; kubectl is told 14, so it asks
//! for a new one in time. The keys come from wherever the session's do (the OS keyring).

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
};
use aws_sigv4::sign::v4;
use aws_smithy_types::date_time::{DateTime, Format};
use base64::Engine;
use serde_json::{json, Value};

use crate::AwsError;

/// The header that binds a token to one cluster.
const CLUSTER_HEADER: &str = "x-k8s-aws-id";
const PREFIX: &str = "k8s-aws-v1.";
/// How long the presigned request is good for, as aws-iam-authenticator expects.
const PRESIGNED_FOR: Duration = Duration::from_secs(60);
/// How long kubectl may reuse the token: a minute less than the 15 the authenticator allows.
const REUSE_FOR: Duration = Duration::from_secs(14 * 60);

/// STS's endpoint in the region, as the authenticator of a cluster there verifies tokens with.
fn sts_host(region: &str) -> String {
    format!("sts.{region}.amazonaws.com")
}

/// The token for `cluster` in `region`, signed with `credentials` at `now`.
pub fn token(
    credentials: &Credentials,
    region: &str,
    cluster: &str,
    now: SystemTime,
) -> Result<String, AwsError> {
    let host = sts_host(region);
    let url = format!("https://{host}/?Action=GetCallerIdentity&Version=2011-06-15");
    let identity = credentials.clone().into();
    let mut settings = SigningSettings::default();
    settings.signature_location = SignatureLocation::QueryParams;
    settings.expires_in = Some(PRESIGNED_FOR);
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("sts")
        .time(now)
        .settings(settings)
        .build()
        .map_err(|e| AwsError::Invalid(format!("signing the EKS token: {e}")))?
        .into();
    let headers = [("host", host.as_str()), (CLUSTER_HEADER, cluster)];
    let request = SignableRequest::new("GET", &url, headers.into_iter(), SignableBody::Bytes(&[]))
        .map_err(|e| AwsError::Invalid(format!("signing the EKS token: {e}")))?;
    let (instructions, _) = sign(request, &params)
        .map_err(|e| AwsError::Invalid(format!("signing the EKS token: {e}")))?
        .into_parts();
    let mut presigned = url;
    for (name, value) in instructions.params() {
        presigned.push('&');
        presigned.push_str(name);
        presigned.push('=');
        presigned.push_str(&encode(value));
    }
    Ok(format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(presigned)
    ))
}

/// A query value as SigV4 canonicalises it (RFC 3986: only unreserved characters stay).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The token as kubectl's exec plugins hand it over: a client.authentication.k8s.io
/// ExecCredential with the time kubectl should ask again.
pub fn exec_credential(token: &str, now: SystemTime) -> Result<Value, AwsError> {
    // Whole seconds, as `aws eks get-token` writes it.
    let seconds = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let expires = DateTime::from_secs((seconds + REUSE_FOR.as_secs()) as i64)
        .fmt(Format::DateTime)
        .map_err(|e| AwsError::Invalid(format!("the token's expiry: {e}")))?;
    Ok(json!({
        "kind": "ExecCredential",
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "spec": {},
        "status": {"expirationTimestamp": expires, "token": token},
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(token: &str) -> String {
        let body = token.strip_prefix(PREFIX).expect("the v1 prefix");
        String::from_utf8(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(body)
                .unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn a_token_is_a_presigned_get_caller_identity_bound_to_the_cluster() {
        let keys = Credentials::new("AKIDEXAMPLE", "secret/with+chars", None, None, "test");
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_400_000);
        let token = token(&keys, "eu-west-1", "seed-eks", at).unwrap();
        assert!(!token.contains('=') && !token.contains('+') && !token.contains('/'));
        let url = decoded(&token);
        assert!(
            url.starts_with(
                "https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&"
            ),
            "{url}"
        );
        for part in [
            "X-Amz-Algorithm=AWS4-HMAC-SHA256",
            "X-Amz-Credential=AKIDEXAMPLE%2F20261204%2Feu-west-1%2Fsts%2Faws4_request",
            "X-Amz-Date=20261204T160000Z",
            "X-Amz-Expires=60",
            "X-Amz-SignedHeaders=host%3Bx-k8s-aws-id",
        ] {
            assert!(url.contains(part), "{part} in {url}");
        }
        let signature = url.split("X-Amz-Signature=").nth(1).unwrap();
        assert_eq!(signature.len(), 64, "{url}");
        assert!(
            !url.contains("secret"),
            "the secret never leaves the signature"
        );
        // Another cluster, another signature: the header is signed.
        let other = decoded(&super::token(&keys, "eu-west-1", "other", at).unwrap());
        assert_ne!(other.split("X-Amz-Signature=").nth(1).unwrap(), signature);
    }

    /// The same token as the aws CLI's, signature and all, for the same keys, cluster and second.
    #[test]
    fn the_token_is_the_one_aws_eks_get_token_makes() {
        let cache = std::env::var_os("ESCALA_CACHE")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(&std::env::var_os("HOME").expect("HOME")).join(".cache/escala")
            });
        let aws = cache.join("venv/bin/aws");
        assert!(
            aws.exists(),
            "{} is missing: run ./scripts/setup.sh",
            aws.display()
        );
        let out = std::process::Command::new(&aws)
            .args([
                "eks",
                "get-token",
                "--cluster-name",
                "seed-eks",
                "--region",
                "eu-west-1",
            ])
            .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
            .env(
                "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            )
            .env_remove("AWS_SESSION_TOKEN")
            .env_remove("AWS_PROFILE")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_STS_REGIONAL_ENDPOINTS", "regional")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let theirs: Value = serde_json::from_slice(&out.stdout).unwrap();
        let theirs = theirs["status"]["token"].as_str().unwrap();
        let url = decoded(theirs);
        let date = url
            .split("X-Amz-Date=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap();
        let at = DateTime::from_str(
            &format!(
                "{}-{}-{}T{}:{}:{}Z",
                &date[0..4],
                &date[4..6],
                &date[6..8],
                &date[9..11],
                &date[11..13],
                &date[13..15]
            ),
            Format::DateTime,
        )
        .unwrap();
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(at.secs() as u64);
        let keys = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "test",
        );
        assert_eq!(token(&keys, "eu-west-1", "seed-eks", at).unwrap(), theirs);
    }

    #[test]
    fn the_exec_credential_asks_kubectl_to_come_back_in_14_minutes() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_400_000);
        let credential = exec_credential("k8s-aws-v1.abc", at).unwrap();
        assert_eq!(credential["kind"], "ExecCredential");
        assert_eq!(
            credential["apiVersion"],
            "client.authentication.k8s.io/v1beta1"
        );
        assert_eq!(credential["status"]["token"], "k8s-aws-v1.abc");
        assert_eq!(
            credential["status"]["expirationTimestamp"],
            "2026-12-04T16:14:00Z"
        );
    }
}

//! Where Escala's AWS calls go and with which credentials: the sandbox emulator, keys saved in the OS
//! keyring, a named profile, or the SDK's default chain (environment, ~/.aws files, SSO).

use std::path::Path;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use serde::Serialize;

use crate::credentials::KeyringStore;
use crate::AwsError;

/// The keys the emulator is called with. It accepts any; these say where they come from.
const SANDBOX_KEY_ID: &str = "escala-sandbox";
const SANDBOX_SECRET: &str = "escala-sandbox";

/// Where calls go and with which credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    /// An endpoint instead of AWS's own: the sandbox, or an emulator a test started.
    pub endpoint: Option<String>,
    pub credentials: CredentialSource,
}

impl Target {
    /// The emulator at `endpoint`, with the sandbox's fixed keys.
    pub fn sandbox(endpoint: &str) -> Self {
        Self {
            endpoint: Some(endpoint.into()),
            credentials: CredentialSource::Sandbox,
        }
    }

    pub fn is_sandbox(&self) -> bool {
        self.credentials == CredentialSource::Sandbox
    }
}

/// Which credentials to use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "name", rename_all = "camelCase")]
pub enum CredentialSource {
    /// The emulator's fixed keys.
    Sandbox,
    /// Keys Escala saved in the OS keyring under this profile name.
    Keyring(String),
    /// A profile of ~/.aws/config or ~/.aws/credentials (including SSO profiles).
    Profile(String),
    /// The SDK's default chain: environment variables, the default profile, SSO, and so on.
    DefaultChain,
}

impl CredentialSource {
    /// A short description for `auth status`, never containing a secret.
    pub fn describe(&self) -> String {
        match self {
            CredentialSource::Keyring(p) => format!("OS keyring (profile '{p}')"),
            CredentialSource::Profile(p) => format!("AWS profile '{p}'"),
            CredentialSource::DefaultChain => {
                "the AWS SDK's default chain (environment, ~/.aws, SSO)".into()
            }
            CredentialSource::Sandbox => "the sandbox (an AWS emulator on this machine)".into(),
        }
    }
}

/// What the user asked for on the command line or in the app.
#[derive(Debug, Clone, Default)]
pub struct Choice {
    /// Send every call to this endpoint (an emulator).
    pub endpoint: Option<String>,
    /// Force the sandbox.
    pub sandbox: bool,
    /// A profile name: looked up in the keyring first, then in ~/.aws.
    pub profile: Option<String>,
}

/// What to do once credentials are resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Target(Target),
    /// Nothing points at AWS: use the sandbox (the caller starts it and builds the target).
    UseSandbox,
}

/// Resolves the target: `--sandbox`; a profile (keyring first, then ~/.aws); keys saved in the
/// keyring; AWS credentials visible to the SDK; otherwise the sandbox, so a machine without AWS
/// credentials still runs the whole flow. An explicit endpoint redirects the calls and, without a
/// profile, uses the sandbox's keys.
pub fn resolve(choice: &Choice, keyring: &KeyringStore) -> Resolved {
    let with = |credentials: CredentialSource| {
        Resolved::Target(Target {
            endpoint: choice.endpoint.clone(),
            credentials,
        })
    };
    if choice.sandbox {
        return match &choice.endpoint {
            Some(e) => Resolved::Target(Target::sandbox(e)),
            None => Resolved::UseSandbox,
        };
    }
    if let Some(profile) = &choice.profile {
        return with(if keyring.contains(profile) {
            CredentialSource::Keyring(profile.clone())
        } else {
            CredentialSource::Profile(profile.clone())
        });
    }
    if let Some(e) = &choice.endpoint {
        return Resolved::Target(Target::sandbox(e));
    }
    if keyring.contains(crate::credentials::DEFAULT_PROFILE) {
        return with(CredentialSource::Keyring(
            crate::credentials::DEFAULT_PROFILE.into(),
        ));
    }
    if sdk_has_credentials() {
        return with(CredentialSource::DefaultChain);
    }
    Resolved::UseSandbox
}

/// A cheap look for credentials the SDK would find, without network calls (no instance metadata).
fn sdk_has_credentials() -> bool {
    let env = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    if env("AWS_ACCESS_KEY_ID")
        || env("AWS_PROFILE")
        || env("AWS_WEB_IDENTITY_TOKEN_FILE")
        || env("AWS_CONTAINER_CREDENTIALS_FULL_URI")
    {
        return true;
    }
    let file = |var: &str, default: &str| {
        std::env::var_os(var)
            .map(std::path::PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(default)))
            .is_some_and(|p| p.is_file())
    };
    file("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials")
        || file("AWS_CONFIG_FILE", ".aws/config")
}

/// The SDK configuration for a target and region. SDK retries are off: the engine retries itself,
/// so it can report each retry and bound it with the task's deadline.
pub async fn sdk_config(
    target: &Target,
    region: &str,
    keyring: &KeyringStore,
) -> Result<SdkConfig, AwsError> {
    let base = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .retry_config(RetryConfig::disabled());
    let base = match &target.endpoint {
        Some(endpoint) => base.endpoint_url(endpoint),
        None => base,
    };
    let config = match &target.credentials {
        CredentialSource::Sandbox => {
            let creds =
                Credentials::new(SANDBOX_KEY_ID, SANDBOX_SECRET, None, None, "escala-sandbox");
            let base = base.credentials_provider(SharedCredentialsProvider::new(creds));
            let base = match &target.endpoint {
                Some(e) if e.starts_with("http://") => base.http_client(plain_http_client()?),
                _ => base,
            };
            base.load().await
        }
        CredentialSource::Keyring(profile) => {
            let key = keyring.load(profile)?.ok_or_else(|| {
                AwsError::NoCredentials(format!(
                    "no keys are saved in the OS keyring for profile '{profile}'; run `escala auth login`"
                ))
            })?;
            let creds = Credentials::new(
                key.access_key_id,
                key.secret_access_key.expose(),
                None,
                None,
                "escala-keyring",
            );
            base.credentials_provider(SharedCredentialsProvider::new(creds))
                .load()
                .await
        }
        CredentialSource::Profile(profile) => base.profile_name(profile).load().await,
        CredentialSource::DefaultChain => base.load().await,
    };
    Ok(config)
}

/// The client for an emulator on a plain `http://` endpoint with the sandbox's fixed keys: nothing
/// it sends goes over TLS, so it skips the SDK default's reading and parsing of every root
/// certificate of the system before the first request (about 3 ms of a command's start-up here).
fn plain_http_client() -> Result<SharedHttpClient, AwsError> {
    let no_roots = TlsContext::builder()
        .with_trust_store(TrustStore::empty())
        .build()
        .map_err(|e| AwsError::Invalid(format!("the sandbox's HTTP client: {e}")))?;
    Ok(aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
        .tls_context(no_roots)
        .build_https())
}

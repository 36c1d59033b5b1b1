//! Access keys in the OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows), and checking keys with STS before anything keeps them.

use serde::{Deserialize, Serialize};

use escala_core::sensitive::Sensitive;

use crate::AwsError;

/// The profile name keys are saved under when the user gives none.
pub const DEFAULT_PROFILE: &str = "default";

/// An access key pair. The secret is [`Sensitive`]: it prints as `<redacted>` and can't be serialized.
#[derive(Debug, Clone)]
pub struct AccessKey {
    pub access_key_id: String,
    pub secret_access_key: Sensitive<String>,
}

/// What the keyring entry holds: one JSON document per profile.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stored {
    access_key_id: String,
    secret_access_key: String,
}

/// Who a set of credentials belongs to, as STS reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
    /// Where the credentials came from (never the credentials themselves).
    pub source: String,
}

/// Escala's entries in the OS keyring, one per profile, under one service name.
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
}

impl Default for KeyringStore {
    fn default() -> Self {
        Self::new("escala")
    }
}

impl KeyringStore {
    /// `service` separates Escala's entries from other programs' (tests use their own).
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    fn entry(&self, profile: &str) -> Result<keyring::Entry, AwsError> {
        keyring::Entry::new(&self.service, profile).map_err(keyring_error)
    }

    /// Saves keys for `profile`, replacing any saved before.
    pub fn save(&self, profile: &str, key: &AccessKey) -> Result<(), AwsError> {
        let stored = Stored {
            access_key_id: key.access_key_id.clone(),
            secret_access_key: key.secret_access_key.expose().clone(),
        };
        let json = Sensitive::new(serde_json::to_string(&stored).expect("serializable"));
        self.entry(profile)?
            .set_password(json.expose())
            .map_err(keyring_error)
    }

    /// The keys saved for `profile`, if any.
    pub fn load(&self, profile: &str) -> Result<Option<AccessKey>, AwsError> {
        match self.entry(profile)?.get_password() {
            Ok(json) => {
                let json = Sensitive::new(json);
                let stored: Stored = serde_json::from_str(json.expose())
                    .map_err(|_| AwsError::Keyring(format!("the entry for profile '{profile}' is not Escala's; run `escala auth logout --profile {profile}`")))?;
                Ok(Some(AccessKey {
                    access_key_id: stored.access_key_id,
                    secret_access_key: Sensitive::new(stored.secret_access_key),
                }))
            }
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    /// True when keys are saved for `profile`. A keyring that can't be reached counts as empty, so
    /// a machine without one falls back to other sources instead of failing.
    pub fn contains(&self, profile: &str) -> bool {
        self.load(profile).ok().flatten().is_some()
    }

    /// Removes the keys of `profile`; false when there were none.
    pub fn delete(&self, profile: &str) -> Result<bool, AwsError> {
        match self.entry(profile)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(keyring_error(e)),
        }
    }
}

/// The keyring's errors never include the secret, but they may be vague: say what to check.
fn keyring_error(e: keyring::Error) -> AwsError {
    AwsError::Keyring(format!(
        "{e} (is a Secret Service such as gnome-keyring running and unlocked?)"
    ))
}

/// Asks STS who the configured credentials belong to. This is how keys are verified before saving.
pub async fn who_am_i(config: &aws_config::SdkConfig, source: &str) -> Result<Identity, AwsError> {
    let out = aws_sdk_sts::Client::new(config)
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| {
            let t = crate::sdk::task_error(e);
            AwsError::BadCredentials {
                code: t.code,
                message: t.message,
            }
        })?;
    Ok(Identity {
        account: out.account().unwrap_or_default().into(),
        arn: out.arn().unwrap_or_default().into(),
        user_id: out.user_id().unwrap_or_default().into(),
        source: source.into(),
    })
}

/// Checks keys with STS before anything keeps them. `endpoint` redirects the call (an emulator).
pub async fn verify(
    key: &AccessKey,
    endpoint: Option<&str>,
    region: &str,
) -> Result<Identity, AwsError> {
    use aws_config::{BehaviorVersion, Region};
    use aws_credential_types::{provider::SharedCredentialsProvider, Credentials};
    let creds = Credentials::new(
        &key.access_key_id,
        key.secret_access_key.expose(),
        None,
        None,
        "escala-login",
    );
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .credentials_provider(SharedCredentialsProvider::new(creds));
    if let Some(e) = endpoint {
        loader = loader.endpoint_url(e);
    }
    who_am_i(&loader.load().await, "the keys being saved").await
}

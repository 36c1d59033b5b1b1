//! Connecting: the sandbox the app starts itself, a profile, pasted keys saved to the keyring, or
//! a least-privilege deploy user made from admin credentials.

use escala_aws::connect::{resolve, sdk_config, Choice, CredentialSource, Resolved, Target};
use escala_aws::credentials::{self, AccessKey};
use escala_aws::deploy_user::DeployUserRequest;
use escala_aws::profiles::aws_profiles;
use escala_core::sensitive::Sensitive;
use escala_core::store::Place;
use escala_runtime::workload::SelfCommand;
use escala_runtime::Live;
use escala_sandbox::Speed;

use crate::error::AppError;
use crate::state::{AppState, Connected};
use crate::views::{AppInfo, Connection, DeployUser, Profile, ProfileSource};

/// STS answers in every region; this one is only where the identity call is signed for.
const STS_REGION: &str = "us-east-1";

/// The UI asks for this as soon as its first screen is up, so the first call marks the moment the
/// app became usable (the desktop benchmark times start-up by it).
pub fn app_info(state: &AppState) -> AppInfo {
    state.ui_ready.call_once(|| {
        tracing::info!(
            since_start_ms = state.started.elapsed().as_millis() as u64,
            "ui ready"
        )
    });
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        has_aws_credentials: matches!(
            resolve(&Choice::default(), state.keyring()),
            Resolved::Target(_)
        ),
        connection: state.connection(),
    }
}

/// Connects to the sandbox: the one the CLI started when it runs, else the app's own emulator,
/// started on first use and kept until the app quits.
pub async fn connect_sandbox(state: &AppState, speed: Speed) -> Result<Connection, AppError> {
    let (endpoint, speed) = match state.shared_sandbox.running()? {
        Some(info) => (info.endpoint, info.speed),
        None => own_emulator(state, speed).await?,
    };
    connect(
        state,
        Target::sandbox(&endpoint),
        Place::Sandbox,
        Some(speed),
    )
    .await
}

/// The flag that makes this binary an instance of the sandbox's demo workload (see main.rs).
pub const INSTANCE_FLAG: &str = "--sandbox-instance";

/// The app's own sandbox, started at `speed` unless it runs already (then at its own speed).
async fn own_emulator(state: &AppState, speed: Speed) -> Result<(String, Speed), AppError> {
    let mut owned = state.emulator.lock().await;
    if let Some(running) = owned.as_ref() {
        return Ok((running.endpoint().to_string(), running.speed()));
    }
    let program = std::env::current_exe()
        .map_err(|e| AppError::Invalid(format!("starting the sandbox: {e}")))?;
    let instance = SelfCommand {
        program,
        args: vec![INSTANCE_FLAG.into()],
    };
    let dir = state.stacks.store().root().join("app-sandbox");
    let emulator = Live::start(dir, speed, instance)
        .await
        .map_err(|e| AppError::Invalid(format!("starting the sandbox: {e}")))?;
    let endpoint = emulator.endpoint().to_string();
    // A fresh emulator holds nothing, so stacks remembered from an earlier sandbox are gone with it.
    forget_sandbox_stacks(state)?;
    *owned = Some(emulator);
    Ok((endpoint, speed))
}

fn forget_sandbox_stacks(state: &AppState) -> Result<(), AppError> {
    for known in state.stacks.list()? {
        if known.record.place == Place::Sandbox {
            state.stacks.forget(&known.name)?;
        }
    }
    Ok(())
}

/// Profiles of ~/.aws plus the keyring's default profile when Escala saved keys there.
pub fn list_profiles(state: &AppState) -> Vec<Profile> {
    let default = escala_aws::credentials::DEFAULT_PROFILE;
    let keyring = state.keyring().contains(default).then(|| Profile {
        name: default.to_string(),
        source: ProfileSource::Keyring,
    });
    keyring
        .into_iter()
        .chain(aws_profiles().into_iter().map(|name| Profile {
            name,
            source: ProfileSource::AwsConfig,
        }))
        .collect()
}

/// An emulator or other endpoint for account connections (the CLI's `--endpoint-url` variable).
fn endpoint() -> Option<String> {
    std::env::var("ESCALA_ENDPOINT_URL")
        .ok()
        .filter(|e| !e.is_empty())
}

pub async fn connect_profile(state: &AppState, name: &str) -> Result<Connection, AppError> {
    let choice = Choice {
        endpoint: endpoint(),
        sandbox: false,
        profile: Some(name.to_string()),
    };
    match resolve(&choice, state.keyring()) {
        Resolved::Target(target) => connect(state, target, Place::Account, None).await,
        Resolved::UseSandbox => connect_sandbox(state, Speed::default()).await,
    }
}

/// Verifies the pasted keys with STS, then keeps them in the OS keyring only.
pub async fn save_keys(
    state: &AppState,
    profile: &str,
    access_key_id: &str,
    secret: Sensitive<String>,
) -> Result<Connection, AppError> {
    let access_key_id = access_key_id.trim();
    if access_key_id.is_empty() || secret.expose().trim().is_empty() {
        return Err(AppError::Invalid(
            "paste both the access key ID and the secret access key".into(),
        ));
    }
    if profile.trim().is_empty() {
        return Err(AppError::Invalid(
            "name the profile the keys are saved under".into(),
        ));
    }
    let key = AccessKey {
        access_key_id: access_key_id.to_string(),
        secret_access_key: Sensitive::new(secret.expose().trim().to_string()),
    };
    let endpoint = endpoint();
    credentials::verify(&key, endpoint.as_deref(), STS_REGION).await?;
    state.keyring().save(profile, &key)?;
    let target = Target {
        endpoint,
        credentials: CredentialSource::Keyring(profile.to_string()),
    };
    connect(state, target, Place::Account, None).await
}

/// From the admin credentials in use: a group with Escala's least-privilege policies for the
/// chosen routes (the wizard's own route by default), a user in it, and its key saved straight to
/// the keyring; the app then works as that user.
pub async fn deploy_user(
    state: &AppState,
    user_name: &str,
    routes: Vec<String>,
) -> Result<DeployUser, AppError> {
    let admin = state.connected()?;
    let profile = user_name.to_string();
    if admin.target.credentials == CredentialSource::Keyring(profile.clone()) {
        return Err(AppError::Invalid(format!(
            "the keys in use are saved as '{profile}': pick another user name"
        )));
    }
    let request = DeployUserRequest {
        user_name: user_name.to_string(),
        routes,
        profile: profile.clone(),
    };
    let made = state
        .stacks
        .create_deploy_user(&admin.target, &request)
        .await?;
    let target = Target {
        endpoint: admin.target.endpoint.clone(),
        credentials: CredentialSource::Keyring(profile),
    };
    let speed = admin.view.speed.and_then(|f| Speed::new(f).ok());
    let connection = connect(state, target, admin.place(), speed).await?;
    Ok(DeployUser {
        user_name: made.user_name,
        user_arn: made.user_arn,
        group_name: made.group_name,
        policy_arn: made.policy_arn,
        access_key_id: made.access_key_id,
        profile: made.profile,
        connection,
    })
}

/// Asks STS who the target is; only a target that answers becomes the connection.
async fn connect(
    state: &AppState,
    target: Target,
    mode: Place,
    speed: Option<Speed>,
) -> Result<Connection, AppError> {
    let config = sdk_config(&target, STS_REGION, state.keyring()).await?;
    let source = target.credentials.describe();
    let identity = credentials::who_am_i(&config, &source).await?;
    let view = Connection {
        mode,
        account: identity.account,
        arn: identity.arn,
        source,
        endpoint: target.endpoint.clone(),
        speed: speed.map(Speed::factor),
    };
    state.set_connected(Some(Connected {
        target,
        view: view.clone(),
    }));
    Ok(view)
}

pub fn disconnect(state: &AppState) {
    state.set_connected(None);
}

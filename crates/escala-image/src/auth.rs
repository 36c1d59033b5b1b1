//! Registry credentials. For ECR the caller decodes GetAuthorizationToken's base64 "AWS:password"
//! and passes the two halves; this crate never talks to AWS itself.

use oci_client::secrets::RegistryAuth;

#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    Anonymous,
    Basic { username: String, password: String },
}

impl Auth {
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Self {
        Auth::Basic {
            username: username.into(),
            password: password.into(),
        }
    }

    pub(crate) fn to_registry_auth(&self) -> RegistryAuth {
        match self {
            Auth::Anonymous => RegistryAuth::Anonymous,
            Auth::Basic { username, password } => {
                RegistryAuth::Basic(username.clone(), password.clone())
            }
        }
    }
}

// Written by hand so that no log line or error report can carry the password.
impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::Anonymous => f.write_str("Anonymous"),
            Auth::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", &"<redacted>")
                .finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_user_and_hides_the_password() {
        let text = format!("{:?}", Auth::basic("AWS", "s3cr3t-token"));
        assert_eq!(text, r#"Basic { username: "AWS", password: "<redacted>" }"#);
    }
}

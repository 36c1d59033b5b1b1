//! The two requests this crate makes itself, beside oci-client: the login check and manifest
//! uploads. oci-client reports a refused login as a bare "not authorized" without the registry's
//! answer, and its manifest push by digest panics when the response has no Location header,
//! which ECR never sends.

use std::time::Duration;

use oci_client::Reference;
use reqwest::StatusCode;

use crate::auth::Auth;
use crate::blob::Blob;
use crate::error::ImageError;

pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Between two reads of one response; a slow upload that keeps moving is never cut.
pub(crate) const READ_TIMEOUT: Duration = Duration::from_secs(120);

/// What the registry's /v2/ said about the credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Login {
    /// Accepted as they are (anonymous, or basic credentials the registry checked).
    Accepted,
    /// The registry hands out tokens: oci-client trades the credentials for one.
    Token,
}

// No Debug: it holds the credentials and maybe a token.
pub(crate) struct Registry {
    host: String,
    base: String,
    http: reqwest::Client,
    auth: Auth,
    bearer: Option<String>,
}

/// A registry on this machine is spoken to over plain HTTP (a test or sandbox registry has no
/// certificate); every other one only over HTTPS.
pub(crate) fn is_loopback(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => host.rsplit_once(':').map_or(host, |(name, _port)| name),
    };
    name == "localhost"
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Registry {
    pub(crate) fn new(target: &Reference, auth: &Auth) -> Result<Self, ImageError> {
        let host = target.resolve_registry().to_owned();
        let scheme = if is_loopback(&host) { "http" } else { "https" };
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(READ_TIMEOUT)
            .build()
            .map_err(|e| ImageError::Unreachable {
                registry: host.clone(),
                reason: chain(&e),
            })?;
        Ok(Registry {
            base: format!("{scheme}://{host}"),
            host,
            http,
            auth: auth.clone(),
            bearer: None,
        })
    }

    pub(crate) fn host(&self) -> &str {
        &self.host
    }

    /// A token oci-client obtained; manifests are then sent with it instead of the credentials.
    pub(crate) fn use_token(&mut self, token: Option<String>) {
        self.bearer = token;
    }

    /// `GET /v2/` with the credentials, as `docker login` does: the one request whose answer says
    /// whether the registry takes them.
    pub(crate) async fn login(&self) -> Result<Login, ImageError> {
        let request = self.authorize(self.http.get(format!("{}/v2/", self.base)));
        let response = request.send().await.map_err(|e| self.unreachable(&e))?;
        let status = response.status();
        if status.is_success() {
            return Ok(Login::Accepted);
        }
        let challenge = response
            .headers()
            .get(reqwest::header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        if status == StatusCode::UNAUTHORIZED && challenge.starts_with("Bearer") {
            return Ok(Login::Token);
        }
        let answer = answer(status, response.text().await.unwrap_or_default());
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            Err(ImageError::AuthRefused {
                registry: self.host.clone(),
                answer,
            })
        } else {
            Err(ImageError::Unreachable {
                registry: self.host.clone(),
                reason: format!("GET /v2/ was answered {answer}: is this an OCI registry?"),
            })
        }
    }

    /// `PUT /v2/<name>/manifests/<reference>`, by tag or by digest.
    pub(crate) async fn put_manifest(
        &self,
        repository: &str,
        reference: &str,
        manifest: &Blob,
    ) -> Result<(), ImageError> {
        let url = format!("{}/v2/{repository}/manifests/{reference}", self.base);
        let request = self
            .authorize(self.http.put(url))
            .header(reqwest::header::CONTENT_TYPE, manifest.media_type())
            .body(manifest.data().clone());
        let response = request.send().await.map_err(|e| self.unreachable(&e))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let separator = if reference.contains(':') { '@' } else { ':' };
        Err(ImageError::Manifest {
            reference: format!("{}/{repository}{separator}{reference}", self.host),
            answer: answer(status, response.text().await.unwrap_or_default()),
        })
    }

    fn authorize(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match (&self.bearer, &self.auth) {
            (Some(token), _) => request.bearer_auth(token),
            (None, Auth::Basic { username, password }) => {
                request.basic_auth(username, Some(password))
            }
            (None, Auth::Anonymous) => request,
        }
    }

    fn unreachable(&self, error: &reqwest::Error) -> ImageError {
        ImageError::Unreachable {
            registry: self.host.clone(),
            reason: chain(error),
        }
    }
}

/// The status and what the registry said: its OCI error list when the body is one, else the text.
pub(crate) fn answer(status: StatusCode, body: String) -> String {
    #[derive(serde::Deserialize)]
    struct Errors {
        errors: Vec<OciError>,
    }
    #[derive(serde::Deserialize)]
    struct OciError {
        code: String,
        #[serde(default)]
        message: String,
    }
    let said = match serde_json::from_str::<Errors>(&body) {
        Ok(list) if !list.errors.is_empty() => list
            .errors
            .iter()
            .map(|e| format!("{} {}", e.code, e.message).trim().to_owned())
            .collect::<Vec<_>>()
            .join("; "),
        _ => body.trim().chars().take(500).collect(),
    };
    if said.is_empty() {
        format!("HTTP {status}")
    } else {
        format!("HTTP {status}: {said}")
    }
}

/// An error and its causes on one line: reqwest's own message names only the URL.
pub(crate) fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        text.push_str(": ");
        text.push_str(&e.to_string());
        cause = e.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_recognised_with_or_without_a_port() {
        for host in [
            "127.0.0.1:5000",
            "127.0.0.2",
            "localhost:8080",
            "[::1]:5000",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["10.0.0.1:5000", "registry.example.com", "localhost.example"] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    #[test]
    fn the_answer_lists_the_registry_errors_or_its_text() {
        let body = r#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}"#;
        assert_eq!(
            answer(StatusCode::UNAUTHORIZED, body.into()),
            "HTTP 401 Unauthorized: UNAUTHORIZED authentication required"
        );
        assert_eq!(
            answer(StatusCode::FORBIDDEN, "denied\n".into()),
            "HTTP 403 Forbidden: denied"
        );
        assert_eq!(
            answer(StatusCode::NOT_FOUND, String::new()),
            "HTTP 404 Not Found"
        );
    }
}

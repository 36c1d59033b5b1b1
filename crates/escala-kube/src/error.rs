//! The crate's one error type. Every message names what it was about (the object, or the
//! cluster's endpoint and the identity used), and none carries a credential.

/// What went wrong talking to a cluster.
#[derive(Debug, thiserror::Error)]
pub enum KubeError {
    /// The target can't be made into a client: a bad endpoint or CA.
    #[error("the cluster's API target is unusable: {0}")]
    Target(String),
    /// No answer, or no connection, within the time allowed.
    #[error("the cluster's API at {endpoint} can't be reached as {identity}: {reason}")]
    Unreachable {
        endpoint: String,
        identity: String,
        reason: String,
    },
    /// 401 or 403: the identity isn't known to the cluster or may not do this.
    #[error("the cluster's API at {endpoint} refused {identity} ({code}): {reason}; give that identity access to the cluster (an access entry on EKS), or use one that has it")]
    Unauthorized {
        endpoint: String,
        identity: String,
        code: u16,
        reason: String,
    },
    /// Any other refusal, with the API server's own reason.
    #[error("{object}: the API server answered {code} {reason}: {message}")]
    Api {
        object: String,
        code: u16,
        reason: String,
        message: String,
    },
    /// An object still there when its wait ran out, with what holds it.
    #[error("{object} was still there after {seconds} s{held}")]
    Stuck {
        object: String,
        seconds: u64,
        /// ", held by its finalizers …" when it has some.
        held: String,
    },
}

impl KubeError {
    /// Worth another try: throttling, an API server briefly unable to answer, or a write that lost
    /// a race with another writer (409 on an update).
    pub fn retryable(&self) -> bool {
        match self {
            KubeError::Api { code, .. } => matches!(code, 409 | 429 | 500 | 502 | 503 | 504),
            _ => false,
        }
    }
}

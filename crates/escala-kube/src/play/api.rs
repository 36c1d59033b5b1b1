//! What every call of a player shares: the field manager its writes are recorded under, a merge
//! patch of an object's status (what kubelet and controllers write), a delete that finds nothing
//! already done, and the equality selectors a scale reports.

use std::fmt::Debug;

use kube::api::{Patch, PatchParams};
use kube::Api;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{Cluster, KubeError};

/// The field manager the sandbox's writes are recorded under.
pub const FIELD_MANAGER: &str = "escala-sandbox";
/// Marks the nodes the sandbox plays, so that it lists (and removes) only those.
pub const PLAYED: &str = "escala.dev/sandbox-node";

/// Equality-based label selectors (`a=b,c=d`, what a Deployment's scale reports): whether
/// `labels` match.
pub fn matches(selector: &str, labels: &std::collections::BTreeMap<String, String>) -> bool {
    selector
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .all(|term| match term.split_once('=') {
            Some((k, v)) => {
                let k = k.trim().trim_end_matches('=');
                labels.get(k).map(String::as_str) == Some(v.trim().trim_start_matches('='))
            }
            None => false,
        })
}

/// A JSON merge patch of the status of `name`, `what` naming it in errors.
pub(super) async fn merge_status<K>(
    cluster: &Cluster,
    api: &Api<K>,
    name: &str,
    what: &str,
    body: &Value,
) -> Result<(), KubeError>
where
    K: Clone + DeserializeOwned + Debug,
{
    let (params, patch) = (PatchParams::default(), Patch::Merge(body));
    cluster
        .call(what, || api.patch_status(name, &params, &patch))
        .await?;
    Ok(())
}

/// A delete's outcome, with "already gone" (404) as success.
pub(super) fn gone<T>(outcome: Result<T, KubeError>) -> Result<(), KubeError> {
    match outcome {
        Ok(_) | Err(KubeError::Api { code: 404, .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn selectors_match_every_term() {
        let labels = BTreeMap::from([
            ("app".into(), "php-apache".into()),
            ("tier".into(), "web".into()),
        ]);
        assert!(matches("app=php-apache", &labels));
        assert!(matches("app==php-apache,tier=web", &labels));
        assert!(!matches("app=php-apache,tier=db", &labels));
        assert!(
            !matches("app", &labels),
            "an existence term isn't what a scale reports"
        );
        assert!(matches("", &labels));
    }
}

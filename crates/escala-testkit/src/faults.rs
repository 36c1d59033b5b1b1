//! Which faults the proxy injects, decided per request.

use std::collections::BTreeSet;
use std::time::Duration;

/// A fault that never goes away: every request for `action` fails with `code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Persistent {
    pub action: String,
    pub code: String,
    pub status: u16,
}

/// The fault plan. Counters make it deterministic: the same run injects the same faults.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Added before every request is forwarded.
    pub latency: Duration,
    /// Every Nth request answers `RequestLimitExceeded` (HTTP 503), as EC2 does when throttling.
    pub throttle_every: Option<u64>,
    /// Every Nth request answers `InternalError` (HTTP 500).
    pub error_500_every: Option<u64>,
    /// The first request that mentions an id created moments ago answers `Invalid…ID.NotFound`,
    /// as EC2's eventual consistency does.
    pub not_found_after_create: bool,
    pub persistent: Option<Persistent>,
    /// The first request of each of these actions reaches the emulator and takes effect, but its
    /// answer is lost: the client gets a 500, as when a connection drops on the way back.
    pub lose_answer_of: Vec<String>,
}

/// What to do with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    Forward,
    Fail {
        status: u16,
        code: String,
        message: String,
    },
}

/// The proxy's memory between requests.
#[derive(Debug, Default)]
pub(crate) struct FaultState {
    pub requests: u64,
    /// Ids seen in create responses and not yet mentioned by a later request.
    pub fresh: BTreeSet<String>,
    /// Actions whose answer was already lost once.
    pub lost: BTreeSet<String>,
    /// Every id ever seen: a create response that repeats an older id (a NAT gateway's response
    /// names its subnet) doesn't make that id fresh again.
    pub seen: BTreeSet<String>,
}

impl Faults {
    pub(crate) fn decide(&self, state: &mut FaultState, action: &str, body: &str) -> Decision {
        state.requests += 1;
        let n = state.requests;
        if let Some(p) = self.persistent.as_ref().filter(|p| p.action == action) {
            return Decision::Fail {
                status: p.status,
                code: p.code.clone(),
                message: format!("injected: {action} keeps failing"),
            };
        }
        if self.throttle_every.is_some_and(|k| n.is_multiple_of(k)) {
            return Decision::Fail {
                status: 503,
                code: "RequestLimitExceeded".into(),
                message: "Request limit exceeded.".into(),
            };
        }
        if self.error_500_every.is_some_and(|k| n.is_multiple_of(k)) {
            return Decision::Fail {
                status: 500,
                code: "InternalError".into(),
                message: "An internal error has occurred".into(),
            };
        }
        if self.not_found_after_create {
            if let Some(id) = state
                .fresh
                .iter()
                .find(|id| body.contains(id.as_str()))
                .cloned()
            {
                state.fresh.remove(&id);
                return Decision::Fail {
                    status: 400,
                    code: not_found_code(&id),
                    message: format!("The ID '{id}' does not exist"),
                };
            }
        }
        Decision::Forward
    }

    /// True when this forwarded request's answer is to be lost (once per listed action).
    pub(crate) fn lose_answer(&self, state: &mut FaultState, action: &str) -> bool {
        self.lose_answer_of.iter().any(|a| a == action) && state.lost.insert(action.to_string())
    }

    /// Remembers the ids a create call returned.
    pub(crate) fn observe(&self, state: &mut FaultState, action: &str, response: &str) {
        if self.not_found_after_create
            && (action.starts_with("Create") || action == "AllocateAddress")
        {
            for id in ids_in(response) {
                if state.seen.insert(id.clone()) {
                    state.fresh.insert(id);
                }
            }
        }
    }
}

const PREFIXES: &[(&str, &str)] = &[
    ("vpc-", "InvalidVpcID.NotFound"),
    ("subnet-", "InvalidSubnetID.NotFound"),
    ("igw-", "InvalidInternetGatewayID.NotFound"),
    ("rtb-", "InvalidRouteTableID.NotFound"),
    ("nat-", "InvalidNatGatewayID.NotFound"),
    ("eipalloc-", "InvalidAllocationID.NotFound"),
];

fn not_found_code(id: &str) -> String {
    PREFIXES
        .iter()
        .find(|(p, _)| id.starts_with(p))
        .map(|(_, c)| c.to_string())
        .unwrap_or_else(|| "InvalidID.NotFound".into())
}

/// EC2 ids (`vpc-0abc…`) in an XML response.
fn ids_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (prefix, _) in PREFIXES {
        let mut rest = text;
        while let Some(i) = rest.find(prefix) {
            let tail = &rest[i + prefix.len()..];
            let len = tail.bytes().take_while(|b| b.is_ascii_hexdigit()).count();
            let boundary = i == 0 || !rest.as_bytes()[i - 1].is_ascii_alphanumeric();
            if len >= 8 && boundary {
                out.push(format!("{prefix}{}", &tail[..len]));
            }
            rest = &tail[len..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_once_for_each_fresh_id() {
        let f = Faults {
            not_found_after_create: true,
            ..Faults::default()
        };
        let mut s = FaultState::default();
        f.observe(
            &mut s,
            "CreateVpc",
            "<vpc><vpcId>vpc-0123456789abcdef0</vpcId></vpc>",
        );
        assert_eq!(s.fresh.len(), 1);
        let body = "Action=CreateSubnet&VpcId=vpc-0123456789abcdef0";
        assert!(
            matches!(f.decide(&mut s, "CreateSubnet", body), Decision::Fail { code, .. } if code == "InvalidVpcID.NotFound")
        );
        assert_eq!(f.decide(&mut s, "CreateSubnet", body), Decision::Forward);
    }

    #[test]
    fn counters_and_persistent_faults() {
        let f = Faults {
            throttle_every: Some(3),
            persistent: Some(Persistent {
                action: "CreateVpc".into(),
                code: "RequestLimitExceeded".into(),
                status: 503,
            }),
            ..Faults::default()
        };
        let mut s = FaultState::default();
        let codes: Vec<_> = (0..6)
            .map(|_| match f.decide(&mut s, "DescribeVpcs", "") {
                Decision::Forward => "ok".to_string(),
                Decision::Fail { code, .. } => code,
            })
            .collect();
        assert_eq!(
            codes,
            [
                "ok",
                "ok",
                "RequestLimitExceeded",
                "ok",
                "ok",
                "RequestLimitExceeded"
            ]
        );
        assert!(matches!(
            f.decide(&mut s, "CreateVpc", ""),
            Decision::Fail { .. }
        ));
    }
}

//! Changes to a Kubernetes stack that `escala kube upgrade` and `escala kube grant` (and the
//! desktop's buttons) make: each edits the saved Spec and hands it back checked, to be planned and
//! applied like any other, so the plan shows every step before anything changes.

use escala_core::routes::kubernetes::{
    versions, AccessGrant, EksSpec, KubernetesRule, KubernetesSpec,
};
use escala_core::routes::RouteSpec;
use escala_core::spec::Spec;
use escala_core::validate::{CheckedSpec, ValidationError, ValidationErrors};
use escala_core::CoreError;

use crate::{Stacks, StacksError};

/// A change to who may use the cluster.
#[derive(Debug, Clone)]
pub enum Access {
    /// Gives the principal this policy and scope, replacing what it had.
    Grant(AccessGrant),
    /// Takes the principal's access away.
    Revoke { principal: String },
}

fn refused(field: &str, message: String) -> StacksError {
    CoreError::Validation(ValidationErrors(vec![ValidationError {
        rule: KubernetesRule::Version.into(),
        field: format!("route.kubernetes.{field}"),
        message,
    }]))
    .into()
}

impl Stacks {
    /// The stack's saved Spec and its EKS section, to change.
    fn eks_of(&self, name: &str) -> Result<(Spec, EksSpec), StacksError> {
        let spec = self.saved(name)?;
        match spec.route.as_ref() {
            Some(RouteSpec::Kubernetes(KubernetesSpec::Eks(eks))) => {
                let eks = eks.clone();
                Ok((spec, eks))
            }
            other => Err(StacksError::WrongRoute(format!(
                "stack '{name}' has no Kubernetes cluster: its route is {}",
                other.map_or("none", |r| r.name())
            ))),
        }
    }

    fn with_eks(&self, mut spec: Spec, eks: EksSpec) -> Result<CheckedSpec, StacksError> {
        spec.route = Some(RouteSpec::Kubernetes(KubernetesSpec::Eks(eks)));
        self.check(spec)
    }

    /// The stack on Kubernetes `to`, which must be the next minor: EKS upgrades one at a time and
    /// never downgrades. The plan then shows the control plane's update, the addons' new defaults
    /// and the node groups' rolling update, in that order.
    pub fn upgraded(&self, name: &str, to: &str) -> Result<CheckedSpec, StacksError> {
        let (spec, mut eks) = self.eks_of(name)?;
        let (Some(now), Some(next)) = (
            versions::parse_minor(&eks.version),
            versions::parse_minor(to),
        ) else {
            return Err(refused(
                "version",
                format!("'{to}' is not a Kubernetes minor version like 1.35"),
            ));
        };
        if next <= now {
            return Err(refused(
                "version",
                format!(
                    "the cluster runs {}: EKS never downgrades, and {to} is not newer",
                    eks.version
                ),
            ));
        }
        if next > now + 1 {
            return Err(refused(
                "version",
                format!(
                    "{} → {to} skips {}: EKS upgrades one minor at a time, so upgrade to 1.{} first",
                    eks.version,
                    (now + 1..next)
                        .map(|m| format!("1.{m}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    now + 1
                ),
            ));
        }
        eks.version = to.to_string();
        self.with_eks(spec, eks)
    }

    /// The stack with `change` made to its access grants.
    pub fn granted(&self, name: &str, change: Access) -> Result<CheckedSpec, StacksError> {
        let (spec, mut eks) = self.eks_of(name)?;
        match change {
            Access::Grant(grant) => {
                eks.access.retain(|g| g.principal != grant.principal);
                eks.access.push(grant);
            }
            Access::Revoke { principal } => {
                let before = eks.access.len();
                eks.access.retain(|g| g.principal != principal);
                if eks.access.len() == before {
                    return Err(StacksError::WrongRoute(format!(
                        "{principal} has no access to stack '{name}''s cluster to take away"
                    )));
                }
            }
        }
        self.with_eks(spec, eks)
    }
}

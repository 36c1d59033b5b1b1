//! What the route needs before it can be planned, each problem a validation error at its field
//! before anything is made: the account's roles; that the region offers every node group's
//! instance types; each addon's version for the Spec's Kubernetes version (EKS's default, or the
//! pinned one if EKS has it); that EKS offers a version newer than Escala's calendar; and, for a cluster that
//! exists, that the Spec's version is the one it runs or the next minor (EKS upgrades one minor at
//! a time and never downgrades); and the chat demo's image, built, when the demo runs Escala's.

use escala_core::routes::kubernetes::{versions, Addon, EksSpec, KubernetesRule};
use escala_core::validate::{ValidationError, ValidationErrors};
use escala_core::CoreError;

use super::chat_image::{self, ChatImage};
use super::roles::{self, RoleArns};
use crate::context::AwsContext;
use crate::sdk::api_error;
use crate::AwsError;

#[derive(Debug, Clone)]
pub struct Facts {
    pub roles: RoleArns,
    /// Each of the Spec's addons' version, in its order.
    pub addon_versions: Vec<String>,
    /// Escala's chat image, when the demo runs it.
    pub chat_image: Option<ChatImage>,
}

pub async fn look_up(ctx: &AwsContext, eks: &EksSpec, cluster: &str) -> Result<Facts, AwsError> {
    let (types, version, running, roles, addons, chat_image) = tokio::join!(
        instance_type_problems(ctx, eks),
        version_problem(ctx, &eks.version),
        running_version(ctx, cluster),
        roles::look_up(ctx),
        futures::future::join_all(eks.addons.iter().enumerate().map(|(i, a)| addon_version(
            ctx,
            i,
            a,
            &eks.version
        ))),
        chat_image::build(ctx, eks),
    );
    let mut problems = types?;
    problems.extend(version?);
    let mut addon_versions = Vec::new();
    for addon in addons {
        match addon? {
            Ok(version) => addon_versions.push(version),
            Err(problem) => problems.push(problem),
        }
    }
    if let Some(running) = running? {
        problems.extend(upgrade_problem(&running, &eks.version));
    }
    if !problems.is_empty() {
        return Err(AwsError::Core(CoreError::Validation(ValidationErrors(
            problems,
        ))));
    }
    Ok(Facts {
        roles: roles?,
        addon_versions,
        chat_image: chat_image?,
    })
}

/// The addon's version for Kubernetes `kubernetes`: EKS's default, or the pinned one when EKS
/// publishes it for that version.
async fn addon_version(
    ctx: &AwsContext,
    index: usize,
    addon: &Addon,
    kubernetes: &str,
) -> Result<Result<String, ValidationError>, AwsError> {
    let out = ctx
        .eks
        .describe_addon_versions()
        .addon_name(&addon.name)
        .kubernetes_version(kubernetes)
        .send()
        .await
        .map_err(|e| api_error("eks:DescribeAddonVersions", e))?;
    let versions: Vec<(&str, bool)> = out
        .addons()
        .iter()
        .flat_map(|info| info.addon_versions())
        .filter_map(|v| {
            let ours = v
                .compatibilities()
                .iter()
                .find(|c| c.cluster_version() == Some(kubernetes))?;
            Some((v.addon_version()?, ours.default_version()))
        })
        .collect();
    let problem = |field: &str, message: String| ValidationError {
        rule: KubernetesRule::Addons.into(),
        field: format!("route.kubernetes.addons[{index}].{field}"),
        message,
    };
    Ok(match &addon.version {
        Some(pinned) if versions.iter().any(|(v, _)| v == pinned) => Ok(pinned.clone()),
        Some(pinned) => Err(problem(
            "version",
            format!(
                "EKS has no {pinned} of {} for Kubernetes {kubernetes}: it has {}",
                addon.name,
                versions
                    .iter()
                    .map(|(v, _)| *v)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
        None => match versions.iter().find(|(_, default)| *default) {
            Some((v, _)) => Ok(v.to_string()),
            None => Err(problem(
                "name",
                format!("EKS has no {} for Kubernetes {kubernetes}", addon.name),
            )),
        },
    })
}

fn problem(field: String, message: String) -> ValidationError {
    ValidationError {
        rule: KubernetesRule::InstanceTypes.into(),
        field,
        message,
    }
}

/// Every listed type the region doesn't offer, at its field; one call for all of them.
async fn instance_type_problems(
    ctx: &AwsContext,
    eks: &EksSpec,
) -> Result<Vec<ValidationError>, AwsError> {
    let mut wanted: Vec<&str> = eks
        .node_groups
        .iter()
        .flat_map(|g| g.instance_types.iter().map(String::as_str))
        .collect();
    wanted.sort();
    wanted.dedup();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let out = ctx
        .ec2
        .describe_instance_type_offerings()
        .location_type(aws_sdk_ec2::types::LocationType::Region)
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("instance-type")
                .set_values(Some(wanted.iter().map(|t| t.to_string()).collect()))
                .build(),
        )
        .send()
        .await
        .map_err(|e| api_error("ec2:DescribeInstanceTypeOfferings", e))?;
    let offered: Vec<&str> = out
        .instance_type_offerings()
        .iter()
        .filter_map(|o| o.instance_type().map(|t| t.as_str()))
        .collect();
    let mut problems = Vec::new();
    for (i, group) in eks.node_groups.iter().enumerate() {
        for (j, t) in group.instance_types.iter().enumerate() {
            if !offered.contains(&t.as_str()) {
                problems.push(problem(
                    format!("route.kubernetes.nodeGroups[{i}].instanceTypes[{j}]"),
                    format!(
                        "EC2 offers no {t} instances in {}: pick another type",
                        ctx.region
                    ),
                ));
            }
        }
    }
    Ok(problems)
}

fn version_error(message: String) -> ValidationError {
    ValidationError {
        rule: KubernetesRule::Version.into(),
        field: "route.kubernetes.version".into(),
        message,
    }
}

/// A version newer than Escala's calendar is asked of EKS itself; the calendar's own versions were
/// checked offline.
async fn version_problem(
    ctx: &AwsContext,
    version: &str,
) -> Result<Option<ValidationError>, AwsError> {
    let newest = versions::EKS_VERSIONS[0].minor;
    if versions::parse_minor(version).is_none_or(|m| m <= newest) {
        return Ok(None);
    }
    let out = ctx
        .eks
        .describe_cluster_versions()
        .cluster_versions(version)
        .send()
        .await
        .map_err(|e| api_error("eks:DescribeClusterVersions", e))?;
    let offered = out
        .cluster_versions()
        .iter()
        .any(|v| v.cluster_version() == Some(version));
    Ok((!offered).then(|| {
        version_error(format!(
            "EKS doesn't offer Kubernetes {version} in {} yet: use 1.{newest} or older",
            ctx.region
        ))
    }))
}

/// The version the stack's cluster runs, when it exists.
async fn running_version(ctx: &AwsContext, cluster: &str) -> Result<Option<String>, AwsError> {
    match ctx.eks.describe_cluster().name(cluster).send().await {
        Ok(out) => Ok(out.cluster().and_then(|c| c.version()).map(String::from)),
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_resource_not_found_exception()) =>
        {
            Ok(None)
        }
        Err(e) => Err(api_error("eks:DescribeCluster", e)),
    }
}

/// EKS's upgrade rule: to the next minor only, never down.
fn upgrade_problem(running: &str, wanted: &str) -> Option<ValidationError> {
    let (Some(from), Some(to)) = (
        versions::parse_minor(running),
        versions::parse_minor(wanted),
    ) else {
        return None;
    };
    if to < from {
        Some(version_error(format!(
            "the cluster runs Kubernetes {running}, and EKS can't downgrade it to {wanted}"
        )))
    } else if to > from + 1 {
        Some(version_error(format!(
            "the cluster runs Kubernetes {running}: EKS upgrades one minor version at a time, so set 1.{} first",
            from + 1
        )))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upgrade_is_one_minor_up_and_never_down() {
        assert!(upgrade_problem("1.34", "1.34").is_none());
        assert!(upgrade_problem("1.34", "1.35").is_none());
        let skip = upgrade_problem("1.33", "1.35").unwrap();
        assert!(skip.message.contains("set 1.34 first"), "{}", skip.message);
        let down = upgrade_problem("1.35", "1.34").unwrap();
        assert!(down.message.contains("can't downgrade"), "{}", down.message);
    }
}

//! Rolling the group onto a new launch template version. On AWS that is an instance refresh, which
//! keeps a minimum share of the group healthy while it replaces instances; Escala starts it and
//! follows it to the end, reporting its progress. The emulator has no instance refresh, so there
//! the same thing is done by hand, as the seed does it: old instances are terminated a batch at a
//! time and the group replaces them from the new version.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_autoscaling::types::{InstanceRefreshStatus, RefreshPreferences, RefreshStrategy};
use aws_sdk_ec2::types::Filter;
use escala_core::progress::report;
use escala_core::routes::asg::Rollout;
use escala_core::tags;
use escala_core::task::TaskError;

use crate::context::{filter, tag_value, AwsContext};
use crate::sdk::SdkResultExt;

/// How often a refresh is looked at: AWS replaces instances in minutes, not seconds.
const POLL: Duration = Duration::from_secs(15);

/// The group's running instances and the template revision each was started from (`None` for one
/// started before Escala tagged revisions, or by hand).
pub async fn revisions(
    ctx: &AwsContext,
    group: &str,
) -> Result<BTreeMap<String, Option<String>>, TaskError> {
    let out = ctx
        .ec2
        .describe_instances()
        .filters(filter("tag:aws:autoscaling:groupName", group))
        .filters(
            Filter::builder()
                .name("instance-state-name")
                .values("pending")
                .values("running")
                .build(),
        )
        .send()
        .await
        .task()?;
    Ok(out
        .reservations()
        .iter()
        .flat_map(|r| r.instances())
        .filter_map(|i| {
            let revision = tag_value(i.tags(), tags::TEMPLATE).map(str::to_string);
            Some((i.instance_id()?.to_string(), revision))
        })
        .collect())
}

/// Replaces every instance not started from `revision`, keeping `rollout.min_healthy_percentage`
/// of the group in service. Safe to call again after an interruption: it picks up where things are.
pub async fn roll_out(
    ctx: &AwsContext,
    group: &str,
    revision: &str,
    rollout: &Rollout,
) -> Result<(), TaskError> {
    if ctx.emulator {
        by_hand(ctx, group, revision, rollout).await
    } else {
        instance_refresh(ctx, group, rollout).await
    }
}

async fn instance_refresh(
    ctx: &AwsContext,
    group: &str,
    rollout: &Rollout,
) -> Result<(), TaskError> {
    let started = ctx
        .autoscaling
        .start_instance_refresh()
        .auto_scaling_group_name(group)
        .strategy(RefreshStrategy::Rolling)
        .preferences(
            RefreshPreferences::builder()
                .min_healthy_percentage(rollout.min_healthy_percentage as i32)
                .instance_warmup(rollout.warmup_seconds as i32)
                // Instances already on the new version stay: a resumed rollout doesn't start over.
                .skip_matching(true)
                .build(),
        )
        .send()
        .await
        .task();
    let id = match started {
        Ok(out) => out.instance_refresh_id().map(str::to_string),
        // One is already running (an apply interrupted while it waited): follow that one.
        Err(e) if e.code == "InstanceRefreshInProgress" => None,
        Err(e) => return Err(e),
    };
    report(0, "instance refresh started");
    loop {
        let out = ctx
            .autoscaling
            .describe_instance_refreshes()
            .auto_scaling_group_name(group)
            .set_instance_refresh_ids(id.clone().map(|i| vec![i]))
            .max_records(1)
            .send()
            .await
            .task()?;
        let Some(refresh) = out.instance_refreshes().first() else {
            return Err(TaskError::eventual(
                "InstanceRefreshNotFound",
                format!("the instance refresh of {group} is not listed yet"),
            ));
        };
        let percent = refresh.percentage_complete().unwrap_or(0).clamp(0, 100) as u8;
        let reason = refresh.status_reason().unwrap_or_default();
        match refresh.status() {
            Some(InstanceRefreshStatus::Successful) => {
                report(100, "instance refresh finished");
                return Ok(());
            }
            Some(InstanceRefreshStatus::Pending | InstanceRefreshStatus::InProgress) | None => {
                report(percent, format!("instance refresh: {reason}"));
            }
            Some(other) => {
                return Err(TaskError::fatal(
                    format!("InstanceRefresh{}", other.as_str()),
                    format!(
                        "the instance refresh of {group} ended {}: {reason}",
                        other.as_str()
                    ),
                ))
            }
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The seed's rolling update, for the emulator: terminate a batch of old instances, let the group
/// start their replacements from the new version, wait for them, repeat. Each round reads the
/// group afresh, so a retried or resumed call never replaces more than it has to.
async fn by_hand(
    ctx: &AwsContext,
    group: &str,
    revision: &str,
    rollout: &Rollout,
) -> Result<(), TaskError> {
    let mut replaced = 0usize;
    loop {
        let instances = revisions(ctx, group).await?;
        let old: Vec<&String> = instances
            .iter()
            .filter(|(_, r)| r.as_deref() != Some(revision))
            .map(|(id, _)| id)
            .collect();
        if old.is_empty() {
            report(100, format!("{replaced} instances replaced"));
            return Ok(());
        }
        let size = instances.len();
        report(
            (replaced * 100 / (replaced + old.len())) as u8,
            format!("{replaced} of {} instances replaced", replaced + old.len()),
        );
        for id in old.iter().take(batch(size, rollout.min_healthy_percentage)) {
            let done = ctx
                .autoscaling
                .terminate_instance_in_auto_scaling_group()
                .instance_id(id.as_str())
                // The group keeps its size, so it starts a replacement from the new version.
                .should_decrement_desired_capacity(false)
                .send()
                .await
                .task();
            match done {
                Ok(_) => replaced += 1,
                // Gone already: an earlier try got there first.
                Err(e) if e.code == "ValidationError" => {}
                Err(e) => return Err(e),
            }
        }
        wait_in_service(ctx, group).await?;
    }
}

/// How many instances may be out of service at once: what the minimum healthy share leaves, and at
/// least one, as AWS's own refresh does.
fn batch(size: usize, min_healthy_percentage: u32) -> usize {
    let keep = (size * min_healthy_percentage as usize).div_ceil(100);
    size.saturating_sub(keep).max(1)
}

/// Waits until the group has as many instances in service as it wants.
async fn wait_in_service(ctx: &AwsContext, group: &str) -> Result<(), TaskError> {
    for _ in 0..120 {
        let Some(g) = super::lookup::group(ctx).await? else {
            return Err(TaskError::fatal(
                "GroupNotFound",
                format!("{group} went away during its rolling update"),
            ));
        };
        if super::lookup::in_service(&g) >= g.desired_capacity().unwrap_or(0) as u32 {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    Err(TaskError::retryable(
        "ReplacementNotInService",
        format!("{group}'s replacement instances are not in service after 2 minutes"),
    ))
}

#[cfg(test)]
mod tests {
    use super::batch;

    #[test]
    fn a_batch_keeps_the_minimum_healthy_share_and_moves_at_least_one() {
        assert_eq!(batch(1, 90), 1, "the seed's single instance still rolls");
        assert_eq!(batch(2, 90), 1);
        assert_eq!(batch(10, 90), 1);
        assert_eq!(batch(10, 50), 5);
        assert_eq!(batch(4, 0), 4);
        assert_eq!(batch(20, 100), 1);
    }
}

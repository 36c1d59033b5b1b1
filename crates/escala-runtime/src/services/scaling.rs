//! Application Auto Scaling on the sandbox's ECS services, with AWS's algorithms
//! (`escala_core::scaling`, as for the groups): an alarm in ALARM whose action is a target
//! tracking policy of a scalable target sets the service's desired count through ECS's
//! UpdateService, as Application Auto Scaling does, and records the activity. The scale-out
//! cooldown counts what the last scale-out added as already there; the scale-in cooldown holds
//! back further scale-ins (a scale-out ends it). A scalable target keeps its service's desired
//! count within its bounds, and its scheduled actions set those bounds on the sandbox's clock.

use std::collections::HashMap;

use escala_core::scaling::schedule::{self, Schedule, Timing};
use escala_core::scaling::{cooldown, target_tracking, Group as Bounds, Service, Trigger};
use escala_sandbox::Speed;
use jiff::Timestamp;
use serde_json::json;

use crate::clock::Clock;
use crate::emulator::Emulator;
use crate::world::{
    Alarm, EcsService, Place, ScalableTarget, TargetSchedule, TrackingPolicy, World,
};

/// ECS's only scalable dimension.
const DIMENSION: &str = "ecs:service:DesiredCount";

type TargetKey = (Place, String);

#[derive(Debug)]
pub struct ServiceScaler {
    clock: Clock,
    /// The last scale-out of each target (sandbox clock) and how much it added.
    last_out: HashMap<TargetKey, (Timestamp, u32)>,
    /// The last scale-in of each target, while its cooldown may run.
    last_in: HashMap<TargetKey, Timestamp>,
    /// Each scheduled action's next firing on the sandbox's clock.
    next_firing: HashMap<(TargetKey, String), Option<Timestamp>>,
}

impl ServiceScaler {
    pub fn new(speed: Speed) -> Self {
        Self {
            clock: Clock::new(speed),
            last_out: HashMap::new(),
            last_in: HashMap::new(),
            next_firing: HashMap::new(),
        }
    }

    /// Runs the target tracking policies whose alarms are in ALARM.
    pub async fn act(&mut self, world: &World, firing: &[(Alarm, f64)], emulator: &Emulator) {
        for (alarm, value) in firing {
            for action in &alarm.actions {
                let found = world
                    .scalable_targets
                    .iter()
                    .filter(|t| t.place == alarm.place && t.dimension == DIMENSION)
                    .find_map(|t| {
                        t.policies
                            .iter()
                            .find(|p| action.starts_with(&p.arn))
                            .map(|p| (t, p))
                    });
                let Some((target, policy)) = found else {
                    continue;
                };
                let Some(service) = service_of(world, target) else {
                    continue;
                };
                self.track(emulator, target, policy, service, alarm, *value)
                    .await;
            }
        }
    }

    async fn track(
        &mut self,
        emulator: &Emulator,
        target: &ScalableTarget,
        policy: &TrackingPolicy,
        service: &EcsService,
        alarm: &Alarm,
        value: f64,
    ) {
        let Some(goal) = policy
            .target_value
            .filter(|_| policy.policy_type == "TargetTrackingScaling")
        else {
            return;
        };
        let now = self.clock.now();
        let key = (target.place.clone(), target.resource.clone());
        let warming = self
            .last_out
            .get(&key)
            .filter(|(at, _)| cooldown::within(*at, policy.scale_out_cooldown, now))
            .map_or(0, |(_, added)| *added);
        let cooling = self
            .last_in
            .get(&key)
            .is_some_and(|at| cooldown::within(*at, policy.scale_in_cooldown, now));
        let bounds = Bounds {
            min: target.min,
            desired: service.desired,
            max: target.max,
            warming,
        };
        let scale_in = !policy.disable_scale_in && !cooling;
        let Some(new) = target_tracking::desired(bounds, value, goal, scale_in) else {
            return;
        };
        let trigger = Trigger {
            at: Timestamp::now(),
            alarm: &alarm.name,
            policy: &policy.name,
            service: Service::ApplicationAutoScaling,
        };
        let decision = trigger.decision(service.desired, new);
        if set_desired(emulator, target, service, new, &decision.cause).await {
            if new > service.desired {
                self.last_out
                    .insert(key.clone(), (now, new - service.desired));
                // A scale-out ends the scale-in cooldown.
                self.last_in.remove(&key);
            } else {
                self.last_in.insert(key, now);
            }
        }
    }

    /// Fires the scheduled actions that are due, and keeps each service within its target's
    /// bounds.
    pub async fn schedule(&mut self, world: &World, emulator: &Emulator) {
        let now = self.clock.now();
        for target in world
            .scalable_targets
            .iter()
            .filter(|t| t.dimension == DIMENSION)
        {
            let Some(service) = service_of(world, target) else {
                continue;
            };
            let key = (target.place.clone(), target.resource.clone());
            let (mut min, mut max) = (target.min, target.max);
            for action in &target.scheduled {
                let timing = timing(action);
                let next = self
                    .next_firing
                    .entry((key.clone(), action.name.clone()))
                    .or_insert_with(|| timing.as_ref().and_then(|t| t.next_after(now)));
                let Some(due) = *next else {
                    continue;
                };
                if now < due {
                    continue;
                }
                *next = timing.as_ref().and_then(|t| t.next_after(now));
                let Some((lo, _, hi)) =
                    schedule::fire((min, service.desired, max), action.min, None, action.max)
                else {
                    continue;
                };
                if set_bounds(emulator, target, lo, hi).await {
                    (min, max) = (lo, hi);
                }
            }
            let within = service.desired.clamp(min, max.max(min));
            if service.status == "ACTIVE" && within != service.desired {
                let cause = format!(
                    "the desired count {} was outside the scalable target's bounds ({min} to {max})",
                    service.desired
                );
                set_desired(emulator, target, service, within, &cause).await;
            }
        }
        self.next_firing.retain(|((place, resource), _), _| {
            world
                .scalable_targets
                .iter()
                .any(|t| &t.place == place && &t.resource == resource)
        });
    }
}

fn service_of<'w>(world: &'w World, target: &ScalableTarget) -> Option<&'w EcsService> {
    world
        .services
        .iter()
        .find(|s| s.place == target.place && s.resource_id() == target.resource)
}

/// UpdateService with the new desired count, and the activity Application Auto Scaling records.
async fn set_desired(
    emulator: &Emulator,
    target: &ScalableTarget,
    service: &EcsService,
    desired: u32,
    cause: &str,
) -> bool {
    let Ok(clients) = emulator.clients(&target.place).await else {
        return false;
    };
    if let Err(e) = clients
        .ecs
        .update_service()
        .cluster(&service.cluster)
        .service(&service.name)
        .desired_count(desired as i32)
        .send()
        .await
    {
        tracing::debug!(error = %e, "setting a service's desired count");
        return false;
    }
    let activity = json!({
        "account": target.place.account,
        "region": target.place.region,
        "namespace": target.namespace,
        "resource": target.resource,
        "dimension": target.dimension,
        "description": format!("Setting desired count to {desired}."),
        "cause": cause,
        "desired": desired,
    });
    if let Err(e) = emulator.record_activity(activity).await {
        tracing::debug!(error = %e, "recording a scaling activity");
    }
    true
}

/// RegisterScalableTarget with a scheduled action's bounds, as Application Auto Scaling applies
/// them.
async fn set_bounds(emulator: &Emulator, target: &ScalableTarget, min: u32, max: u32) -> bool {
    let Ok(clients) = emulator.clients(&target.place).await else {
        return false;
    };
    clients
        .aas
        .register_scalable_target()
        .service_namespace(aws_sdk_applicationautoscaling::types::ServiceNamespace::Ecs)
        .resource_id(&target.resource)
        .scalable_dimension(
            aws_sdk_applicationautoscaling::types::ScalableDimension::EcsServiceDesiredCount,
        )
        .min_capacity(min as i32)
        .max_capacity(max as i32)
        .send()
        .await
        .map_err(|e| tracing::debug!(error = %e, "a scheduled action"))
        .is_ok()
}

/// When a scheduled action fires: Application Auto Scaling's `cron(...)` read back as the Unix
/// cron the core evaluates, or its `at(...)` and `rate(...)` as they are.
fn timing(action: &TargetSchedule) -> Option<Timing> {
    Some(Timing {
        schedule: Some(Schedule::parse(&unix_cron(&action.schedule))?),
        time_zone: schedule::time_zone(action.time_zone.as_deref())?,
        start: None,
        end: None,
    })
}

/// `cron(m h dom mon dow year)`, weekdays from Sunday as 1 and `?` for the unused day, as the
/// five-field cron it was written from (weekdays from Sunday as 0). Other expressions unchanged.
fn unix_cron(expr: &str) -> String {
    let Some(inner) = expr
        .trim()
        .strip_prefix("cron(")
        .and_then(|e| e.strip_suffix(')'))
    else {
        return expr.to_string();
    };
    let f: Vec<&str> = inner.split_whitespace().collect();
    let [minute, hour, dom, month, dow, ..] = f[..] else {
        return expr.to_string();
    };
    let any = |d: &str| {
        if d == "?" {
            "*".to_string()
        } else {
            d.to_string()
        }
    };
    let weekday = |d: &str| match d.parse::<u32>() {
        Ok(n) => ((n + 6) % 7).to_string(),
        Err(_) => d.to_string(),
    };
    let dow: String = any(dow)
        .split(',')
        .map(|part| part.split('-').map(weekday).collect::<Vec<_>>().join("-"))
        .collect::<Vec<_>>()
        .join(",");
    format!("{minute} {hour} {} {month} {dow}", any(dom))
}

#[cfg(test)]
mod tests {
    use super::unix_cron;

    #[test]
    fn application_auto_scalings_cron_reads_back_as_the_unix_cron_it_was_written_from() {
        assert_eq!(unix_cron("cron(0 8 ? * 2-6 *)"), "0 8 * * 1-5");
        assert_eq!(unix_cron("cron(30 22 1 * ? *)"), "30 22 1 * *");
        assert_eq!(unix_cron("cron(0 0 ? * 1,7 *)"), "0 0 * * 0,6");
        assert_eq!(unix_cron("cron(0 9 ? * MON-FRI *)"), "0 9 * * MON-FRI");
        assert_eq!(
            unix_cron("at(2026-12-24T18:00:00)"),
            "at(2026-12-24T18:00:00)"
        );
    }
}

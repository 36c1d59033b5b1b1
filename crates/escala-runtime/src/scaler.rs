//! Alarms and policies acting, with AWS's algorithms (`escala_core::scaling`): each period the
//! alarms are evaluated on the metrics the runtime published, their state changes are set
//! through SetAlarmState, and an alarm in ALARM runs its scaling policies, which set the group's
//! desired capacity through SetDesiredCapacity, with the cause AWS would record. Scheduled
//! actions fire on the sandbox's clock, which runs at the time factor.

use std::collections::HashMap;

use escala_core::scaling::alarm::{
    self, AlarmRule, AlarmState, Comparison, Statistic, TreatMissing,
};
use escala_core::scaling::schedule::{self, Schedule, Timing};
use escala_core::scaling::step::{self, AdjustmentType, StepAdjustment};
use escala_core::scaling::{cooldown, target_tracking, Group as Bounds, Service, Trigger};
use escala_sandbox::Speed;
use jiff::Timestamp;

use crate::clock::Clock;
use crate::emulator::Emulator;
use crate::metrics::{Key, Series, PERIOD_SECONDS};
use crate::world::{number, Alarm, Group, Place, Policy, World};

type GroupKey = (Place, String);

#[derive(Debug)]
pub struct Scaler {
    clock: Clock,
    /// When the instances each scale-out added were asked for (sandbox clock), for their warm-up.
    launches: HashMap<GroupKey, Vec<Timestamp>>,
    /// The group's last scaling activity (sandbox clock), for simple scaling's cooldown.
    last_activity: HashMap<GroupKey, Timestamp>,
    /// Each scheduled action's next firing on the sandbox's clock.
    next_firing: HashMap<(GroupKey, String), Option<Timestamp>>,
}

impl Scaler {
    pub fn new(speed: Speed) -> Self {
        Self {
            clock: Clock::new(speed),
            launches: HashMap::new(),
            last_activity: HashMap::new(),
            next_firing: HashMap::new(),
        }
    }

    /// Evaluates every alarm on the periods published so far, and runs the groups' policies of
    /// those in ALARM. Returns every alarm in ALARM with actions enabled, and its latest value,
    /// for the policies of other services (Application Auto Scaling's).
    pub async fn evaluate(
        &mut self,
        world: &World,
        series: &Series,
        emulator: &Emulator,
    ) -> Vec<(Alarm, f64)> {
        let mut firing = Vec::new();
        for a in &world.alarms {
            let Some(comparison) = Comparison::from_aws(&a.comparison) else {
                continue;
            };
            let rule = AlarmRule {
                threshold: a.threshold,
                comparison,
                period_seconds: a.period,
                evaluation_periods: a.evaluation_periods,
                datapoints_to_alarm: a.datapoints_to_alarm,
                treat_missing: TreatMissing::from_aws(&a.treat_missing),
            };
            let points = datapoints(a, &rule, series);
            let previous = AlarmState::from_aws(&a.state);
            let state = alarm::evaluate(&rule, &points, previous);
            if state != previous {
                set_state(emulator, a, state, &points, &rule).await;
            }
            if state == AlarmState::Alarm && a.actions_enabled {
                let value = points.iter().rev().flatten().next().copied();
                for arn in &a.actions {
                    let found = world
                        .groups
                        .iter()
                        .filter(|g| g.place == a.place)
                        .find_map(|g| g.policies.iter().find(|p| &p.arn == arn).map(|p| (g, p)));
                    if let (Some((group, policy)), Some(value)) = (found, value) {
                        self.run_policy(emulator, group, policy, a, value).await;
                    }
                }
                if let Some(value) = value {
                    firing.push((a.clone(), value));
                }
            }
        }
        firing
    }

    fn warming(&mut self, group: &Group, policy: &Policy, now: Timestamp) -> u32 {
        let warmup = cooldown::instance_warmup(
            policy
                .estimated_instance_warmup
                .as_ref()
                .and_then(number)
                .map(|s| s as u32),
            group.default_instance_warmup,
            group.default_cooldown,
        );
        let key = (group.place.clone(), group.name.clone());
        let launches = self.launches.entry(key).or_default();
        let warming = cooldown::warming(launches, warmup, now);
        launches.retain(|t| cooldown::within(*t, warmup, now));
        warming
    }

    async fn run_policy(
        &mut self,
        emulator: &Emulator,
        group: &Group,
        policy: &Policy,
        a: &Alarm,
        value: f64,
    ) {
        let now = self.clock.now();
        let simple = policy.policy_type == "SimpleScaling";
        let bounds = Bounds {
            min: group.min,
            desired: group.desired,
            max: group.max,
            // Simple scaling has no warm-up: it waits out its cooldown instead.
            warming: if simple {
                0
            } else {
                self.warming(group, policy, now)
            },
        };
        let key = (group.place.clone(), group.name.clone());
        let kind = policy
            .adjustment_type
            .as_deref()
            .and_then(AdjustmentType::from_aws);
        let magnitude = policy
            .min_adjustment_magnitude
            .as_ref()
            .and_then(number)
            .unwrap_or(0.0) as u32;
        let new = match policy.policy_type.as_str() {
            "TargetTrackingScaling" => policy.target_value.and_then(|target| {
                target_tracking::desired(bounds, value, target, !policy.disable_scale_in)
            }),
            "StepScaling" => {
                let steps: Vec<StepAdjustment> = policy
                    .step_adjustments
                    .iter()
                    .map(|s| StepAdjustment {
                        lower: s.metric_interval_lower_bound.as_ref().and_then(number),
                        upper: s.metric_interval_upper_bound.as_ref().and_then(number),
                        adjustment: number(&s.scaling_adjustment).unwrap_or(0.0) as i32,
                    })
                    .collect();
                let breach = value - a.threshold;
                match (step::step_for(&steps, breach), kind) {
                    (Some(s), Some(kind)) => step::desired(bounds, kind, s.adjustment, magnitude),
                    _ => None,
                }
            }
            "SimpleScaling" => {
                let wait = cooldown::simple_cooldown(policy.cooldown, group.default_cooldown);
                let last = self.last_activity.get(&key).copied();
                match (kind, policy.scaling_adjustment) {
                    (Some(kind), Some(adj)) if cooldown::cooled_down(last, wait, now) => {
                        step::desired(bounds, kind, adj as i32, magnitude)
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        let Some(new) = new else {
            return;
        };
        let trigger = Trigger {
            at: Timestamp::now(),
            alarm: &a.name,
            policy: &policy.name,
            service: Service::Ec2AutoScaling,
        };
        let decision = trigger.decision(group.desired, new);
        if self
            .set_desired(emulator, group, decision.desired, &decision.cause)
            .await
        {
            if new > group.desired {
                let launches = self.launches.entry(key.clone()).or_default();
                launches.extend(std::iter::repeat_n(now, (new - group.desired) as usize));
            }
            self.last_activity.insert(key, now);
        }
    }

    async fn set_desired(
        &self,
        emulator: &Emulator,
        group: &Group,
        desired: u32,
        cause: &str,
    ) -> bool {
        let Ok(clients) = emulator.clients(&group.place).await else {
            return false;
        };
        let _ = emulator.set_cause(&group.place, &group.name, cause).await;
        match clients
            .autoscaling
            .set_desired_capacity()
            .auto_scaling_group_name(&group.name)
            .desired_capacity(desired as i32)
            .send()
            .await
        {
            Ok(_) => true,
            Err(e) => {
                tracing::debug!(error = %e, "setting the desired capacity");
                false
            }
        }
    }

    /// Fires the scheduled actions that are due on the sandbox's clock.
    pub async fn schedule(&mut self, world: &World, emulator: &Emulator) {
        let now = self.clock.now();
        for group in &world.groups {
            for action in &group.scheduled {
                let key = (
                    (group.place.clone(), group.name.clone()),
                    action.name.clone(),
                );
                let timing = timing(action);
                let next = self
                    .next_firing
                    .entry(key.clone())
                    .or_insert_with(|| timing.as_ref().and_then(|t| t.next_after(now)));
                let Some(due) = *next else {
                    continue;
                };
                if now < due {
                    continue;
                }
                *next = timing.as_ref().and_then(|t| t.next_after(now));
                let Some((min, desired, max)) = schedule::fire(
                    (group.min, group.desired, group.max),
                    action.min,
                    action.desired,
                    action.max,
                ) else {
                    continue;
                };
                let cause = schedule::cause(Timestamp::now(), group.desired, (min, desired, max));
                let Ok(clients) = emulator.clients(&group.place).await else {
                    continue;
                };
                let _ = emulator.set_cause(&group.place, &group.name, &cause).await;
                if let Err(e) = clients
                    .autoscaling
                    .update_auto_scaling_group()
                    .auto_scaling_group_name(&group.name)
                    .min_size(min as i32)
                    .max_size(max as i32)
                    .desired_capacity(desired as i32)
                    .send()
                    .await
                {
                    tracing::debug!(error = %e, action = action.name, "a scheduled action");
                }
            }
        }
        self.next_firing.retain(|((place, name), _), _| {
            world
                .groups
                .iter()
                .any(|g| &g.place == place && &g.name == name)
        });
    }
}

/// When an action fires: its recurrence in its time zone, from its start time if it has one.
fn timing(action: &crate::world::Scheduled) -> Option<Timing> {
    let schedule = match action.recurrence.as_deref() {
        Some(r) => Some(Schedule::parse(r)?),
        None => None,
    };
    Some(Timing {
        schedule,
        time_zone: schedule::time_zone(action.time_zone.as_deref())?,
        start: action.start_time.as_deref().and_then(|s| s.parse().ok()),
        end: None,
    })
}

/// The alarm's datapoints, one per period of the alarm (its period may span several of the
/// one-minute periods published), oldest first, as many as CloudWatch retrieves for it.
fn datapoints(a: &Alarm, rule: &AlarmRule, series: &Series) -> Vec<Option<f64>> {
    let minutes = (a.period as u64 / PERIOD_SECONDS).max(1) as usize;
    let mut dimensions: Vec<(String, String)> = a
        .dimensions
        .iter()
        .map(|d| (d.name.clone(), d.value.clone()))
        .collect();
    dimensions.sort();
    let key = Key {
        place: a.place.clone(),
        namespace: a.namespace.clone(),
        name: a.metric.clone(),
        dimensions,
    };
    let statistic = a
        .statistic
        .as_deref()
        .and_then(Statistic::from_aws)
        .unwrap_or(Statistic::Average);
    series
        .last(&key, minutes * rule.evaluation_range())
        .chunks(minutes)
        .map(|chunk| {
            let present: Vec<f64> = chunk.iter().flatten().copied().collect();
            statistic.of(&present)
        })
        .collect()
}

/// SetAlarmState with the reason CloudWatch gives.
async fn set_state(
    emulator: &Emulator,
    a: &Alarm,
    state: AlarmState,
    points: &[Option<f64>],
    rule: &AlarmRule,
) {
    let shown: Vec<String> = points.iter().flatten().map(|v| format!("{v:.1}")).collect();
    let reason = match state {
        AlarmState::InsufficientData => "Insufficient Data: no datapoints were received for the evaluation periods.".to_string(),
        _ => format!(
            "Threshold Crossed: {} datapoint(s) [{}] were {} the threshold ({}) (minimum {} datapoints for OK -> ALARM transition).",
            shown.len(),
            shown.join(", "),
            if state == AlarmState::Alarm { rule.comparison.words().to_string() } else { format!("not {}", rule.comparison.words()) },
            a.threshold,
            a.datapoints_to_alarm
        ),
    };
    let Ok(clients) = emulator.clients(&a.place).await else {
        return;
    };
    if let Err(e) = clients
        .cloudwatch
        .set_alarm_state()
        .alarm_name(&a.name)
        .state_value(aws_sdk_cloudwatch::types::StateValue::from(state.as_aws()))
        .state_reason(reason)
        .send()
        .await
    {
        tracing::debug!(error = %e, "setting an alarm's state");
    }
}

//! AWS's scaling algorithms, pure: no I/O, no AWS SDK types and no clock of their own. Instants
//! are [`jiff::Timestamp`]s the caller passes in and lengths are AWS's whole seconds, so the
//! sandbox runtime runs them on the metrics it publishes at its time factor, the what-if
//! simulator on a model's virtual clock, and the Fargate route (Application Auto Scaling, which
//! documents the same alarms and rules) and a Kubernetes autoscaler on theirs.
//!
//! - [`alarm`]: CloudWatch's M-out-of-N evaluation, with missing data treated as the alarm says;
//! - [`target_tracking`]: the two alarms AWS makes for a policy, and the capacity it asks for;
//! - [`step`]: step and simple scaling's adjustments, AWS's percent rounding, and step checks;
//! - [`cooldown`]: warm-up and cooldown windows, and which setting gives their length;
//! - [`cron`] and [`schedule`]: scheduled actions' Unix cron, `at(...)` and `rate(...)` in an
//!   IANA time zone, and what a firing does to a group;
//! - [`warm_pool`]: how many instances the warm pool keeps;
//! - [`hpa`]: Kubernetes' HorizontalPodAutoscaler: the usage ratio with its tolerance and its
//!   handling of pods without metrics, then the stabilization windows and rate policies;
//! - [`work`]: what a request of the demo workload costs in CPU;
//! - [`cluster_autoscaler`]: pending pods binpacked onto the node groups' template nodes, the
//!   expander's choice, similar groups balanced, and underused nodes removed.
//!
//! A policy's answer is a new desired capacity; [`Trigger::decision`] words it as the scaling
//! activity's cause, as AWS records it.

pub mod alarm;
pub mod cluster_autoscaler;
pub mod cooldown;
pub mod cron;
pub mod hpa;
pub mod schedule;
pub mod step;
pub mod target_tracking;
pub mod warm_pool;
pub mod work;

use jiff::Timestamp;

/// A group's bounds and size as a policy sees them: an Auto Scaling group, an ECS service's
/// scalable target, a Deployment's replicas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    pub min: u32,
    pub desired: u32,
    pub max: u32,
    /// Capacity a scale-out added that doesn't show in the metric yet: EC2 instances still in
    /// their warm-up, or (Application Auto Scaling) what was added during the scale-out cooldown.
    pub warming: u32,
}

impl Group {
    /// `n` within the group's bounds: no policy sets a desired capacity outside them. A minimum
    /// above the maximum (which AWS refuses) yields the maximum rather than a panic.
    pub fn clamp(&self, n: i64) -> u32 {
        n.max(i64::from(self.min)).min(i64::from(self.max)) as u32
    }
}

/// Which AWS service runs the policy: they share the algorithms but word their activities, and
/// set target tracking's scale-in alarm, differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Ec2AutoScaling,
    ApplicationAutoScaling,
}

/// What invoked a policy: the alarm in ALARM, when, and the policy's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trigger<'a> {
    pub at: Timestamp,
    pub alarm: &'a str,
    pub policy: &'a str,
    pub service: Service,
}

/// A policy's new desired capacity, and the cause its scaling activity records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub desired: u32,
    pub cause: String,
}

impl Trigger<'_> {
    /// The activity that takes the desired capacity `from` → `to`, with its cause worded as the
    /// service does (`DescribeScalingActivities`' `Cause`).
    pub fn decision(&self, from: u32, to: u32) -> Decision {
        let cause = match self.service {
            Service::Ec2AutoScaling => format!(
                "At {} a monitor alarm {} in state ALARM triggered policy {} changing the desired capacity from {from} to {to}.",
                aws_time(self.at),
                self.alarm,
                self.policy
            ),
            Service::ApplicationAutoScaling => format!(
                "monitor alarm {} in state ALARM triggered policy {}",
                self.alarm, self.policy
            ),
        };
        Decision { desired: to, cause }
    }
}

/// An instant as AWS writes it in a cause: whole seconds, UTC, `2020-02-11T18:34:10Z`.
pub fn aws_time(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    // https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-verify-scaling-activity.html
    // (its describe-scaling-activities example: the cause's first sentence).
    #[test]
    fn ec2_causes_read_as_aws_records_them() {
        let trigger = Trigger {
            at: "2020-02-11T18:34:10.567Z".parse().unwrap(),
            alarm: "TargetTracking-my-asg-AlarmLow-b9376cab-18a7-4385-920c-dfa3f7783f82",
            policy: "my-target-tracking-policy",
            service: Service::Ec2AutoScaling,
        };
        assert_eq!(
            trigger.decision(3, 2),
            Decision {
                desired: 2,
                cause: "At 2020-02-11T18:34:10Z a monitor alarm TargetTracking-my-asg-AlarmLow-b9376cab-18a7-4385-920c-dfa3f7783f82 in state ALARM triggered policy my-target-tracking-policy changing the desired capacity from 3 to 2.".into()
            }
        );
    }

    // https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-scaling-activities.html
    #[test]
    fn application_auto_scaling_causes_name_only_the_alarm_and_policy() {
        let trigger = Trigger {
            at: "2016-05-06T17:03:58Z".parse().unwrap(),
            alarm: "web-app-cpu-lt-25",
            policy: "web-app-cpu-lt-25",
            service: Service::ApplicationAutoScaling,
        };
        assert_eq!(
            trigger.decision(2, 1).cause,
            "monitor alarm web-app-cpu-lt-25 in state ALARM triggered policy web-app-cpu-lt-25"
        );
    }

    #[test]
    fn clamp_keeps_within_bounds_even_when_they_cross() {
        let g = |min, max| Group {
            min,
            desired: min,
            max,
            warming: 0,
        };
        assert_eq!(g(1, 4).clamp(-3), 1);
        assert_eq!(g(1, 4).clamp(9), 4);
        assert_eq!(g(1, 4).clamp(3), 3);
        assert_eq!(g(5, 3).clamp(4), 3);
    }
}

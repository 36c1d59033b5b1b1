//! Warm-up and cooldown windows as functions of the times passed in, and which setting gives
//! their length. Docs: "Available warm-up and cooldown settings"
//! (<https://docs.aws.amazon.com/autoscaling/ec2/userguide/consolidated-view-of-warm-up-and-cooldown-settings.html>)
//! and "Scaling cooldowns for Amazon EC2 Auto Scaling"
//! (<https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scaling-cooldowns.html>).

use jiff::{SignedDuration, Timestamp};

/// The group's `DefaultCooldown` when it sets none.
pub const DEFAULT_COOLDOWN_SECONDS: u32 = 300;

/// Whether `now` falls in the `seconds` that follow `start` (from `start`, up to but not
/// including its end).
pub fn within(start: Timestamp, seconds: u32, now: Timestamp) -> bool {
    let elapsed = now.duration_since(start);
    !elapsed.is_negative() && elapsed < SignedDuration::from_secs(i64::from(seconds))
}

/// The warm-up of instances a target tracking or step policy launched: its
/// `EstimatedInstanceWarmup`, else the group's `DefaultInstanceWarmup`, else its
/// `DefaultCooldown`, else that cooldown's default.
pub fn instance_warmup(
    estimated: Option<u32>,
    default_instance_warmup: Option<u32>,
    default_cooldown: Option<u32>,
) -> u32 {
    estimated
        .or(default_instance_warmup)
        .or(default_cooldown)
        .unwrap_or(DEFAULT_COOLDOWN_SECONDS)
}

/// How many of the instances launched at `launches` are still in their warm-up at `now`: what
/// [`super::Group::warming`] holds for an EC2 group.
pub fn warming(launches: &[Timestamp], warmup_seconds: u32, now: Timestamp) -> u32 {
    launches
        .iter()
        .filter(|launched| within(**launched, warmup_seconds, now))
        .count() as u32
}

/// The cooldown a simple scaling policy waits out: its own `Cooldown`, else the group's
/// `DefaultCooldown`, else 300 s.
pub fn simple_cooldown(policy: Option<u32>, default_cooldown: Option<u32>) -> u32 {
    policy
        .or(default_cooldown)
        .unwrap_or(DEFAULT_COOLDOWN_SECONDS)
}

/// Whether a simple scaling policy may respond to its alarm at `now`: the group has had no
/// scaling activity, or the cooldown has passed since the last one ended (when its last
/// instance finished launching or terminating). Don't ask while an activity is still running:
/// simple scaling waits for it too. Target tracking, step scaling and scheduled actions don't
/// wait for cooldowns.
pub fn cooled_down(
    last_activity_end: Option<Timestamp>,
    cooldown_seconds: u32,
    now: Timestamp,
) -> bool {
    last_activity_end.is_none_or(|end| !within(end, cooldown_seconds, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_window_starts_at_its_start_and_ends_before_its_end() {
        let start = at("2026-12-02T10:00:00Z");
        assert!(!within(start, 300, at("2026-12-02T09:59:59Z")));
        assert!(within(start, 300, start));
        assert!(within(start, 300, at("2026-12-02T10:04:59Z")));
        assert!(!within(start, 300, at("2026-12-02T10:05:00Z")));
        assert!(!within(start, 0, start), "a zero warm-up is over at once");
    }

    // https://docs.aws.amazon.com/autoscaling/ec2/userguide/consolidated-view-of-warm-up-and-cooldown-settings.html
    // (EstimatedInstanceWarmup "defaults to the value for the default instance warmup ... If
    // default instance warmup is null, then it falls back to the value of default cooldown";
    // DefaultCooldown's default is 300 seconds).
    #[test]
    fn the_docs_warm_up_fallbacks() {
        assert_eq!(instance_warmup(Some(60), Some(120), Some(200)), 60);
        assert_eq!(instance_warmup(None, Some(120), Some(200)), 120);
        assert_eq!(instance_warmup(None, Some(0), Some(200)), 0);
        assert_eq!(instance_warmup(None, None, Some(200)), 200);
        assert_eq!(instance_warmup(None, None, None), 300);
    }

    #[test]
    fn only_recent_launches_are_warming() {
        let now = at("2026-12-02T10:05:00Z");
        let launches = [
            at("2026-12-02T10:00:00Z"),
            at("2026-12-02T10:03:00Z"),
            at("2026-12-02T10:04:30Z"),
        ];
        assert_eq!(warming(&launches, 120, now), 1);
        assert_eq!(warming(&launches, 300, now), 2);
        assert_eq!(warming(&launches, 301, now), 3);
    }

    // https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scaling-cooldowns.html
    // (the default cooldown of 300 seconds, a policy's own Cooldown overriding it, and the
    // cooldown starting when the last instance finishes launching or terminating).
    #[test]
    fn the_docs_simple_scaling_cooldown() {
        assert_eq!(simple_cooldown(None, None), 300);
        assert_eq!(simple_cooldown(None, Some(600)), 600);
        assert_eq!(simple_cooldown(Some(60), Some(600)), 60);
        let ended = at("2026-12-02T10:00:00Z");
        assert!(cooled_down(None, 300, ended));
        assert!(!cooled_down(Some(ended), 300, at("2026-12-02T10:04:59Z")));
        assert!(cooled_down(Some(ended), 300, at("2026-12-02T10:05:00Z")));
    }
}

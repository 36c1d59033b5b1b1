use super::*;

fn group(min: u32, desired: u32, max: u32, warming: u32) -> Group {
    Group {
        min,
        desired,
        max,
        warming,
    }
}

// https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html
// (Considerations: a target of 50 % CPU; "adding 1.5 instances ... we round up and add two
// instances"; "removing 1.5 instances ... we remove just one instance").
#[test]
fn the_docs_rounding_adds_two_for_one_and_a_half_and_removes_one() {
    // 2 instances at 87.5 % want 3.5 at 50 %: 1.5 more, rounded up to 2.
    assert_eq!(desired(group(1, 2, 10, 0), 87.5, 50.0, true), Some(4));
    // 4 instances at 31.25 % want 2.5: 1.5 fewer, of which 1 goes.
    assert_eq!(desired(group(1, 4, 10, 0), 31.25, 50.0, true), Some(3));
}

#[test]
fn never_above_max_nor_below_min() {
    assert_eq!(desired(group(1, 3, 4, 0), 100.0, 50.0, true), Some(4));
    assert_eq!(
        desired(group(1, 4, 4, 0), 100.0, 50.0, true),
        None,
        "already at max"
    );
    assert_eq!(desired(group(2, 4, 8, 0), 1.0, 50.0, true), Some(2));
    assert_eq!(
        desired(group(2, 2, 8, 0), 1.0, 50.0, true),
        None,
        "already at min"
    );
}

// https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html
// (Define instance warm-up time: warming instances don't count toward the metric, are "counted
// as part of the desired capacity for the next scale-out activity", and block scale-in).
#[test]
fn warming_instances_are_not_asked_for_twice() {
    // 10 counted + 1 warming; at 105 % of the target the 10 want 10.5 → 11, already desired.
    assert_eq!(desired(group(1, 11, 20, 1), 52.5, 50.0, true), None);
    // At 130 % they want 13: two beyond the one on its way.
    assert_eq!(desired(group(1, 11, 20, 1), 65.0, 50.0, true), Some(13));
    // Scale-in waits for the warm-up.
    assert_eq!(desired(group(1, 11, 20, 1), 10.0, 50.0, true), None);
    assert_eq!(desired(group(1, 11, 20, 0), 10.0, 50.0, true), Some(3));
}

#[test]
fn scale_in_can_be_disabled() {
    assert_eq!(desired(group(1, 4, 10, 0), 20.0, 60.0, false), None);
    assert_eq!(desired(group(1, 4, 10, 0), 20.0, 60.0, true), Some(2));
    assert_eq!(
        desired(group(1, 2, 10, 0), 120.0, 60.0, false),
        Some(4),
        "scale-out still works"
    );
}

#[test]
fn an_exact_ratio_is_not_rounded_up_by_floating_point() {
    // 3 × 2.1 / 0.7 is 9.000000000000002 in f64.
    assert_eq!(desired(group(1, 3, 20, 0), 2.1, 0.7, true), Some(9));
}

#[test]
fn nothing_to_measure_means_no_decision() {
    assert_eq!(desired(group(0, 0, 10, 0), 90.0, 50.0, true), None);
    assert_eq!(desired(group(1, 2, 10, 2), 90.0, 50.0, true), None);
    assert_eq!(desired(group(1, 2, 10, 0), f64::NAN, 50.0, true), None);
}

#[test]
fn the_alarms_aws_creates() {
    let high = alarm_high(70.0);
    assert_eq!(high.comparison, Comparison::GreaterThanThreshold);
    assert_eq!(
        (
            high.threshold,
            high.period_seconds,
            high.evaluation_periods,
            high.datapoints_to_alarm
        ),
        (70.0, 60, 3, 3)
    );
    let low = alarm_low(70.0, Service::ApplicationAutoScaling);
    assert_eq!(low.comparison, Comparison::LessThanThreshold);
    assert!((low.threshold - 63.0).abs() < 1e-9);
    assert_eq!(
        (
            low.period_seconds,
            low.evaluation_periods,
            low.datapoints_to_alarm
        ),
        (60, 15, 15)
    );
    assert!((alarm_low(80.0, Service::ApplicationAutoScaling).threshold - 72.0).abs() < 1e-9);
    assert!((alarm_low(50.0, Service::Ec2AutoScaling).threshold - 35.0).abs() < 1e-9);
}

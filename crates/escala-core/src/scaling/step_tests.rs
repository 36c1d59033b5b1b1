use super::*;
use AdjustmentType::{ChangeInCapacity, ExactCapacity, PercentChangeInCapacity};

fn group(desired: u32, warming: u32) -> Group {
    Group {
        min: 1,
        desired,
        max: 20,
        warming,
    }
}

fn step(lower: Option<f64>, upper: Option<f64>, adjustment: i32) -> StepAdjustment {
    StepAdjustment {
        lower,
        upper,
        adjustment,
    }
}

/// The docs' scale-out policy: a threshold of 50 %, steps (relative to it) 0–10 unchanged,
/// 10–20 +10 %, 20 and up +30 %.
fn scale_out() -> Vec<StepAdjustment> {
    vec![
        step(Some(0.0), Some(10.0), 0),
        step(Some(10.0), Some(20.0), 10),
        step(Some(20.0), None, 30),
    ]
}

/// And its scale-in policy: −10–0 unchanged, −20–−10 −10 %, below −20 −30 %.
fn scale_in() -> Vec<StepAdjustment> {
    vec![
        step(Some(-10.0), Some(0.0), 0),
        step(Some(-20.0), Some(-10.0), -10),
        step(None, Some(-20.0), -30),
    ]
}

/// What a policy does at a metric value, the alarm's threshold being 50.
fn run(steps: &[StepAdjustment], g: Group, metric: f64) -> Option<u32> {
    let s = step_for(steps, metric - 50.0)?;
    desired(g, PercentChangeInCapacity, s.adjustment, 0)
}

// https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html
// (Step adjustments for step scaling: a group of 10, an alarm at 50 %, and the walk through
// 60 → 11, 70 → 14 (30 % of 11 is 3.3, rounded down), 40 → 13 (10 % of 14 is 1.4), and
// 30 → 10 (30 % of 13 is 3.9)).
#[test]
fn the_docs_step_example() {
    assert_eq!(
        run(&scale_out(), group(10, 0), 55.0),
        None,
        "40–60 keeps 10"
    );
    assert_eq!(run(&scale_in(), group(10, 0), 45.0), None);
    assert_eq!(run(&scale_out(), group(10, 0), 60.0), Some(11));
    assert_eq!(run(&scale_out(), group(11, 0), 70.0), Some(14));
    assert_eq!(run(&scale_in(), group(14, 0), 40.0), Some(13));
    assert_eq!(run(&scale_in(), group(13, 0), 30.0), Some(10));
}

// https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html
// ("If the metric value is above the breach threshold, the lower bound is inclusive and the
// upper bound is exclusive. If the metric value is below the breach threshold, the lower bound
// is exclusive and the upper bound is inclusive.")
#[test]
fn bounds_are_inclusive_toward_the_threshold() {
    let out = scale_out();
    assert_eq!(step_for(&out, 10.0).unwrap().adjustment, 10);
    assert_eq!(step_for(&out, 19.999).unwrap().adjustment, 10);
    assert_eq!(step_for(&out, 20.0).unwrap().adjustment, 30);
    assert_eq!(step_for(&out, 0.0).unwrap().adjustment, 0);
    assert!(step_for(&out, -0.5).is_none());
    let r#in = scale_in();
    assert_eq!(step_for(&r#in, -9.999).unwrap().adjustment, 0);
    assert_eq!(step_for(&r#in, -10.0).unwrap().adjustment, -10);
    assert_eq!(step_for(&r#in, -19.999).unwrap().adjustment, -10);
    assert_eq!(step_for(&r#in, -20.0).unwrap().adjustment, -30);
    assert_eq!(step_for(&r#in, 0.0).unwrap().adjustment, 0);
}

// https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html
// (Scaling adjustment types: "12.7 is rounded to 12", ".67 is rounded to 1", "-.58 is rounded
// to -1", "-6.67 is rounded to -6"; and 25 % of 4 instances with a MinAdjustmentMagnitude of 2
// adds 2).
#[test]
fn percent_changes_round_as_documented() {
    assert_eq!(percent_change(127, 10, 0), 12);
    assert_eq!(percent_change(67, 1, 0), 1);
    assert_eq!(percent_change(58, -1, 0), -1);
    assert_eq!(percent_change(667, -1, 0), -6);
    assert_eq!(percent_change(4, 25, 0), 1);
    assert_eq!(percent_change(4, 25, 2), 2);
    assert_eq!(percent_change(40, -25, 2), -10, "the floor doesn't cap");
    assert_eq!(percent_change(0, 25, 2), 2);
    assert_eq!(percent_change(10, 0, 2), 0);
}

// https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html
// (Scaling adjustment types: current 3 and adjustment 5 make 8 with ChangeInCapacity and 5
// with ExactCapacity; current 10 and 10 % make 11).
#[test]
fn the_docs_adjustment_types() {
    assert_eq!(desired(group(3, 0), ChangeInCapacity, 5, 0), Some(8));
    assert_eq!(desired(group(3, 0), ExactCapacity, 5, 0), Some(5));
    assert_eq!(
        desired(group(10, 0), PercentChangeInCapacity, 10, 0),
        Some(11)
    );
}

#[test]
fn adjustments_stay_within_the_bounds() {
    assert_eq!(desired(group(4, 0), ChangeInCapacity, -10, 0), Some(1));
    assert_eq!(desired(group(19, 0), ChangeInCapacity, 5, 0), Some(20));
    assert_eq!(desired(group(20, 0), ChangeInCapacity, 5, 0), None);
    assert_eq!(desired(group(4, 0), ExactCapacity, 4, 0), None);
}

// https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html
// (Instance warm-up, in the page's 2021 wording: with the example's policy, the metric at 60
// makes 11; at 62 while the new instance warms up, 10 % of the current 10 adds nothing to the
// desired 11; at 70, 30 % of 10 asks for 13, "so we add only 2 instances"; and scale-in waits
// for the warm-up).
#[test]
fn the_docs_warm_up_example() {
    assert_eq!(run(&scale_out(), group(10, 0), 60.0), Some(11));
    assert_eq!(run(&scale_out(), group(11, 1), 62.0), None);
    assert_eq!(run(&scale_out(), group(11, 1), 70.0), Some(13));
    assert_eq!(run(&scale_in(), group(11, 1), 30.0), None);
    assert_eq!(desired(group(11, 1), ExactCapacity, 5, 0), None);
}

#[test]
fn the_docs_steps_are_valid() {
    assert_eq!(problem(&scale_out()), None);
    assert_eq!(problem(&scale_in()), None);
}

// https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html
// (the rules listed under the step adjustments example).
#[test]
fn invalid_steps_say_what_is_wrong() {
    let out = scale_out();
    let said = |steps: &[StepAdjustment]| problem(steps).expect("a problem");
    assert!(said(&[out[0], out[2]]).contains("gap"));
    assert!(said(&[step(Some(0.0), Some(15.0), 1), out[1], out[2]]).contains("overlap"));
    assert!(said(&[step(None, None, 1)]).contains("both"));
    assert!(said(&[step(Some(5.0), Some(5.0), 1), out[2]]).contains("below its upper"));
    assert!(said(&[step(None, Some(0.0), 1), step(None, Some(-5.0), 1)]).contains("only one"));
    assert!(said(&[step(Some(-5.0), Some(0.0), 1)]).contains("unbounded below"));
    assert!(said(&[step(Some(0.0), Some(5.0), 1)]).contains("unbounded above"));
    assert!(said(&[]).contains("at least one"));
}

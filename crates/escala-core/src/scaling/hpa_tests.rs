use super::*;

fn at(s: i64) -> Timestamp {
    Timestamp::from_second(1_700_000_000 + s).unwrap()
}

fn ready(usage: f64) -> Pod {
    Pod {
        usage_millis: Some(usage),
        ready: true,
    }
}

// https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/ (Algorithm
// details: "if the current metric value is 200m, and the desired value is 100m, the number of
// replicas will be doubled ... If the current value is instead 50m, you'll halve the number of
// replicas"; within the 0.1 tolerance nothing changes).
#[test]
fn the_docs_ratio_doubles_halves_and_tolerates() {
    // Requests of 200m and a 50 % target make a 100m target per pod.
    assert_eq!(recommend(3, &[ready(200.0); 3], 50, 200), 6);
    assert_eq!(recommend(4, &[ready(50.0); 4], 50, 200), 2);
    assert_eq!(
        recommend(4, &[ready(109.0); 4], 50, 200),
        4,
        "1.09 is within"
    );
    assert_eq!(
        recommend(4, &[ready(91.0); 4], 50, 200),
        4,
        "0.91 is within"
    );
    assert_eq!(
        recommend(4, &[ready(111.0); 4], 50, 200),
        5,
        "1.11 is beyond"
    );
}

// The seed's walkthrough (and the Kubernetes HPA walkthrough): php-apache at 305 % of its
// request against a 50 % target, from 1 replica, asks for 7.
#[test]
fn the_walkthroughs_305_percent_asks_for_seven() {
    assert_eq!(recommend(1, &[ready(610.0)], 50, 200), 7);
}

// Algorithm details: on a scale-up, pods without metrics count as 0 % and not-yet-ready pods as
// 0 %; on a scale-down, pods without metrics count as 100 % of the target.
#[test]
fn missing_and_unready_pods_dampen_the_move_as_documented() {
    let missing = Pod {
        usage_millis: None,
        ready: true,
    };
    let unready = Pod {
        usage_millis: Some(400.0),
        ready: false,
    };
    // Up: 2 pods at 2× the target, 2 without metrics counted as 0: ratio 1.0 over 4, no change.
    assert_eq!(
        recommend(4, &[ready(200.0), ready(200.0), missing, missing], 50, 200),
        4
    );
    // Up: 3 pods at 3×, 1 unready counted as 0: 9/4 × 4 = 9.
    assert_eq!(
        recommend(
            4,
            &[ready(300.0), ready(300.0), ready(300.0), unready],
            50,
            200
        ),
        9
    );
    // Down: 2 pods at 0.25×, 2 without metrics counted at the target: (0.5 + 2) / 4 = 0.625,
    // ceil(2.5) = 3.
    assert_eq!(
        recommend(4, &[ready(25.0), ready(25.0), missing, missing], 50, 200),
        3
    );
    // Down: the missing pod at the target brings 0.88 to 0.91, within the tolerance: no change.
    assert_eq!(
        recommend(
            4,
            &[ready(88.0), ready(88.0), ready(88.0), missing],
            50,
            200
        ),
        4
    );
}

#[test]
fn no_samples_or_no_target_change_nothing() {
    let missing = Pod {
        usage_millis: None,
        ready: true,
    };
    assert_eq!(recommend(3, &[missing; 3], 50, 200), 3);
    assert_eq!(recommend(3, &[ready(500.0); 3], 0, 200), 3);
    assert_eq!(recommend(3, &[ready(500.0); 3], 50, 0), 3);
}

// Default behavior: scale-up by the more of 100 % and 4 pods per 15 s.
#[test]
fn default_scale_up_is_the_more_of_doubling_and_four_pods_per_15_s() {
    let hpa = Hpa::new(1, 10);
    let mut h = History::default();
    // From 1, the walkthrough's 7 is capped at max(1 × 2, 1 + 4) = 5.
    assert_eq!(h.decide(at(0), &hpa, 1, 7), 5);
    // Within the same 15 s, the period started at 1: still capped at 5.
    assert_eq!(h.decide(at(10), &hpa, 5, 7), 5);
    // A period later, from 5: max(10, 9) = 10, so 7 is reached.
    assert_eq!(h.decide(at(16), &hpa, 5, 7), 7);
    let mut h = History::default();
    assert_eq!(h.decide(at(0), &hpa, 2, 10), 6, "max(2 × 2, 2 + 4)");
}

// Stabilization window: "the highest recommendation for the last 300 sec is used".
#[test]
fn scale_down_waits_for_the_highest_recommendation_of_five_minutes() {
    let hpa = Hpa::new(1, 10);
    let mut h = History::default();
    assert_eq!(h.decide(at(0), &hpa, 6, 6), 6);
    assert_eq!(h.decide(at(15), &hpa, 6, 2), 6, "6 is still in the window");
    assert_eq!(h.decide(at(200), &hpa, 6, 3), 6);
    // At 301 s the 6 has left the window; the highest left is 3.
    assert_eq!(h.decide(at(301), &hpa, 6, 2), 3);
    // At 500 s the 3 (from 200 s) has left too.
    assert_eq!(h.decide(at(501), &hpa, 3, 2), 2);
}

#[test]
fn a_brief_dip_removes_nothing_and_a_rise_acts_at_once() {
    let hpa = Hpa::new(2, 10);
    let mut h = History::default();
    assert_eq!(h.decide(at(0), &hpa, 4, 4), 4);
    assert_eq!(h.decide(at(15), &hpa, 4, 2), 4);
    assert_eq!(h.decide(at(30), &hpa, 4, 8), 8, "no scale-up window");
}

#[test]
fn bounds_and_disabled_directions_hold() {
    let hpa = Hpa::new(2, 4);
    let mut h = History::default();
    assert_eq!(h.decide(at(0), &hpa, 3, 9), 4);
    assert_eq!(h.decide(at(0), &hpa, 1, 1), 2, "below min is raised");
    let mut off = Hpa::new(1, 10);
    off.scale_down.select = Select::Disabled;
    off.scale_down.stabilization_seconds = 0;
    let mut h = History::default();
    assert_eq!(h.decide(at(0), &off, 5, 1), 5);
}

// Scaling policies' example: "Pods 4 per 60 s" and "Percent 10 per 60 s" for scale-down with
// selectPolicy Max: "if there are 80 replicas and the target has to be scaled down to 10
// replicas then during the first step 8 replicas will be reduced. In the next iteration when the
// number of replicas is 72, 10% of the pods is 7.2 but the number is rounded up to 8".
#[test]
fn the_docs_scale_down_policies_pick_the_larger_change() {
    let mut hpa = Hpa::new(1, 100);
    hpa.scale_down = Rules {
        stabilization_seconds: 0,
        policies: vec![
            Policy {
                limit: Limit::Pods(4),
                period_seconds: 60,
            },
            Policy {
                limit: Limit::Percent(10),
                period_seconds: 60,
            },
        ],
        select: Select::Max,
    };
    let mut h = History::default();
    assert_eq!(h.decide(at(0), &hpa, 80, 10), 72);
    // Within the minute the period started at 80: nothing more goes.
    assert_eq!(h.decide(at(30), &hpa, 72, 10), 72);
    // After it, from 72: 7.2 rounded up to 8.
    assert_eq!(h.decide(at(61), &hpa, 72, 10), 64);
    hpa.scale_down.select = Select::Min;
    let mut h = History::default();
    assert_eq!(h.decide(at(0), &hpa, 80, 10), 76, "Min picks the 4 pods");
}

#[test]
fn the_same_input_gives_the_same_output() {
    let hpa = Hpa::new(1, 10);
    let run = || {
        let mut h = History::default();
        (0..40)
            .map(|i| h.decide(at(i * 15), &hpa, 3, (i % 7) as u32 + 1))
            .collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}

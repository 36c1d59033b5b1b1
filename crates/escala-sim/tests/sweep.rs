//! A sweep of the seed's target CPU on a flash crowd: a lower target buys capacity earlier, so it
//! costs more and loses fewer requests, and the frontier holds the settings worth choosing. And
//! the seed's scheduled action raises its minimum on a weekday morning.

use escala_core::spec::Spec;
use escala_sim::shapes::Shape;
use escala_sim::sweep::{sweep, Axis};
use escala_sim::{simulate, Delays};

fn seed_asg() -> Spec {
    Spec::from_yaml(include_str!("../../../examples/seed-asg.yaml")).unwrap()
}

#[test]
fn a_lower_target_costs_more_and_loses_less() {
    let spec = seed_asg();
    let trace = Shape::parse(
        "flash-crowd:base=20,peak=250,at=600,rise=60,hold=1800,decay=300,duration=5400",
    )
    .unwrap()
    .trace()
    .unwrap();
    let axes = [Axis::parse("target=40..90:10").unwrap()];
    let points = sweep(
        spec.route.as_ref().unwrap(),
        "asg",
        &axes,
        &trace,
        &Delays::default(),
    )
    .unwrap();
    let targets: Vec<f64> = points.iter().map(|p| p.values[0]).collect();
    assert_eq!(targets, [40.0, 50.0, 60.0, 70.0, 80.0, 90.0]);
    let (low, high) = (&points[0], &points[5]);
    assert!(low.cost > high.cost, "{points:?}");
    assert!(low.lost_percent < high.lost_percent, "{points:?}");
    assert!(points.iter().any(|p| p.frontier));
    for p in points.iter().filter(|p| !p.frontier) {
        assert!(
            points
                .iter()
                .any(|q| q.frontier && q.cost <= p.cost && q.lost_percent <= p.lost_percent),
            "{p:?} is dominated by a frontier point"
        );
    }
    // Two settings at once, and an unknown route.
    let two = [
        Axis::parse("target=50..70:10").unwrap(),
        Axis::parse("min=1..2").unwrap(),
    ];
    let grid = sweep(
        spec.route.as_ref().unwrap(),
        "asg",
        &two,
        &trace,
        &Delays::default(),
    )
    .unwrap();
    assert_eq!(grid.len(), 6);
    assert_eq!(grid[1].values, [50.0, 2.0]);
    let e = sweep(
        spec.route.as_ref().unwrap(),
        "fargate",
        &axes,
        &trace,
        &Delays::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("no fargate route"), "{e}");
}

// seed-asg's `business-hours` action (08:00 on weekdays, UTC) sets min 2: a Monday's trace, which
// starts at midnight, has 2 instances from 08:00 on.
#[test]
fn the_weekday_morning_action_raises_the_minimum() {
    let spec = seed_asg();
    let trace = Shape::parse("step:before=5,after=5,at=0,duration=36000")
        .unwrap()
        .trace()
        .unwrap();
    let out = simulate(
        &[spec.route.as_ref().unwrap()],
        &["asg"],
        &trace,
        &Delays::default(),
        600,
    )
    .unwrap();
    let at = |t: u64| out[0].timeline.iter().find(|p| p.t == t).unwrap().capacity;
    assert_eq!(at(7 * 3600), 1.0);
    assert!(at(8 * 3600 + 1200) >= 2.0, "{:?}", out[0].timeline);
}

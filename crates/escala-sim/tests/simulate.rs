//! The three seeds on one flash crowd: each route scales out after its documented delays, loses
//! requests only until its capacity catches up, scales back in after the peak, and the same input
//! gives the same output bit for bit.

use escala_core::spec::Spec;
use escala_sim::shapes::Shape;
use escala_sim::{simulate, Delays, Outcome, SimError};

fn spec(yaml: &str) -> Spec {
    Spec::from_yaml(yaml).unwrap()
}

fn seeds() -> Vec<Spec> {
    vec![
        spec(include_str!("../../../examples/seed-asg.yaml")),
        spec(include_str!("../../../examples/seed-fargate.yaml")),
        spec(include_str!("../../../examples/seed-eks.yaml")),
    ]
}

fn run(shape: &str, routes: &[&str]) -> Result<Vec<Outcome>, SimError> {
    let specs = seeds();
    let routes_of: Vec<_> = specs.iter().filter_map(|s| s.route.as_ref()).collect();
    let trace = Shape::parse(shape).unwrap().trace().unwrap();
    simulate(&routes_of, routes, &trace, &Delays::default(), 60)
}

const CROWD: &str = "flash-crowd:base=20,peak=300,at=600,rise=60,hold=1800,decay=300,duration=7200";

#[test]
fn each_route_scales_out_for_the_crowd_and_back_in_after_it() {
    let out = run(CROWD, &["asg", "fargate", "kubernetes"]).unwrap();
    let names: Vec<&str> = out.iter().map(|o| o.route.as_str()).collect();
    assert_eq!(names, ["asg", "fargate", "kubernetes"]);
    for o in &out {
        let s = &o.summary;
        let first = o.timeline.first().unwrap().capacity;
        assert!(
            s.peak_capacity as f64 > first,
            "{}: scaled out from {first} to {}",
            o.route,
            s.peak_capacity
        );
        assert!(
            s.lost > 0.0,
            "{}: the crowd outran the first capacity",
            o.route
        );
        eprintln!("{}: {s:?}", o.route);
        assert!(s.time_to_scale_out.is_some(), "{}", o.route);
        assert!(s.cost > 0.0, "{}", o.route);
        let last = o.timeline.last().unwrap();
        assert!(
            last.capacity < f64::from(s.peak_capacity),
            "{}: back in after the crowd ({last:?})",
            o.route
        );
    }
}

// The seed's t3.micro (2 vCPUs at 20 ms a request: 100 requests a second) at a 70 % target:
// the crowd's 300 requests a second need 300 / 70 = 4.3 instances, more than its max of 4.
#[test]
fn the_asg_stops_at_its_max_and_the_excess_is_lost() {
    let out = run(CROWD, &["asg"]).unwrap();
    let s = &out[0].summary;
    assert_eq!(s.peak_capacity, 4);
    // Held at 300 for 30 minutes on at most 400 a second: nothing lost once the 4 serve.
    let held = &out[0].timeline[30..40];
    assert!(
        held.iter().all(|p| p.capacity == 4.0 && p.lost == 0.0),
        "{held:?}"
    );
}

// EC2: 3 one-minute datapoints above the target, then the instance's boot and 5 health checks
// 30 s apart: the first new instance serves no sooner than 3 min + 190 s after the step.
#[test]
fn the_first_new_instance_serves_after_the_alarm_the_boot_and_the_health_checks() {
    let out = run("step:before=20,after=150,at=600,duration=1800", &["asg"]).unwrap();
    let timeline = &out[0].timeline;
    let first_grown = timeline.iter().find(|p| p.capacity > 1.0).unwrap();
    let d = Delays::default();
    let earliest = 600 + 3 * 60 + u64::from(d.ec2_boot + d.target_healthy);
    assert!(
        first_grown.t + 60 >= earliest,
        "grew at {} (minute), earliest {earliest}",
        first_grown.t
    );
    assert!(first_grown.t <= earliest + 120, "grew at {}", first_grown.t);
}

// seed-fargate's tasks have a quarter of a vCPU: 12.5 of the demo's requests a second each, 75
// for its 6 at most, so most of a 300-a-second crowd is lost: what the seed sized for a chat.
#[test]
fn fargate_is_bounded_by_its_tasks_share_of_a_vcpu() {
    let out = run(CROWD, &["fargate"]).unwrap();
    let s = &out[0].summary;
    assert_eq!(s.peak_capacity, 6);
    assert!(s.lost_percent > 50.0, "{s:?}");
}

#[test]
fn the_same_input_gives_the_same_output_bit_for_bit() {
    let a = run(CROWD, &["asg", "fargate", "kubernetes"]).unwrap();
    let b = run(CROWD, &["asg", "fargate", "kubernetes"]).unwrap();
    assert_eq!(a, b);
    let bits = |o: &[Outcome]| -> Vec<u64> {
        o.iter()
            .flat_map(|o| {
                o.timeline.iter().flat_map(|p| {
                    [
                        p.capacity.to_bits(),
                        p.utilisation.to_bits(),
                        p.lost.to_bits(),
                    ]
                })
            })
            .collect()
    };
    assert_eq!(bits(&a), bits(&b));
}

#[test]
fn a_route_the_specs_dont_configure_or_dont_name_is_refused() {
    let specs = [spec(include_str!("../../../examples/seed-asg.yaml"))];
    let routes: Vec<_> = specs.iter().filter_map(|s| s.route.as_ref()).collect();
    let trace = Shape::parse("step").unwrap().trace().unwrap();
    let e = simulate(&routes, &["fargate"], &trace, &Delays::default(), 60).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the Spec configures no fargate route: simulate the route its `route:` section names"
    );
    let e = simulate(&routes, &["lambda"], &trace, &Delays::default(), 60).unwrap_err();
    assert_eq!(
        e.to_string(),
        "routes: `lambda` is not a route: use asg, fargate, kubernetes"
    );
    let zero = Delays {
        metric_period: 0,
        ..Delays::default()
    };
    let e = simulate(&routes, &["asg"], &trace, &zero, 60).unwrap_err();
    assert_eq!(
        e.to_string(),
        "delays.metricPeriod: a period of 0 s never ends"
    );
}

// Step scaling (CPU above 80 % for 2 minutes adds 2): a step to 180 requests a second on one
// t3.micro (100 a second) fires it after its two minutes, and adds 2.
#[test]
fn step_scaling_adds_its_step_after_its_minutes() {
    let yaml = include_str!("../../../examples/seed-asg.yaml").replace(
        "targetTracking: {metric: cpu, target: 70}",
        "step: {cpuAbove: 80, add: 2, minutes: 2}",
    );
    let spec = spec(&yaml);
    let trace = Shape::parse("step:before=10,after=180,at=120,duration=1200")
        .unwrap()
        .trace()
        .unwrap();
    let out = simulate(
        &[spec.route.as_ref().unwrap()],
        &["asg"],
        &trace,
        &Delays::default(),
        60,
    )
    .unwrap();
    let desired: Vec<f64> = out[0].timeline.iter().map(|p| p.desired).collect();
    assert_eq!(
        desired[..4],
        [1.0, 1.0, 1.0, 1.0],
        "two minutes above 80 % first"
    );
    assert!(desired.contains(&3.0), "{desired:?}");
    assert_eq!(
        out[0].summary.peak_capacity, 3,
        "3 × 100 serve 180 at 60 %: no second step"
    );
}

// A warm pool's stopped instances start in seconds where a new one boots: the same scale-out
// serves sooner with one.
#[test]
fn a_warm_pool_makes_the_scale_out_serve_sooner() {
    let trace = Shape::parse("step:before=10,after=150,at=120,duration=1800")
        .unwrap()
        .trace()
        .unwrap();
    let first_grown = |yaml: &str| {
        let spec = spec(yaml);
        let out = simulate(
            &[spec.route.as_ref().unwrap()],
            &["asg"],
            &trace,
            &Delays::default(),
            1,
        )
        .unwrap();
        out[0].timeline.iter().find(|p| p.capacity > 1.0).unwrap().t
    };
    let seed = include_str!("../../../examples/seed-asg.yaml");
    let warm = seed.replace(
        "      scheduled:",
        "      warmPool: {minSize: 1}\n      scheduled:",
    );
    assert!(warm.contains("warmPool"), "{warm}");
    let (cold, warmed) = (first_grown(seed), first_grown(&warm));
    let d = Delays::default();
    assert_eq!(
        cold - warmed,
        u64::from(d.ec2_boot - d.warm_start),
        "cold {cold} s, warm {warmed} s"
    );
}

// A second node group: the demo's pods (which tolerate no taint) go only to an untainted one. The
// seed's HPA allows 20 pods; a t3.medium holds 9 of its 200m pods, so 2 nodes hold 18.
#[test]
fn pods_go_only_to_the_node_groups_they_tolerate() {
    let peak_pods = |extra: &str| {
        let yaml = include_str!("../../../examples/seed-eks.yaml")
            .replace(
                "size: {min: 2, desired: 2, max: 4}",
                "size: {min: 1, desired: 1, max: 2}",
            )
            .replace("    addons:", &format!("{extra}    addons:"));
        let spec = spec(&yaml);
        let trace = Shape::parse("step:before=10,after=2000,at=60,duration=3600")
            .unwrap()
            .trace()
            .unwrap();
        let out = simulate(
            &[spec.route.as_ref().unwrap()],
            &["kubernetes"],
            &trace,
            &Delays::default(),
            60,
        )
        .unwrap();
        out[0].summary.peak_capacity
    };
    let group = "      - name: more\n        instanceTypes: [t3.medium]\n        size: {min: 0, desired: 0, max: 4}\n        subnets: private\n";
    let tainted =
        format!("{group}        taints: [{{key: dedicated, value: batch, effect: NoSchedule}}]\n");
    assert_eq!(peak_pods(""), 18, "one group of at most 2 nodes");
    assert_eq!(
        peak_pods(&tainted),
        18,
        "the tainted group's nodes take none of them"
    );
    assert_eq!(peak_pods(group), 20, "an untainted group takes the rest");
}

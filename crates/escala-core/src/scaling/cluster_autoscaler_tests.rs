use super::*;

fn at(s: i64) -> Timestamp {
    Timestamp::from_second(1_700_000_000 + s).unwrap()
}

fn res(cpu_millis: u64, memory_mib: u64) -> Resources {
    Resources {
        cpu_millis,
        memory_mib,
    }
}

/// An m5.large's allocatable on EKS, roughly: 2 vCPU less the kubelet's reserve, 8 GiB less
/// its, and the VPC CNI's 29 pods.
fn large<'a>(name: &'a str, desired: u32, max: u32) -> NodeGroup<'a> {
    NodeGroup {
        name,
        min: 1,
        desired,
        max,
        node: res(1930, 7100),
        max_pods: 29,
        hourly_price: 0.096,
    }
}

fn xlarge<'a>(name: &'a str, desired: u32, max: u32) -> NodeGroup<'a> {
    NodeGroup {
        node: res(3920, 14500),
        max_pods: 58,
        hourly_price: 0.192,
        ..large(name, desired, max)
    }
}

// FAQ, "How does scale-up work?": pods that don't fit make the group grow by the nodes the
// estimator needs. Seven 500m pods on 1930m nodes take 3 per node: 3 nodes.
#[test]
fn pending_pods_add_the_nodes_binpacking_needs() {
    let pending = [res(500, 256); 7];
    assert_eq!(
        scale_up(
            &pending,
            &[large("a", 2, 10)],
            Expander::LeastWaste,
            false,
            0
        ),
        vec![(0, 5)]
    );
}

#[test]
fn a_group_at_max_or_a_pod_larger_than_any_node_adds_nothing() {
    assert!(scale_up(
        &[res(500, 256)],
        &[large("a", 3, 3)],
        Expander::Random,
        false,
        0
    )
    .is_empty());
    assert!(
        scale_up(
            &[res(8000, 256)],
            &[large("a", 1, 5)],
            Expander::Random,
            false,
            0
        )
        .is_empty(),
        "no node of this group could ever hold it"
    );
    // Room for one node: 3 of the 7 pods are scheduled by it, the group grows by 1.
    assert_eq!(
        scale_up(
            &[res(500, 256); 7],
            &[large("a", 4, 5)],
            Expander::Random,
            false,
            0
        ),
        vec![(0, 5)]
    );
}

// FAQ, "What are Expanders?": least-waste picks the group that leaves the least CPU (then
// memory) idle; most-pods the one that schedules the most; price the cheapest.
#[test]
fn each_expander_picks_as_documented() {
    // Four 900m pods: large nodes hold 2 each (2 nodes, 260m idle of 3860m), xlarge nodes 4
    // (1 node, 320m idle of 3920m): least-waste takes large.
    let pending = [res(900, 512); 4];
    let groups = [large("large", 1, 1 + 2), xlarge("xlarge", 1, 2)];
    assert_eq!(
        scale_up(&pending, &groups, Expander::LeastWaste, false, 0),
        vec![(0, 3)]
    );
    // large has room for one node only (2 pods); xlarge schedules all 4: most-pods takes it.
    let groups = [large("large", 1, 2), xlarge("xlarge", 1, 2)];
    assert_eq!(
        scale_up(&pending, &groups, Expander::MostPods, false, 0),
        vec![(1, 2)]
    );
    // price: 2 large nodes at 0.096 for 4 pods (0.048 a pod) against one xlarge at 0.192
    // (also 0.048): a tie, broken by the draw.
    let groups = [large("large", 1, 3), xlarge("xlarge", 1, 2)];
    assert_eq!(
        scale_up(&pending, &groups, Expander::Price, false, 0),
        vec![(0, 3)]
    );
    assert_eq!(
        scale_up(&pending, &groups, Expander::Price, false, 1),
        vec![(1, 2)]
    );
    assert_eq!(
        scale_up(&pending, &groups, Expander::Random, false, 1),
        vec![(1, 2)],
        "random is the draw among all fits"
    );
}

// FAQ, "I'm running cluster with nodes in multiple zones ... --balance-similar-node-groups":
// the new nodes are shared among similar groups, each to the smallest.
#[test]
fn balance_shares_the_nodes_among_similar_groups() {
    let pending = [res(1500, 512); 4];
    let groups = [large("a", 2, 10), large("b", 1, 10), xlarge("c", 1, 10)];
    assert_eq!(
        scale_up(&pending, &groups, Expander::LeastWaste, true, 0),
        vec![(0, 4), (1, 3)],
        "4 nodes: b catches up with a, then they alternate, a first"
    );
}

fn node<'a>(name: &'a str, group: &'a str, pods: &[Resources]) -> Node<'a> {
    Node {
        name,
        group,
        allocatable: res(1930, 7100),
        max_pods: 29,
        pods: pods.to_vec(),
    }
}

// FAQ, "How does scale-down work?": a node under 50 % of its requests for 10 minutes, whose
// pods can move, is removed; not sooner, and not within 10 minutes of a scale-up.
#[test]
fn an_underused_node_goes_after_the_unneeded_time() {
    let rules = ScaleDown::new(50, 10);
    let groups = [large("a", 3, 10)];
    let nodes = [
        node("n1", "a", &[res(800, 256)]),
        node("n2", "a", &[res(200, 256)]),
        node("n3", "a", &[res(1200, 256)]),
    ];
    let mut u = Unneeded::default();
    assert!(u.scale_down(at(0), &nodes, &groups, rules, None).is_empty());
    assert!(u
        .scale_down(at(599), &nodes, &groups, rules, None)
        .is_empty());
    // n1 and n2 are both unneeded; one busy node goes per scan.
    assert_eq!(
        u.scale_down(at(600), &nodes, &groups, rules, None),
        vec!["n1"]
    );
    let mut u = Unneeded::default();
    u.scale_down(at(0), &nodes, &groups, rules, None);
    assert!(
        u.scale_down(at(700), &nodes, &groups, rules, Some(at(300)))
            .is_empty(),
        "within 10 minutes of a scale-up"
    );
}

#[test]
fn a_node_whose_use_rises_starts_its_clock_again() {
    let rules = ScaleDown::new(50, 10);
    let groups = [large("a", 2, 10)];
    let quiet = [node("n1", "a", &[res(200, 256)]), node("n2", "a", &[])];
    let busy = [
        node("n1", "a", &[res(1500, 256)]),
        node("n2", "a", &[res(1500, 256)]),
    ];
    let mut u = Unneeded::default();
    u.scale_down(at(0), &quiet, &groups, rules, None);
    u.scale_down(at(300), &busy, &groups, rules, None);
    assert!(u
        .scale_down(at(600), &quiet, &groups, rules, None)
        .is_empty());
    assert!(u
        .scale_down(at(900), &quiet, &groups, rules, None)
        .is_empty());
    assert_eq!(
        u.scale_down(at(1200), &quiet, &groups, rules, None),
        vec!["n2"]
    );
}

#[test]
fn empty_nodes_go_together_down_to_the_minimum_and_pods_must_fit_elsewhere() {
    let rules = ScaleDown::new(50, 10);
    let groups = [large("a", 4, 10)];
    let nodes = [
        node("n1", "a", &[res(1800, 256)]),
        node("n2", "a", &[]),
        node("n3", "a", &[]),
        node("n4", "a", &[]),
    ];
    let mut u = Unneeded::default();
    u.scale_down(at(0), &nodes, &groups, rules, None);
    assert_eq!(
        u.scale_down(at(600), &nodes, &groups, rules, None),
        vec!["n2", "n3", "n4"]
    );
    let mut min3 = groups.clone();
    min3[0].min = 3;
    let mut u = Unneeded::default();
    u.scale_down(at(0), &nodes, &min3, rules, None);
    assert_eq!(
        u.scale_down(at(600), &nodes, &min3, rules, None),
        vec!["n2"]
    );
    // Two underused nodes that hold as many pods as they may: neither's pod can move.
    let one_pod = |name| Node {
        max_pods: 1,
        ..node(name, "a", &[res(400, 256)])
    };
    let tight = [one_pod("n1"), one_pod("n2")];
    let groups = [large("a", 2, 10)];
    let mut u = Unneeded::default();
    u.scale_down(at(0), &tight, &groups, rules, None);
    assert!(u
        .scale_down(at(600), &tight, &groups, rules, None)
        .is_empty());
}

#[test]
fn the_same_input_gives_the_same_output() {
    let pending = [res(300, 128), res(700, 900), res(1200, 64), res(250, 2000)];
    let groups = [large("a", 1, 6), xlarge("b", 1, 6), large("c", 2, 6)];
    for expander in [
        Expander::LeastWaste,
        Expander::MostPods,
        Expander::Price,
        Expander::Random,
    ] {
        assert_eq!(
            scale_up(&pending, &groups, expander, true, 7),
            scale_up(&pending, &groups, expander, true, 7)
        );
    }
}

// FAQ, "How does scale-up work?": nodes being provisioned count as capacity, so pods they will
// hold don't cause a second scale-up.
#[test]
fn pods_the_upcoming_nodes_hold_ask_for_nothing_more() {
    let node = (res(1930, 7100), 29);
    let pending = [res(500, 256); 7];
    assert!(beyond_upcoming(&pending, &[node, node, node]).is_empty());
    assert_eq!(
        beyond_upcoming(&pending, &[node]).len(),
        4,
        "one node holds 3"
    );
    assert_eq!(beyond_upcoming(&pending, &[]).len(), 7);
    assert_eq!(
        beyond_upcoming(&pending, &[(res(1930, 7100), 2)]).len(),
        5,
        "its pod count bounds it too"
    );
}

// The EKS AMI's reserves: an m5.large (2 vCPU, 8 GiB, 29 pods) leaves 1930m and 7518 MiB.
#[test]
fn eks_nodes_keep_the_amis_reserves() {
    assert_eq!(eks_allocatable(2, 8192, 29), res(1930, 7518));
    assert_eq!(eks_allocatable(1, 1024, 4), res(940, 625));
    assert_eq!(eks_allocatable(8, 32768, 58), res(7910, 31775));
}

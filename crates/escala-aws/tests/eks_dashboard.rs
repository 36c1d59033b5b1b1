//! The kubernetes route's dashboard on the emulator: its first node group's size from EKS, set by
//! hand through UpdateNodegroupConfig (each change an update EKS records, drawn as a marker), and
//! its charts from Container Insights' metrics in CloudWatch: the nodes, the demo's running pods,
//! and their CPU against their limit.
mod common;

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit};
use aws_sdk_eks::types::NodegroupScalingConfig;
use common::*;
use escala_aws::metrics::Range;
use escala_aws::session::Session;
use escala_charts::MarkerKind;
use escala_core::spec::Spec;
use escala_testkit::{emulator, unique_stack};

#[tokio::test]
async fn the_clusters_node_group_scales_by_hand_and_its_charts_read_container_insights() {
    let stack = unique_stack("eksdash");
    let session = session_at(emulator(), &stack).await;
    let yaml = include_str!("../../../examples/seed-eks.yaml")
        .replace("name: seed-eks", &format!("name: {stack}"));
    let spec = Spec::from_yaml(&yaml).unwrap();
    let ctx = session.context();
    ctx.eks
        .create_cluster()
        .name(&stack)
        .role_arn("arn:aws:iam::123456789012:role/eks-cluster")
        .resources_vpc_config(aws_sdk_eks::types::VpcConfigRequest::builder().build())
        .send()
        .await
        .unwrap();
    ctx.eks
        .create_nodegroup()
        .cluster_name(&stack)
        .nodegroup_name("nodes")
        .node_role("arn:aws:iam::123456789012:role/eks-node")
        .subnets("subnet-0123")
        .scaling_config(
            NodegroupScalingConfig::builder()
                .min_size(2)
                .desired_size(2)
                .max_size(4)
                .build(),
        )
        .send()
        .await
        .unwrap();

    let scaling = Session::scaling(&spec).expect("the kubernetes route scales its node group");
    assert_eq!(scaling.bounds(&spec), Some((2, 4)));
    assert_eq!(
        scaling.load(&spec),
        escala_aws::route::Load::Messages,
        "the seed's demo is the chat"
    );
    let state = session.group_state(&spec).await.unwrap().unwrap();
    assert_eq!((state.min, state.desired, state.max), (2, 2, 4));
    assert_eq!(
        state.url, None,
        "no cluster API here, so no Service address"
    );

    session.scale(&spec, 3).await.unwrap();
    session.scale(&spec, 2).await.unwrap();
    let refused = session.scale(&spec, 5).await.unwrap_err().to_string();
    assert!(
        refused.contains("outside the group's range 2 … 4"),
        "{refused}"
    );
    assert_eq!(
        session.group_state(&spec).await.unwrap().unwrap().desired,
        2
    );

    // What Container Insights' agent publishes, a few minutes back.
    let cw = cloudwatch_at(emulator()).await;
    let now = std::time::SystemTime::now();
    let dims = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(n, v)| Dimension::builder().name(*n).value(*v).build())
            .collect::<Vec<_>>()
    };
    let mut data = Vec::new();
    for back in 1..=3u64 {
        let at = DateTime::from(now - std::time::Duration::from_secs(back * 60));
        let datum = |name: &str, d: Vec<Dimension>, v: f64, unit| {
            MetricDatum::builder()
                .metric_name(name)
                .set_dimensions(Some(d))
                .value(v)
                .unit(unit)
                .timestamp(at)
                .build()
        };
        data.push(datum(
            "cluster_node_count",
            dims(&[("ClusterName", &stack)]),
            2.0,
            StandardUnit::Count,
        ));
        data.push(datum(
            "service_number_of_running_pods",
            dims(&[
                ("ClusterName", &stack),
                ("Namespace", "demo"),
                ("Service", "chat"),
            ]),
            3.0,
            StandardUnit::Count,
        ));
        data.push(datum(
            "pod_cpu_utilization_over_pod_limit",
            dims(&[
                ("ClusterName", &stack),
                ("Namespace", "demo"),
                ("PodName", "chat"),
            ]),
            40.0,
            StandardUnit::Percent,
        ));
    }
    cw.put_metric_data()
        .namespace("ContainerInsights")
        .set_metric_data(Some(data))
        .send()
        .await
        .unwrap();

    let (charts, _) = session.dashboard(&spec, Range::Hour, 1.0).await.unwrap();
    let titles: Vec<&str> = charts.panels.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, ["Nodes", "Pods", "CPU"]);
    for (panel, value) in charts.panels.iter().zip([2.0, 3.0, 40.0]) {
        let points = &panel.series[0].points;
        assert!(!points.is_empty(), "{} has its points", panel.title);
        assert!(
            points.iter().all(|p| (p.v - value).abs() < 1e-9),
            "{}: {points:?}",
            panel.title
        );
    }
    // The dashboard's window ends at the last whole minute; the sizes were set within this one.
    let t = charts.to;
    let markers = scaling
        .markers(ctx, &spec, t - 3600, t + 120)
        .await
        .unwrap();
    let sizes: Vec<(&str, MarkerKind)> =
        markers.iter().map(|m| (m.label.as_str(), m.kind)).collect();
    assert_eq!(
        sizes,
        [
            ("nodes → 3 nodes", MarkerKind::Other),
            ("nodes → 2 nodes", MarkerKind::ScaleIn)
        ]
    );

    ctx.eks
        .delete_nodegroup()
        .cluster_name(&stack)
        .nodegroup_name("nodes")
        .send()
        .await
        .unwrap();
    ctx.eks.delete_cluster().name(&stack).send().await.unwrap();
}

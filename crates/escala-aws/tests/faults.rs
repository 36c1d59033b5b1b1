//! Apply through the fault proxy: it succeeds through latency, throttling, 500s and NotFound right
//! after create, and fails cleanly, with AWS's error code and the deadline named, when a fault persists.

mod common;

use std::time::Duration;

use common::*;
use escala_core::progress::{NoProgress, ProgressEvent, RecordedProgress};
use escala_core::spec::Spec;
use escala_core::CoreError;
use escala_testkit::{emulator, unique_stack, FaultProxy, Faults, Persistent};
use tokio_util::sync::CancellationToken;

#[tokio::test]
async fn apply_succeeds_through_transient_faults() {
    let proxy = FaultProxy::start(
        emulator(),
        Faults {
            latency: Duration::from_millis(5),
            throttle_every: Some(7),
            error_500_every: Some(11),
            not_found_after_create: true,
            ..Faults::default()
        },
    )
    .await
    .unwrap();
    let stack = unique_stack("faulty");
    let spec = Spec::seed_network(&stack, REGION);
    let session = session_at(proxy.endpoint(), &stack).await;
    let prepared = session.prepare(&checked(&spec)).await.unwrap();
    let plan = session.plan(&prepared).await.unwrap();
    let sink = RecordedProgress::default();
    session
        .apply(&prepared, &plan, &sink, CancellationToken::new())
        .await
        .unwrap();

    let retried: Vec<String> = sink
        .events()
        .into_iter()
        .filter_map(|e| match e {
            ProgressEvent::Retrying { code, .. } => Some(code),
            _ => None,
        })
        .collect();
    for code in ["RequestLimitExceeded", "InternalError"] {
        assert!(
            retried.iter().any(|c| c == code),
            "no {code} retry in {retried:?}"
        );
    }
    assert!(
        retried.iter().any(|c| c.ends_with(".NotFound")),
        "no NotFound retry in {retried:?}"
    );
    assert!(proxy.stats().injected > 0);

    // Converged: nothing duplicated, the plan is empty (read through the faults too).
    assert!(session.plan(&prepared).await.unwrap().is_empty());
    let ec2 = ec2_at(emulator()).await;
    let all = tagged_resources(&ec2, &stack).await;
    assert_eq!(all.iter().filter(|r| r.starts_with("Vpc")).count(), 1);
    assert_eq!(all.iter().filter(|r| r.starts_with("Subnet")).count(), 4);

    destroy_to_zero(&session, &ec2, &stack).await;
}

#[tokio::test]
async fn a_fault_that_persists_past_the_deadline_fails_cleanly() {
    let proxy = FaultProxy::start(
        emulator(),
        Faults {
            persistent: Some(Persistent {
                action: "CreateNatGateway".into(),
                code: "RequestLimitExceeded".into(),
                status: 503,
            }),
            ..Faults::default()
        },
    )
    .await
    .unwrap();
    let stack = unique_stack("stuck");
    let spec = Spec::seed_network(&stack, REGION);
    let session = session_at(proxy.endpoint(), &stack)
        .await
        .with_options(fast_options(Duration::from_millis(800)));
    let prepared = session.prepare(&checked(&spec)).await.unwrap();
    let plan = session.plan(&prepared).await.unwrap();
    let sink = RecordedProgress::default();
    let err = session
        .apply(&prepared, &plan, &sink, CancellationToken::new())
        .await
        .unwrap_err();
    let failures = match err {
        escala_aws::AwsError::Core(CoreError::TasksFailed(f)) => f,
        other => panic!("expected task failures, got {other}"),
    };
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(
        (failures[0].id.as_str(), failures[0].code.as_str()),
        ("nat-a", "RequestLimitExceeded")
    );
    assert!(
        failures[0].message.contains("deadline"),
        "{}",
        failures[0].message
    );
    let skipped: Vec<String> = sink
        .events()
        .into_iter()
        .filter_map(|e| match e {
            ProgressEvent::Skipped { id, .. } => Some(id),
            _ => None,
        })
        .collect();
    assert!(
        skipped.contains(&"rt-private-default".to_string()),
        "{skipped:?}"
    );

    // Nothing is half-made: a re-run without the fault converges, and destroy leaves zero.
    proxy.set_faults(Faults::default());
    let plan = session.plan(&prepared).await.unwrap();
    assert_eq!(
        plan.summary.create, 2,
        "only the NAT gateway and its route remain: {:?}",
        plan.summary
    );
    session
        .apply(&prepared, &plan, &NoProgress, CancellationToken::new())
        .await
        .unwrap();
    destroy_to_zero(&session, &ec2_at(emulator()).await, &stack).await;
}

#[tokio::test]
async fn writes_whose_answers_are_lost_are_adopted_not_repeated() {
    let lost = [
        "CreateVpc",
        "CreateSubnet",
        "AttachInternetGateway",
        "CreateRoute",
        "AssociateRouteTable",
        "CreateNatGateway",
        "AllocateAddress",
    ];
    let proxy = FaultProxy::start(
        emulator(),
        Faults {
            lose_answer_of: lost.iter().map(|a| a.to_string()).collect(),
            ..Faults::default()
        },
    )
    .await
    .unwrap();
    let stack = unique_stack("lostanswer");
    let spec = Spec::seed_network(&stack, REGION);
    let session = session_at(proxy.endpoint(), &stack).await;
    let prepared = session.prepare(&checked(&spec)).await.unwrap();
    let plan = session.plan(&prepared).await.unwrap();
    session
        .apply(&prepared, &plan, &NoProgress, CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(
        proxy.stats().injected,
        lost.len() as u64,
        "every listed answer was lost once"
    );

    let ec2 = ec2_at(emulator()).await;
    let all = tagged_resources(&ec2, &stack).await;
    let count = |kind: &str| all.iter().filter(|r| r.starts_with(kind)).count();
    assert_eq!(
        [
            count("Vpc"),
            count("Subnet"),
            count("NatGateway"),
            count("ElasticIp"),
            count("RouteTable")
        ],
        [1, 4, 1, 1, 2],
        "no duplicates: {all:?}"
    );
    assert!(session.plan(&prepared).await.unwrap().is_empty());
    destroy_to_zero(&session, &ec2, &stack).await;
}

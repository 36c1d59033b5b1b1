//! Shared by the integration tests: sessions against the emulator and a direct count of what is
//! tagged for a stack (independent of the inventory code under test).

#![allow(dead_code)]

use std::time::Duration;

use aws_sdk_ec2::types::Filter;
use escala_aws::connect::Target;
use escala_aws::credentials::KeyringStore;
use escala_aws::session::Session;
use escala_core::options::Options;
use escala_core::retry::RetryPolicy;
use escala_core::spec::Spec;
use escala_core::validate::CheckedSpec;

pub const REGION: &str = "us-east-1";

pub fn fast_options(deadline: Duration) -> Options {
    Options {
        parallelism: 8,
        retry: RetryPolicy {
            base_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(200),
            deadline,
            consistency_window: Duration::from_secs(60),
        },
    }
}

pub async fn session_at(endpoint: &str, stack: &str) -> Session {
    let target = Target::sandbox(endpoint);
    Session::connect(
        &target,
        REGION,
        stack,
        &KeyringStore::new("escala-tests-unused"),
    )
    .await
    .unwrap()
    .with_options(fast_options(Duration::from_secs(60)))
}

/// The SDK configuration a test's own reads use. Escala turns the SDK's retries off (its engine
/// retries, bounded by each task's deadline); a test's reads get them back, since the one emulator
/// the test command shares answers a describe that races another test's change with a 500 now
/// and then.
async fn config_at(endpoint: &str) -> aws_config::SdkConfig {
    let target = Target::sandbox(endpoint);
    escala_aws::connect::sdk_config(&target, REGION, &KeyringStore::new("escala-tests-unused"))
        .await
        .unwrap()
        .into_builder()
        .retry_config(aws_config::retry::RetryConfig::standard())
        .build()
}

pub async fn ec2_at(endpoint: &str) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(&config_at(endpoint).await)
}

pub async fn elb_at(endpoint: &str) -> aws_sdk_elasticloadbalancingv2::Client {
    aws_sdk_elasticloadbalancingv2::Client::new(&config_at(endpoint).await)
}

pub async fn autoscaling_at(endpoint: &str) -> aws_sdk_autoscaling::Client {
    aws_sdk_autoscaling::Client::new(&config_at(endpoint).await)
}

pub async fn cloudwatch_at(endpoint: &str) -> aws_sdk_cloudwatch::Client {
    aws_sdk_cloudwatch::Client::new(&config_at(endpoint).await)
}

/// The filter for everything tagged for `stack`.
pub fn tagged(stack: &str) -> Filter {
    Filter::builder()
        .name("tag:escala:stack")
        .values(stack)
        .build()
}

/// Every object tagged for `stack`, as "Kind id" lines. NAT gateways count until they are deleted.
pub async fn tagged_resources(ec2: &aws_sdk_ec2::Client, stack: &str) -> Vec<String> {
    let f = || Some(vec![tagged(stack)]);
    let mut out = Vec::new();
    for v in ec2
        .describe_vpcs()
        .set_filters(f())
        .send()
        .await
        .unwrap()
        .vpcs()
    {
        out.push(format!("Vpc {}", v.vpc_id().unwrap()));
    }
    for s in ec2
        .describe_subnets()
        .set_filters(f())
        .send()
        .await
        .unwrap()
        .subnets()
    {
        out.push(format!("Subnet {}", s.subnet_id().unwrap()));
    }
    for g in ec2
        .describe_internet_gateways()
        .set_filters(f())
        .send()
        .await
        .unwrap()
        .internet_gateways()
    {
        out.push(format!(
            "InternetGateway {}",
            g.internet_gateway_id().unwrap()
        ));
    }
    for r in ec2
        .describe_route_tables()
        .set_filters(f())
        .send()
        .await
        .unwrap()
        .route_tables()
    {
        out.push(format!("RouteTable {}", r.route_table_id().unwrap()));
    }
    for a in ec2
        .describe_addresses()
        .set_filters(f())
        .send()
        .await
        .unwrap()
        .addresses()
    {
        out.push(format!("ElasticIp {}", a.allocation_id().unwrap()));
    }
    for n in ec2
        .describe_nat_gateways()
        .set_filter(f())
        .send()
        .await
        .unwrap()
        .nat_gateways()
    {
        // The emulator ignores tag filters on NAT gateways: check the tag here.
        let mine = n
            .tags()
            .iter()
            .any(|t| t.key() == Some("escala:stack") && t.value() == Some(stack));
        if mine && n.state().map(|s| s.as_str()) != Some("deleted") {
            out.push(format!("NatGateway {}", n.nat_gateway_id().unwrap()));
        }
    }
    out.sort();
    out
}

/// Destroys the stack and asserts nothing is left, by the report and by a direct look.
pub async fn destroy_to_zero(
    session: &Session,
    ec2: &aws_sdk_ec2::Client,
    stack: &str,
) -> escala_core::executor::DestroyReport {
    let report = session
        .destroy(
            &escala_core::progress::NoProgress,
            tokio_util::sync::CancellationToken::new(),
        )
        .await
        .unwrap();
    assert!(
        report.left.is_empty() && report.failed.is_empty(),
        "{report:#?}"
    );
    assert_eq!(tagged_resources(ec2, stack).await, Vec::<String>::new());
    report
}

/// The Spec, checked as the stacks API checks it before anything reaches a session.
pub fn checked(spec: &Spec) -> CheckedSpec {
    CheckedSpec::new(spec.clone()).expect("the test's Spec is valid")
}

//! Looking at the emulator directly, independently of Escala's own discovery: a plain EC2 client
//! and the count of what is tagged for a stack; a plain EKS client.

use aws_sdk_ec2::types::Filter;

/// A client of one SDK crate for the emulator at `endpoint`, in us-east-1, with dummy keys. Each
/// SDK has its own config type, so this is a macro rather than a generic function.
macro_rules! emulator_client {
    ($sdk:ident, $endpoint:expr) => {
        $sdk::Client::from_conf(
            $sdk::Config::builder()
                .behavior_version($sdk::config::BehaviorVersion::latest())
                .region($sdk::config::Region::new("us-east-1"))
                .endpoint_url($endpoint)
                .credentials_provider($sdk::config::Credentials::new(
                    "test", "test", None, None, "test",
                ))
                .build(),
        )
    };
}

/// An EC2 client for the emulator at `endpoint`.
pub fn ec2(endpoint: &str) -> aws_sdk_ec2::Client {
    emulator_client!(aws_sdk_ec2, endpoint)
}

/// An EKS client for the emulator at `endpoint`.
pub fn eks(endpoint: &str) -> aws_sdk_eks::Client {
    emulator_client!(aws_sdk_eks, endpoint)
}

/// Counts of what is tagged for `stack`: VPCs, subnets, internet gateways, route tables, Elastic
/// IPs and live NAT gateways, in that order.
pub async fn counts(ec2: &aws_sdk_ec2::Client, stack: &str) -> [usize; 6] {
    let f = || {
        Some(vec![Filter::builder()
            .name("tag:escala:stack")
            .values(stack)
            .build()])
    };
    let nats = ec2
        .describe_nat_gateways()
        .set_filter(f())
        .send()
        .await
        .unwrap();
    let live_nats = nats
        .nat_gateways()
        .iter()
        .filter(|n| {
            n.tags()
                .iter()
                .any(|t| t.key() == Some("escala:stack") && t.value() == Some(stack))
        })
        .filter(|n| {
            matches!(
                n.state().map(|s| s.as_str()),
                Some("pending" | "available" | "deleting")
            )
        })
        .count();
    [
        ec2.describe_vpcs()
            .set_filters(f())
            .send()
            .await
            .unwrap()
            .vpcs()
            .len(),
        ec2.describe_subnets()
            .set_filters(f())
            .send()
            .await
            .unwrap()
            .subnets()
            .len(),
        ec2.describe_internet_gateways()
            .set_filters(f())
            .send()
            .await
            .unwrap()
            .internet_gateways()
            .len(),
        ec2.describe_route_tables()
            .set_filters(f())
            .send()
            .await
            .unwrap()
            .route_tables()
            .len(),
        ec2.describe_addresses()
            .set_filters(f())
            .send()
            .await
            .unwrap()
            .addresses()
            .len(),
        live_nats,
    ]
}

/// How many instances tagged for `stack` are running (the Auto Scaling group's, in the asg route).
pub async fn running(ec2: &aws_sdk_ec2::Client, stack: &str) -> usize {
    let filter = |name: &str, value: &str| Filter::builder().name(name).values(value).build();
    ec2.describe_instances()
        .filters(filter("tag:escala:stack", stack))
        .filters(filter("instance-state-name", "running"))
        .send()
        .await
        .unwrap()
        .reservations()
        .iter()
        .map(|r| r.instances().len())
        .sum()
}

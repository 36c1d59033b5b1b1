//! The seed's network on a real emulator: apply, every resource and attribute, an empty second
//! plan, one Update for one mutable change, destroy to zero, and invalid specs that create nothing.

mod common;

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{Filter, VpcAttributeName};
use common::*;
use escala_core::plan::Action;
use escala_core::progress::{NoProgress, ProgressEvent, RecordedProgress};
use escala_core::spec::{NatMode, Spec, Zones};
use escala_core::validate::{CheckedSpec, Rule, SpecRule};
use escala_core::CoreError;
use escala_testkit::{emulator, unique_stack};
use tokio_util::sync::CancellationToken;

fn by_vpc(vpc: &str) -> Filter {
    Filter::builder().name("vpc-id").values(vpc).build()
}

fn tag<'a>(tags: &'a [aws_sdk_ec2::types::Tag], key: &str) -> Option<&'a str> {
    tags.iter()
        .find(|t| t.key() == Some(key))
        .and_then(|t| t.value())
}

#[tokio::test]
async fn the_seed_network_applies_converges_updates_and_destroys_to_zero() {
    let stack = unique_stack("seed");
    let spec = Spec::seed_network(&stack, REGION);
    let session = session_at(emulator(), &stack).await;
    let ec2 = ec2_at(emulator()).await;

    let prepared = session.prepare(&checked(&spec)).await.unwrap();
    let plan = session.plan(&prepared).await.unwrap();
    assert_eq!(plan.summary.create, 21, "{:#?}", plan.changes);
    let sink = RecordedProgress::default();
    let report = session
        .apply(&prepared, &plan, &sink, CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(report.done.len(), 21);
    assert!(matches!(
        sink.events().last(),
        Some(ProgressEvent::Finished {
            done: 21,
            failed: 0,
            skipped: 0
        })
    ));

    // The VPC: block, DNS support and hostnames, tags.
    let vpcs = ec2
        .describe_vpcs()
        .filters(tagged(&stack))
        .send()
        .await
        .unwrap();
    assert_eq!(vpcs.vpcs().len(), 1);
    let vpc = &vpcs.vpcs()[0];
    let vpc_id = vpc.vpc_id().unwrap();
    assert_eq!(vpc.cidr_block(), Some("10.0.0.0/16"));
    assert_eq!(tag(vpc.tags(), "escala:id"), Some("vpc"));
    assert_eq!(
        tag(vpc.tags(), "Name"),
        Some(format!("{stack}-vpc").as_str())
    );
    for attr in [
        VpcAttributeName::EnableDnsSupport,
        VpcAttributeName::EnableDnsHostnames,
    ] {
        let out = ec2
            .describe_vpc_attribute()
            .vpc_id(vpc_id)
            .attribute(attr.clone())
            .send()
            .await
            .unwrap();
        let on = out
            .enable_dns_support()
            .or(out.enable_dns_hostnames())
            .and_then(|v| v.value());
        assert_eq!(on, Some(true), "{attr:?}");
    }

    // Subnets: blocks, zones, public IPs only on the public ones.
    let subnets = ec2
        .describe_subnets()
        .filters(by_vpc(vpc_id))
        .send()
        .await
        .unwrap();
    let layout: BTreeMap<String, (String, String, bool)> = subnets
        .subnets()
        .iter()
        .map(|s| {
            (
                tag(s.tags(), "escala:id").unwrap().to_string(),
                (
                    s.cidr_block().unwrap().to_string(),
                    s.availability_zone().unwrap().to_string(),
                    s.map_public_ip_on_launch().unwrap(),
                ),
            )
        })
        .collect();
    let expected: BTreeMap<String, (String, String, bool)> = [
        ("subnet-public-a", "10.0.1.0/24", "us-east-1a", true),
        ("subnet-public-b", "10.0.2.0/24", "us-east-1b", true),
        ("subnet-private-a", "10.0.3.0/24", "us-east-1a", false),
        ("subnet-private-b", "10.0.4.0/24", "us-east-1b", false),
    ]
    .into_iter()
    .map(|(id, c, z, p)| (id.to_string(), (c.to_string(), z.to_string(), p)))
    .collect();
    assert_eq!(layout, expected);
    let subnet_id = |logical: &str| {
        subnets
            .subnets()
            .iter()
            .find(|s| tag(s.tags(), "escala:id") == Some(logical))
            .unwrap()
            .subnet_id()
            .unwrap()
            .to_string()
    };

    // Internet gateway attached to the VPC.
    let igws = ec2
        .describe_internet_gateways()
        .filters(
            Filter::builder()
                .name("attachment.vpc-id")
                .values(vpc_id)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(igws.internet_gateways().len(), 1);
    let igw_id = igws.internet_gateways()[0].internet_gateway_id().unwrap();

    // One NAT gateway, available, in public-a, with the Elastic IP.
    let nats = ec2
        .describe_nat_gateways()
        .filter(by_vpc(vpc_id))
        .send()
        .await
        .unwrap();
    assert_eq!(nats.nat_gateways().len(), 1);
    let nat = &nats.nat_gateways()[0];
    assert_eq!(nat.state().map(|s| s.as_str()), Some("available"));
    assert_eq!(nat.subnet_id(), Some(subnet_id("subnet-public-a").as_str()));
    let eips = ec2
        .describe_addresses()
        .filters(tagged(&stack))
        .send()
        .await
        .unwrap();
    assert_eq!(eips.addresses().len(), 1);
    assert_eq!(
        nat.nat_gateway_addresses()[0].allocation_id(),
        eips.addresses()[0].allocation_id()
    );

    // Route tables: public through the gateway for both public subnets, private through the NAT.
    let tables = ec2
        .describe_route_tables()
        .filters(by_vpc(vpc_id))
        .send()
        .await
        .unwrap();
    let table = |logical: &str| {
        tables
            .route_tables()
            .iter()
            .find(|t| tag(t.tags(), "escala:id") == Some(logical))
            .unwrap()
    };
    let default_target = |t: &aws_sdk_ec2::types::RouteTable| {
        t.routes()
            .iter()
            .find(|r| r.destination_cidr_block() == Some("0.0.0.0/0"))
            .and_then(|r| r.gateway_id().or(r.nat_gateway_id()))
            .map(str::to_string)
    };
    let associated = |t: &aws_sdk_ec2::types::RouteTable| {
        let mut s: Vec<String> = t
            .associations()
            .iter()
            .filter_map(|a| a.subnet_id().map(str::to_string))
            .collect();
        s.sort();
        s
    };
    let public = table("rt-public");
    assert_eq!(default_target(public).as_deref(), Some(igw_id));
    let mut want = vec![subnet_id("subnet-public-a"), subnet_id("subnet-public-b")];
    want.sort();
    assert_eq!(associated(public), want);
    let private = table("rt-private");
    assert_eq!(default_target(private).as_deref(), nat.nat_gateway_id());
    let mut want = vec![subnet_id("subnet-private-a"), subnet_id("subnet-private-b")];
    want.sort();
    assert_eq!(associated(private), want);

    // The default security group is locked down.
    let sg = ec2
        .describe_security_groups()
        .filters(by_vpc(vpc_id))
        .filters(
            Filter::builder()
                .name("group-name")
                .values("default")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let sg = &sg.security_groups()[0];
    assert!(sg.ip_permissions().is_empty() && sg.ip_permissions_egress().is_empty());

    // A second plan is empty.
    let again = session.plan(&prepared).await.unwrap();
    assert!(
        again.is_empty(),
        "{:#?}",
        again
            .changes
            .iter()
            .filter(|c| c.action != Action::NoOp)
            .collect::<Vec<_>>()
    );

    // One mutable field changes: exactly one Update, applied in place.
    let mut changed = spec.clone();
    changed.network.dns_hostnames = false;
    let prepared2 = session.prepare(&checked(&changed)).await.unwrap();
    let plan2 = session.plan(&prepared2).await.unwrap();
    let changes: Vec<_> = plan2
        .changes
        .iter()
        .filter(|c| c.action != Action::NoOp)
        .collect();
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(
        (changes[0].id.as_str(), changes[0].action),
        ("vpc-dns", Action::Update)
    );
    assert_eq!(changes[0].fields[0].field, "dnsHostnames");
    session
        .apply(&prepared2, &plan2, &NoProgress, CancellationToken::new())
        .await
        .unwrap();
    let out = ec2
        .describe_vpc_attribute()
        .vpc_id(vpc_id)
        .attribute(VpcAttributeName::EnableDnsHostnames)
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.enable_dns_hostnames().and_then(|v| v.value()),
        Some(false)
    );
    assert!(session.plan(&prepared2).await.unwrap().is_empty());

    // Destroy: zero tagged, and the untagged dependents (associations, attachment) went first.
    let report = destroy_to_zero(&session, &ec2, &stack).await;
    let kinds: Vec<&str> = report.deleted.iter().map(|f| f.kind.as_str()).collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == "RouteTableAssociation")
            .count(),
        4
    );
    assert!(kinds.contains(&"GatewayAttachment"));
    assert!(ec2
        .describe_vpcs()
        .filters(Filter::builder().name("vpc-id").values(vpc_id).build())
        .send()
        .await
        .unwrap()
        .vpcs()
        .is_empty());
}

#[tokio::test]
async fn per_zone_nat_over_three_zones_and_a_shrink_deletes_the_orphans() {
    let stack = unique_stack("perzone");
    let mut spec = Spec::seed_network(&stack, REGION);
    spec.network.zones = Zones::Count(3);
    spec.network.public_subnets = None;
    spec.network.private_subnets = None;
    spec.network.nat = NatMode::PerZone;
    let session = session_at(emulator(), &stack).await;
    let ec2 = ec2_at(emulator()).await;
    let prepared = session.prepare(&checked(&spec)).await.unwrap();
    let plan = session.plan(&prepared).await.unwrap();
    session
        .apply(&prepared, &plan, &NoProgress, CancellationToken::new())
        .await
        .unwrap();
    let count = |kind: &str, list: &[String]| list.iter().filter(|l| l.starts_with(kind)).count();
    let all = tagged_resources(&ec2, &stack).await;
    assert_eq!(
        (
            count("NatGateway", &all),
            count("Subnet", &all),
            count("RouteTable", &all)
        ),
        (3, 6, 4)
    );

    // Back to a single NAT: two gateways, two addresses, and the three per-zone tables with their
    // default routes are deleted.
    spec.network.nat = NatMode::Single;
    let prepared = session.prepare(&checked(&spec)).await.unwrap();
    let plan = session.plan(&prepared).await.unwrap();
    assert_eq!(
        plan.summary.delete,
        10,
        "{:#?}",
        plan.changes
            .iter()
            .filter(|c| c.action == Action::Delete)
            .collect::<Vec<_>>()
    );
    session
        .apply(&prepared, &plan, &NoProgress, CancellationToken::new())
        .await
        .unwrap();
    let all = tagged_resources(&ec2, &stack).await;
    assert_eq!(
        (
            count("NatGateway", &all),
            count("ElasticIp", &all),
            count("RouteTable", &all)
        ),
        (1, 1, 2)
    );
    assert!(session.plan(&prepared).await.unwrap().is_empty());
    destroy_to_zero(&session, &ec2, &stack).await;
}

/// A broken rule and the edit that breaks it.
type Case = (SpecRule, Box<dyn Fn(&mut Spec)>);

#[tokio::test]
async fn invalid_specs_are_refused_before_anything_is_created() {
    let ec2 = ec2_at(emulator()).await;
    let cases: Vec<Case> = vec![
        (
            SpecRule::VpcCidr,
            Box::new(|s| s.network.vpc_cidr = "10.0.0.0/33".into()),
        ),
        (
            SpecRule::SubnetOutsideVpc,
            Box::new(|s| {
                s.network.public_subnets = Some(vec!["10.0.1.0/24".into(), "10.1.2.0/24".into()])
            }),
        ),
        (
            SpecRule::SubnetOverlap,
            Box::new(|s| {
                s.network.private_subnets = Some(vec!["10.0.1.0/24".into(), "10.0.4.0/24".into()])
            }),
        ),
        (
            SpecRule::TooManyZones,
            Box::new(|s| {
                s.network.zones = Zones::Count(6);
                s.region = "eu-west-3".into();
                s.network.public_subnets = None;
                s.network.private_subnets = None;
            }),
        ),
        (
            SpecRule::ZoneNotInRegion,
            Box::new(|s| {
                s.network.zones = Zones::Names(vec!["us-east-1a".into(), "us-east-1q".into()])
            }),
        ),
        (
            SpecRule::NatWithoutPublicSubnets,
            Box::new(|s| s.network.public_subnets = Some(vec![])),
        ),
        (SpecRule::Name, Box::new(|s| s.name = "Bad_Name".into())),
    ];
    for (rule, edit) in cases {
        let stack = unique_stack("invalid");
        let mut spec = Spec::seed_network(&stack, REGION);
        edit(&mut spec);
        let session = session_at(emulator(), &spec.name).await;
        let session = if spec.region == REGION {
            session
        } else {
            let target = escala_aws::connect::Target::sandbox(emulator());
            escala_aws::session::Session::connect(
                &target,
                &spec.region,
                &spec.name,
                &escala_aws::credentials::KeyringStore::new("unused"),
            )
            .await
            .unwrap()
        };
        // Shape errors stop at the boundary; the zones are checked against the region.
        let errors = match CheckedSpec::new(spec.clone()) {
            Err(v) => v,
            Ok(checked) => match session.prepare(&checked).await.expect_err("invalid") {
                escala_aws::AwsError::Core(CoreError::Validation(v)) => v,
                other => panic!("{rule:?}: expected a validation error, got {other}"),
            },
        };
        assert!(
            errors.rules().contains(&Rule::from(rule)),
            "{rule:?}: {errors}"
        );
        assert!(
            tagged_resources(&ec2, &spec.name).await.is_empty(),
            "{rule:?} created something"
        );
    }
}

#[tokio::test]
async fn dropping_the_nat_gateway_removes_its_route_too() {
    let stack = unique_stack("nonat");
    let mut spec = Spec::seed_network(&stack, REGION);
    let session = session_at(emulator(), &stack).await;
    let ec2 = ec2_at(emulator()).await;
    let (prepared, plan) = session.plan_spec(&checked(&spec)).await.unwrap();
    session
        .apply(&prepared, &plan, &NoProgress, CancellationToken::new())
        .await
        .unwrap();

    spec.network.nat = NatMode::None;
    let (prepared, plan) = session.plan_spec(&checked(&spec)).await.unwrap();
    let mut deleted: Vec<&str> = plan
        .changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .map(|c| c.id.as_str())
        .collect();
    deleted.sort();
    assert_eq!(deleted, ["eip-nat-a", "nat-a", "rt-private-default"]);
    session
        .apply(&prepared, &plan, &NoProgress, CancellationToken::new())
        .await
        .unwrap();
    let tables = ec2
        .describe_route_tables()
        .filters(
            Filter::builder()
                .name("tag:escala:id")
                .values("rt-private")
                .build(),
        )
        .filters(tagged(&stack))
        .send()
        .await
        .unwrap();
    let routes: Vec<_> = tables.route_tables()[0]
        .routes()
        .iter()
        .filter_map(|r| r.destination_cidr_block())
        .collect();
    assert!(
        !routes.contains(&"0.0.0.0/0"),
        "a blackhole route stayed: {routes:?}"
    );
    assert!(session
        .plan_spec(&checked(&spec))
        .await
        .unwrap()
        .1
        .is_empty());
    destroy_to_zero(&session, &ec2, &stack).await;
}

//! A load balancer the cloud controller made for a LoadBalancer Service and left behind.

use async_trait::async_trait;
use escala_core::kind::{Discovery, Kind};
use escala_core::task::{Found, TaskError};

use super::found_for_services;
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::sdk::SdkResultExt;

const BALANCERS: &[&str] = &[
    "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*",
    "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*",
];

#[derive(Debug)]
pub struct ClusterLoadBalancerKind;

#[async_trait]
impl Kind<AwsContext> for ClusterLoadBalancerKind {
    fn name(&self) -> &'static str {
        "ClusterLoadBalancer"
    }
    /// Its network interfaces are in the subnets, and its target groups can't go before it.
    fn blocks(&self) -> &'static [&'static str] {
        &["Subnet", "SecurityGroup", "ClusterTargetGroup"]
    }
    /// While one exists, so do the stack's subnets, which the tag probe sees.
    fn discovery(&self) -> Discovery {
        Discovery::Tagged
    }
    fn permissions(&self) -> &'static [Grant] {
        const GRANTS: &[Grant] = &[
            Grant::reads(&[
                "elasticloadbalancing:DescribeLoadBalancers",
                "elasticloadbalancing:DescribeTags",
            ]),
            Grant::new(
                &["elasticloadbalancing:DeleteLoadBalancer"],
                BALANCERS,
                Scope::Tagged,
            ),
        ];
        GRANTS
    }
    async fn discover(&self, ctx: &AwsContext) -> Result<Vec<Found>, TaskError> {
        found_for_services(ctx, self.name(), |marker| async move {
            let out = ctx
                .elb
                .describe_load_balancers()
                .set_marker(marker)
                .send()
                .await
                .task()?;
            let arns = out
                .load_balancers()
                .iter()
                .filter_map(|lb| lb.load_balancer_arn().map(String::from))
                .collect();
            Ok((arns, out.next_marker().map(String::from)))
        })
        .await
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        crate::routes::balancer::load_balancer::delete(ctx, &f.physical_id).await
    }
}

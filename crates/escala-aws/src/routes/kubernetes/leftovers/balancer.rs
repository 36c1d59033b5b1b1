//! A load balancer the cloud controller made for a LoadBalancer Service and left behind.

use async_trait::async_trait;
use escala_core::kind::{Discovery, Kind};
use escala_core::task::{Found, TaskError};

use super::made_for_services;
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::sdk::{read, SdkResultExt};

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
        let mut arns = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let out = read(|| async {
                ctx.elb
                    .describe_load_balancers()
                    .set_marker(marker.clone())
                    .send()
                    .await
                    .task()
            })
            .await?;
            arns.extend(
                out.load_balancers()
                    .iter()
                    .filter_map(|lb| lb.load_balancer_arn().map(String::from)),
            );
            marker = out.next_marker().map(String::from);
            if marker.is_none() {
                break;
            }
        }
        Ok(made_for_services(ctx, arns)
            .await?
            .into_iter()
            .map(|arn| Found::new(self.name(), None, arn))
            .collect())
    }
    async fn delete(&self, ctx: &AwsContext, f: &Found) -> Result<(), TaskError> {
        crate::routes::balancer::load_balancer::delete(ctx, &f.physical_id).await
    }
}

//! The seed-fargate service as ECS and ELBv2 report it: its RUNNING tasks' addresses and its
//! target group's healthy targets, which the fargate tests wait on before going through the
//! load balancer.

use std::time::Duration;

use aws_sdk_ecs::types::DesiredStatus;

pub const CLUSTER: &str = "seed-fargate";
pub const SERVICE: &str = "chat";

/// The service's RUNNING tasks' private IPs, as DescribeTasks shows them.
pub async fn task_ips(ecs: &aws_sdk_ecs::Client) -> Vec<String> {
    let arns = ecs
        .list_tasks()
        .cluster(CLUSTER)
        .service_name(SERVICE)
        .desired_status(DesiredStatus::Running)
        .send()
        .await
        .unwrap()
        .task_arns()
        .to_vec();
    if arns.is_empty() {
        return Vec::new();
    }
    let tasks = ecs
        .describe_tasks()
        .cluster(CLUSTER)
        .set_tasks(Some(arns))
        .send()
        .await
        .unwrap();
    tasks
        .tasks()
        .iter()
        .filter(|t| t.last_status() == Some("RUNNING"))
        .flat_map(|t| t.attachments())
        .flat_map(|a| a.details())
        .filter(|d| d.name() == Some("privateIPv4Address"))
        .filter_map(|d| d.value().map(String::from))
        .collect()
}

/// The stack's target group's healthy targets, as DescribeTargetHealth reports them.
pub async fn healthy_targets(elb: &aws_sdk_elasticloadbalancingv2::Client) -> usize {
    let groups = elb.describe_target_groups().send().await.unwrap();
    let arn = groups.target_groups()[0].target_group_arn().unwrap();
    let health = elb
        .describe_target_health()
        .target_group_arn(arn)
        .send()
        .await
        .unwrap();
    health
        .target_health_descriptions()
        .iter()
        .filter(|d| {
            d.target_health()
                .and_then(|h| h.state())
                .map(|s| s.as_str())
                == Some("healthy")
        })
        .count()
}

/// Waits up to 20 s for at least `want` healthy targets: ALB routes to a target once its health
/// checks pass, not when ECS calls its task RUNNING.
pub async fn wait_healthy(elb: &aws_sdk_elasticloadbalancingv2::Client, want: usize) {
    let mut healthy = 0;
    for _ in 0..100 {
        healthy = healthy_targets(elb).await;
        if healthy >= want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{healthy} healthy targets of {want}");
}

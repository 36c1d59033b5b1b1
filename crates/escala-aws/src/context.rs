//! What every AWS task gets: the clients, the region and the stack it works for.

use async_trait::async_trait;
use aws_sdk_ec2::types::{Filter, ResourceType, Tag, TagSpecification};
use escala_core::kind::Cloud;
use escala_core::tags;
use escala_core::task::{Found, TaskError};

use crate::iam::Grant;
use crate::sdk::{read, SdkResultExt};

/// The clients and names one stack's tasks share.
#[derive(Debug, Clone)]
pub struct AwsContext {
    pub ec2: aws_sdk_ec2::Client,
    /// AWS's public parameters: where the latest Amazon Linux image id is published.
    pub ssm: aws_sdk_ssm::Client,
    pub elb: aws_sdk_elasticloadbalancingv2::Client,
    pub autoscaling: aws_sdk_autoscaling::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    /// The Fargate route's image repository.
    pub ecr: aws_sdk_ecr::Client,
    /// The Fargate route's task logs.
    pub logs: aws_sdk_cloudwatchlogs::Client,
    /// The Fargate route's cluster, task definition and service.
    pub ecs: aws_sdk_ecs::Client,
    /// The Fargate route's Redis.
    pub elasticache: aws_sdk_elasticache::Client,
    /// The Fargate route's service scaling.
    pub aas: aws_sdk_applicationautoscaling::Client,
    /// The Kubernetes route's cluster and node groups.
    pub eks: aws_sdk_eks::Client,
    /// The permission check before a change asks IAM's policy simulator about the caller.
    pub iam: aws_sdk_iam::Client,
    pub sts: aws_sdk_sts::Client,
    /// The keys the clients sign with, for what Escala signs itself (an EKS token).
    pub credentials: Option<aws_credential_types::provider::SharedCredentialsProvider>,
    pub region: String,
    pub stack: String,
    /// Calls go to an emulator (the sandbox), which lacks instance refresh: rolling updates are
    /// then done by hand, the way the seed does them.
    pub emulator: bool,
    /// The sandbox's endpoint, when calls go to it: its runtime says where load balancers answer.
    pub sandbox: Option<String>,
    /// On an emulator: it gives each EKS cluster an API server (`ESCALA_KUBE_ASSETS`), so what
    /// goes inside clusters is applied there too. Always so on AWS.
    pub cluster_apis: bool,
    /// The credentials are a user's, not the sandbox's own keys: the permission check runs.
    pub checks_permissions: bool,
}

impl AwsContext {
    /// Tags for a new object, applied in its create call so a crash can't leave it untagged.
    pub fn tag_spec(&self, kind: ResourceType, logical_id: &str) -> TagSpecification {
        TagSpecification::builder()
            .resource_type(kind)
            .set_tags(Some(
                tags::for_resource(&self.stack, logical_id)
                    .into_iter()
                    .map(|(k, v)| Tag::builder().key(k).value(v).build())
                    .collect(),
            ))
            .build()
    }

    /// Filters that find the object with this logical id in this stack.
    pub fn own(&self, logical_id: &str) -> Vec<Filter> {
        vec![
            self.stack_filter(),
            filter(&format!("tag:{}", tags::ID), logical_id),
        ]
    }

    /// The filter that finds everything of this stack.
    pub fn stack_filter(&self) -> Filter {
        filter(&format!("tag:{}", tags::STACK), &self.stack)
    }
}

#[async_trait]
impl Cloud for AwsContext {
    type Permission = Grant;

    /// EC2's tag index answers for every EC2 object of the stack in one small call.
    async fn anything_tagged(&self) -> Result<bool, TaskError> {
        let out = read(|| async {
            self.ec2
                .describe_tags()
                .filters(filter("key", tags::STACK))
                .filters(filter("value", &self.stack))
                .max_results(5)
                .send()
                .await
                .task()
        })
        .await?;
        Ok(!out.tags().is_empty())
    }
}

/// An EC2 object of this stack as discovery reports it, by its tags.
pub fn found(kind: &str, tags: &[Tag], id: Option<&str>) -> Found {
    Found::new(kind, logical_id(tags), id.unwrap_or_default())
}

pub fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}

/// The value of tag `key` in an object's tag list.
pub fn tag_value<'a>(tags: &'a [Tag], key: &str) -> Option<&'a str> {
    tags.iter()
        .find(|t| t.key() == Some(key))
        .and_then(|t| t.value())
}

/// The `escala:id` tag of an object, from its tag list.
pub fn logical_id(tags: &[Tag]) -> Option<String> {
    tag_value(tags, tags::ID).map(str::to_string)
}

/// True when the tags say the object is this stack's (and, with `logical`, is that object).
/// Filters already ask for this; checking again keeps Escala correct where an API or an emulator
/// ignores a tag filter (moto's DescribeNatGateways does).
pub fn is_own(tags: &[Tag], stack: &str, logical: Option<&str>) -> bool {
    tag_value(tags, tags::STACK) == Some(stack)
        && logical.is_none_or(|id| tag_value(tags, tags::ID) == Some(id))
}

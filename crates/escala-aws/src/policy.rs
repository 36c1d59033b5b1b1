//! The least-privilege IAM policy Escala generates for a route, instead of the seed's four
//! FullAccess managed policies (EC2, S3, VPC, IAM).
//!
//! The shape: read-only calls anywhere; creates only when the request tags the new object with
//! `escala:stack`; changes and deletes only on objects that carry that tag; IAM roles only under the
//! `/escala/` path. Each route adds the services it drives.

use serde::Serialize;
use serde_json::{json, Value};

/// What the deploy user will be allowed to provision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DeployRoute {
    /// The network only (VPC, subnets, gateways, routes).
    Network,
    /// EC2 Auto Scaling Groups behind a load balancer.
    Asg,
    /// Kubernetes on EKS.
    Kubernetes,
    /// Containers on Fargate.
    Fargate,
}

impl DeployRoute {
    pub const ALL: [DeployRoute; 4] = [
        DeployRoute::Network,
        DeployRoute::Asg,
        DeployRoute::Kubernetes,
        DeployRoute::Fargate,
    ];

    pub fn name(self) -> &'static str {
        match self {
            DeployRoute::Network => "network",
            DeployRoute::Asg => "asg",
            DeployRoute::Kubernetes => "kubernetes",
            DeployRoute::Fargate => "fargate",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }
}

const STACK_TAG: &str = "escala:stack";

/// The EC2 calls that create tagged network objects.
const NETWORK_CREATES: &[&str] = &[
    "ec2:CreateVpc",
    "ec2:CreateSubnet",
    "ec2:CreateInternetGateway",
    "ec2:CreateRouteTable",
    "ec2:AllocateAddress",
    "ec2:CreateNatGateway",
];

/// The EC2 calls that change or delete network objects Escala tagged.
const NETWORK_CHANGES: &[&str] = &[
    "ec2:DeleteVpc",
    "ec2:ModifyVpcAttribute",
    "ec2:DeleteSubnet",
    "ec2:ModifySubnetAttribute",
    "ec2:AttachInternetGateway",
    "ec2:DetachInternetGateway",
    "ec2:DeleteInternetGateway",
    "ec2:DeleteRouteTable",
    "ec2:CreateRoute",
    "ec2:DeleteRoute",
    "ec2:AssociateRouteTable",
    "ec2:DisassociateRouteTable",
    "ec2:ReleaseAddress",
    "ec2:DeleteNatGateway",
];

/// The policy document for `route`. Every route includes the network.
pub fn policy(route: DeployRoute) -> Value {
    let mut creates: Vec<&str> = NETWORK_CREATES.to_vec();
    let mut changes: Vec<&str> = NETWORK_CHANGES.to_vec();
    let mut statements = vec![
        // Discovery looks for every kind of object Escala makes, whatever the route, so a stack is
        // always seen (and torn down) whole: reading them all is part of every route.
        json!({
            "Sid": "ReadOnly",
            "Effect": "Allow",
            "Action": [
                "ec2:Describe*",
                "autoscaling:Describe*",
                "elasticloadbalancing:Describe*",
                "cloudwatch:DescribeAlarms",
                "sts:GetCallerIdentity"
            ],
            "Resource": "*"
        }),
        // The VPC's default security group is created by AWS, untagged, so no tag condition can
        // name it. Revoking rules only ever closes access, so allowing it on any group grants no
        // power to reach anything.
        json!({
            "Sid": "LockDownDefaultSecurityGroup",
            "Effect": "Allow",
            "Action": ["ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress"],
            "Resource": "*"
        }),
    ];
    match route {
        DeployRoute::Network => {}
        DeployRoute::Asg => {
            creates.extend([
                "ec2:CreateSecurityGroup",
                "ec2:CreateLaunchTemplate",
                "ec2:CreateKeyPair",
                "ec2:ImportKeyPair",
                "ec2:RunInstances",
            ]);
            changes.extend([
                "ec2:DeleteSecurityGroup",
                "ec2:AuthorizeSecurityGroupIngress",
                "ec2:AuthorizeSecurityGroupEgress",
                "ec2:CreateLaunchTemplateVersion",
                "ec2:ModifyLaunchTemplate",
                "ec2:DeleteLaunchTemplate",
                "ec2:DeleteKeyPair",
                "ec2:TerminateInstances",
            ]);
            statements.push(json!({
                "Sid": "AutoScalingAndLoadBalancing",
                "Effect": "Allow",
                "Action": ["autoscaling:*", "elasticloadbalancing:*", "cloudwatch:GetMetricData", "cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms", "ssm:GetParameter", "ssm:GetParameters"],
                "Resource": "*"
            }));
            statements.push(service_linked_roles(&[
                "autoscaling.amazonaws.com",
                "elasticloadbalancing.amazonaws.com",
            ]));
        }
        DeployRoute::Kubernetes => {
            creates.extend([
                "ec2:CreateSecurityGroup",
                "ec2:CreateLaunchTemplate",
                "ec2:CreateVolume",
                "ec2:RunInstances",
            ]);
            changes.extend([
                "ec2:DeleteSecurityGroup",
                "ec2:AuthorizeSecurityGroupIngress",
                "ec2:DeleteLaunchTemplate",
                "ec2:DeleteVolume",
                "ec2:TerminateInstances",
            ]);
            statements.push(json!({
                "Sid": "Kubernetes",
                "Effect": "Allow",
                "Action": ["eks:*", "autoscaling:*", "ssm:GetParameter"],
                "Resource": "*"
            }));
            statements.push(escala_roles());
            statements.push(service_linked_roles(&[
                "eks.amazonaws.com",
                "eks-nodegroup.amazonaws.com",
                "autoscaling.amazonaws.com",
            ]));
        }
        DeployRoute::Fargate => {
            creates.push("ec2:CreateSecurityGroup");
            changes.extend([
                "ec2:DeleteSecurityGroup",
                "ec2:AuthorizeSecurityGroupIngress",
            ]);
            statements.push(json!({
                "Sid": "Containers",
                "Effect": "Allow",
                "Action": ["ecs:*", "ecr:*", "logs:*", "application-autoscaling:*", "elasticloadbalancing:*", "cloudwatch:GetMetricData", "cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"],
                "Resource": "*"
            }));
            statements.push(escala_roles());
            statements.push(service_linked_roles(&[
                "ecs.amazonaws.com",
                "elasticloadbalancing.amazonaws.com",
            ]));
        }
    }
    statements.push(json!({
        "Sid": "CreateOnlyTaggedForAStack",
        "Effect": "Allow",
        "Action": creates,
        "Resource": "*",
        "Condition": {"Null": {format!("aws:RequestTag/{STACK_TAG}"): "false"}}
    }));
    statements.push(json!({
        "Sid": "TagOnlyWhileCreating",
        "Effect": "Allow",
        "Action": "ec2:CreateTags",
        "Resource": "*",
        "Condition": {"StringEquals": {"ec2:CreateAction": creates.iter().map(|a| a.trim_start_matches("ec2:")).collect::<Vec<_>>()}}
    }));
    statements.push(json!({
        "Sid": "ChangeOnlyWhatEscalaTagged",
        "Effect": "Allow",
        "Action": changes,
        "Resource": "*",
        "Condition": {"Null": {format!("ec2:ResourceTag/{STACK_TAG}"): "false"}}
    }));
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn escala_roles() -> Value {
    json!({
        "Sid": "RolesUnderTheEscalaPath",
        "Effect": "Allow",
        "Action": ["iam:CreateRole", "iam:DeleteRole", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:GetRole", "iam:PassRole", "iam:TagRole", "iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile"],
        "Resource": ["arn:aws:iam::*:role/escala/*", "arn:aws:iam::*:instance-profile/escala/*"]
    })
}

fn service_linked_roles(services: &[&str]) -> Value {
    json!({
        "Sid": "ServiceLinkedRoles",
        "Effect": "Allow",
        "Action": "iam:CreateServiceLinkedRole",
        "Resource": "*",
        "Condition": {"StringEquals": {"iam:AWSServiceName": services}}
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actions(doc: &Value) -> Vec<String> {
        doc["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| match &s["Action"] {
                Value::String(a) => vec![a.clone()],
                Value::Array(a) => a.iter().map(|v| v.as_str().unwrap().to_string()).collect(),
                _ => vec![],
            })
            .collect()
    }

    #[test]
    fn the_network_policy_has_no_wildcard_service_and_no_iam() {
        let doc = policy(DeployRoute::Network);
        let actions = actions(&doc);
        assert!(
            actions.iter().all(|a| a != "*"
                && !a.ends_with(":*")
                && !a.starts_with("iam:")
                && !a.starts_with("s3:")),
            "{actions:?}"
        );
        assert!(actions.contains(&"ec2:CreateNatGateway".to_string()));
        assert!(
            actions.contains(&"autoscaling:Describe*".to_string()),
            "discovery reads every kind Escala makes"
        );
    }

    #[test]
    fn creates_require_the_stack_tag_and_changes_require_it_on_the_object() {
        let doc = policy(DeployRoute::Asg);
        let text = doc.to_string();
        assert!(text.contains("aws:RequestTag/escala:stack"));
        assert!(text.contains("ec2:ResourceTag/escala:stack"));
        let statements = doc["Statement"].as_array().unwrap();
        let create = statements
            .iter()
            .find(|s| s["Sid"] == "CreateOnlyTaggedForAStack")
            .unwrap();
        assert!(create["Action"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "ec2:CreateLaunchTemplate"));
    }

    #[test]
    fn only_routes_that_need_roles_get_them_and_only_under_the_escala_path() {
        assert!(!policy(DeployRoute::Asg)
            .to_string()
            .contains("iam:CreateRole"));
        let k = policy(DeployRoute::Kubernetes).to_string();
        assert!(k.contains("iam:CreateRole") && k.contains("role/escala/*"));
        for route in DeployRoute::ALL {
            assert_eq!(DeployRoute::parse(route.name()), Some(route));
            assert!(
                serde_json::to_string(&policy(route)).unwrap().len() < 6144,
                "managed policies are capped at 6,144 characters"
            );
        }
    }
}

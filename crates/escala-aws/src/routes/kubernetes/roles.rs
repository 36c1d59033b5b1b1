//! The IAM roles EKS is handed, shared by every EKS stack of the account, as AWS's own guides have
//! an account make `eksClusterRole` and `AmazonEKSNodeRole` once: the cluster role, which the
//! control plane uses to manage AWS resources for the cluster (AmazonEKSClusterPolicy); the node
//! role, which the nodes' kubelets and the VPC CNI use to join the cluster, give pods their
//! addresses and pull images; and the EBS CSI driver's, which its controller's pods get through
//! EKS Pod Identity to make and attach volumes (AmazonEBSCSIDriverPolicy); and cluster-autoscaler's,
//! which its pod gets the same way to read the node groups and set their size (AWS has no managed
//! policy for it: the role holds the one cluster-autoscaler's AWS guide gives, its changes limited
//! to groups tagged for auto-discovery); and the CloudWatch agent's, for Container Insights' addon
//! (CloudWatchAgentServerPolicy). Making a role is
//! permissions management, so the admin makes them with the deploy user ([`crate::account`]); the
//! deploy user only passes them to EKS.

use crate::account::{self, AccountRole};
use crate::context::AwsContext;
use crate::iam::{Grant, Scope};
use crate::AwsError;

pub const CLUSTER: AccountRole = AccountRole {
    name: "escala-eks-cluster",
    service: EKS,
    trust: &["sts:AssumeRole"],
    policies: &["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"],
    inline: None,
    description: "EKS manages the AWS resources of Escala's clusters with it (Escala)",
};

pub const NODE: AccountRole = AccountRole {
    name: "escala-eks-node",
    service: "ec2.amazonaws.com",
    trust: &["sts:AssumeRole"],
    policies: &[
        "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
        "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    ],
    inline: None,
    description: "The nodes of Escala's EKS clusters join them and pull images with it (Escala)",
};

pub const EBS_CSI: AccountRole = AccountRole {
    name: "escala-eks-ebs-csi",
    service: PODS,
    trust: &["sts:AssumeRole", "sts:TagSession"],
    policies: &["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"],
    inline: None,
    description:
        "The EBS CSI driver of Escala's EKS clusters makes and attaches volumes with it (Escala)",
};

pub const AUTOSCALER: AccountRole = AccountRole {
    name: "escala-eks-cluster-autoscaler",
    service: PODS,
    trust: &["sts:AssumeRole", "sts:TagSession"],
    policies: &[],
    inline: Some(AUTOSCALER_POLICY),
    description:
        "cluster-autoscaler in Escala's EKS clusters sizes their node groups with it (Escala)",
};

/// The CloudWatch agent's, which Container Insights' addon runs: it publishes the cluster's metrics
/// and logs with AWS's policy for it, through EKS Pod Identity.
pub const CLOUDWATCH: AccountRole = AccountRole {
    name: "escala-eks-cloudwatch",
    service: PODS,
    trust: &["sts:AssumeRole", "sts:TagSession"],
    policies: &["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"],
    inline: None,
    description:
        "Container Insights' CloudWatch agent in Escala's EKS clusters publishes their metrics with it (Escala)",
};

/// cluster-autoscaler's policy (its AWS guide's, "Full Cluster Autoscaler Features Policy"): what
/// it reads, and the two changes it makes, only on Auto Scaling groups tagged for its
/// auto-discovery (EKS tags every managed node group's group so).
const AUTOSCALER_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Read",
      "Effect": "Allow",
      "Action": [
        "autoscaling:DescribeAutoScalingGroups",
        "autoscaling:DescribeAutoScalingInstances",
        "autoscaling:DescribeLaunchConfigurations",
        "autoscaling:DescribeScalingActivities",
        "ec2:DescribeImages",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplateVersions",
        "ec2:GetInstanceTypesFromInstanceRequirements"
      ],
      "Resource": "*"
    },
    {
      "Sid": "NodeGroups",
      "Effect": "Allow",
      "Action": "eks:DescribeNodegroup",
      "Resource": "arn:aws:eks:*:*:nodegroup/*/*/*"
    },
    {
      "Sid": "Scale",
      "Effect": "Allow",
      "Action": [
        "autoscaling:SetDesiredCapacity",
        "autoscaling:TerminateInstanceInAutoScalingGroup"
      ],
      "Resource": "arn:aws:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/*",
      "Condition": {
        "StringEquals": {"aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "true"}
      }
    }
  ]
}"#;

const EKS: &str = "eks.amazonaws.com";
/// EKS Pod Identity's principal: it hands a pod the role of its service account's association.
const PODS: &str = "pods.eks.amazonaws.com";
const ROLES: &[&str] = &["arn:aws:iam::*:role/escala/escala-eks-*"];

/// What the deploy user may do with the roles: see them, and pass them to EKS only (CreateCluster
/// passes the cluster role and CreateNodegroup the node role to EKS; CreatePodIdentityAssociation
/// passes the driver's and cluster-autoscaler's to Pod Identity).
pub const GRANTS: &[Grant] = &[
    Grant::new(&["iam:GetRole"], ROLES, Scope::Reading),
    Grant::new(&["iam:PassRole"], ROLES, Scope::PassedTo { service: EKS }),
    Grant::new(
        &["iam:PassRole"],
        &[
            "arn:aws:iam::*:role/escala/escala-eks-ebs-csi",
            "arn:aws:iam::*:role/escala/escala-eks-cluster-autoscaler",
            "arn:aws:iam::*:role/escala/escala-eks-cloudwatch",
        ],
        Scope::PassedTo { service: PODS },
    ),
];

/// The roles' ARNs, for the cluster and its node groups.
#[derive(Debug, Clone)]
pub struct RoleArns {
    pub cluster: String,
    pub node: String,
    pub ebs_csi: String,
    pub autoscaler: String,
    pub cloudwatch: String,
}

/// The roles as the account has them; in the sandbox, made on first need, as the admin would have.
pub async fn look_up(ctx: &AwsContext) -> Result<RoleArns, AwsError> {
    let arn = |role: &'static AccountRole| async move {
        if ctx.sandbox.is_some() {
            return account::ensure(&ctx.iam, role).await;
        }
        account::find(&ctx.iam, role).await?.ok_or_else(|| {
            AwsError::Invalid(format!(
                "the account has no IAM role {}, which EKS runs Escala's clusters with: an admin \
                 makes it once per account with `escala auth create-deploy-user --route kubernetes` \
                 (or the wizard's Connect step)",
                role.name
            ))
        })
    };
    let (cluster, node, ebs_csi, autoscaler, cloudwatch) = tokio::try_join!(
        arn(&CLUSTER),
        arn(&NODE),
        arn(&EBS_CSI),
        arn(&AUTOSCALER),
        arn(&CLOUDWATCH)
    )?;
    Ok(RoleArns {
        cluster,
        node,
        ebs_csi,
        autoscaler,
        cloudwatch,
    })
}

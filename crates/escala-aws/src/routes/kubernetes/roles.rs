//! The IAM roles EKS is handed, shared by every EKS stack of the account, as AWS's own guides have
//! an account make `eksClusterRole` and `AmazonEKSNodeRole` once: the cluster role, which the
//! control plane uses to manage AWS resources for the cluster (AmazonEKSClusterPolicy); the node
//! role, which the nodes' kubelets and the VPC CNI use to join the cluster, give pods their
//! addresses and pull images; and the EBS CSI driver's, which its controller's pods get through
//! EKS Pod Identity to make and attach volumes (AmazonEBSCSIDriverPolicy). Making a role is
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
    description: "The nodes of Escala's EKS clusters join them and pull images with it (Escala)",
};

pub const EBS_CSI: AccountRole = AccountRole {
    name: "escala-eks-ebs-csi",
    service: PODS,
    trust: &["sts:AssumeRole", "sts:TagSession"],
    policies: &["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"],
    description:
        "The EBS CSI driver of Escala's EKS clusters makes and attaches volumes with it (Escala)",
};

const EKS: &str = "eks.amazonaws.com";
/// EKS Pod Identity's principal: it hands a pod the role of its service account's association.
const PODS: &str = "pods.eks.amazonaws.com";
const ROLES: &[&str] = &["arn:aws:iam::*:role/escala/escala-eks-*"];

/// What the deploy user may do with the roles: see them, and pass them to EKS only (CreateCluster
/// passes the cluster role and CreateNodegroup the node role to EKS; CreatePodIdentityAssociation
/// passes the driver's to Pod Identity).
pub const GRANTS: &[Grant] = &[
    Grant::new(&["iam:GetRole"], ROLES, Scope::Reading),
    Grant::new(&["iam:PassRole"], ROLES, Scope::PassedTo { service: EKS }),
    Grant::new(
        &["iam:PassRole"],
        &["arn:aws:iam::*:role/escala/escala-eks-ebs-csi"],
        Scope::PassedTo { service: PODS },
    ),
];

/// The roles' ARNs, for the cluster and its node groups.
#[derive(Debug, Clone)]
pub struct RoleArns {
    pub cluster: String,
    pub node: String,
    pub ebs_csi: String,
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
    let (cluster, node, ebs_csi) = tokio::try_join!(arn(&CLUSTER), arn(&NODE), arn(&EBS_CSI))?;
    Ok(RoleArns {
        cluster,
        node,
        ebs_csi,
    })
}

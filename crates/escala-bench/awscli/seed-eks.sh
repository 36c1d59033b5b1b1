#!/usr/bin/env bash
# The seed's EKS stack (examples/seed-eks.yaml) built in eksctl's order: the cluster's stack (its
# network, its roles, the cluster, waited for until ACTIVE), then each node group's stack, one
# after the other, each waited for, then the addons, each waited for, then the pod identities.
# Every object with the same names, settings and tags as `escala apply` gives it
# (crates/escala-aws/src/routes/kubernetes). A baseline for bench-network; needs AWS, ENDPOINT and
# STACK, as seed-network.sh does.
set -euo pipefail

# The network first, exactly as seed-network.sh makes it; its ids and aws() are ours.
# shellcheck source=seed-network.sh
source "$(dirname "${BASH_SOURCE[0]}")/seed-network.sh"
shopt -s inherit_errexit

eks_tags() { echo "escala:stack=$STACK,escala:id=$1,Name=$STACK-$1"; }
version=1.35

# --- The account's roles, as `escala auth create-deploy-user --route kubernetes` makes them once
# per account (the sandbox makes them on first need, as apply does after a reset).
role() { # name, service, trust actions (JSON list), managed policies…
  local name=$1 service=$2 actions=$3
  shift 3
  aws iam create-role --role-name "$name" --path /escala/ \
    --assume-role-policy-document "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"$service\"},\"Action\":$actions}]}" \
    --query Role.Arn
  for policy in "$@"; do
    aws iam attach-role-policy --role-name "$name" --policy-arn "$policy" >&2
  done
}
cluster_role=$(role escala-eks-cluster eks.amazonaws.com '["sts:AssumeRole"]' arn:aws:iam::aws:policy/AmazonEKSClusterPolicy)
node_role=$(role escala-eks-node ec2.amazonaws.com '["sts:AssumeRole"]' \
  arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy \
  arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly)
ebs_role=$(role escala-eks-ebs-csi pods.eks.amazonaws.com '["sts:AssumeRole","sts:TagSession"]' \
  arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy)
ca_role=$(role escala-eks-cluster-autoscaler pods.eks.amazonaws.com '["sts:AssumeRole","sts:TagSession"]')
# Its own policy, as crates/escala-aws/src/routes/kubernetes/roles.rs has it.
aws iam put-role-policy --role-name escala-eks-cluster-autoscaler --policy-name escala --policy-document '{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Resource": "*", "Action": [
      "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances",
      "autoscaling:DescribeLaunchConfigurations", "autoscaling:DescribeScalingActivities",
      "ec2:DescribeImages", "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplateVersions",
      "ec2:GetInstanceTypesFromInstanceRequirements"]},
    {"Sid": "NodeGroups", "Effect": "Allow", "Action": "eks:DescribeNodegroup",
     "Resource": "arn:aws:eks:*:*:nodegroup/*/*/*"},
    {"Sid": "Scale", "Effect": "Allow",
     "Action": ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
     "Resource": "arn:aws:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/*",
     "Condition": {"StringEquals": {"aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "true"}}}
  ]
}'

# --- The cluster, on the private subnets, access entries as its authentication mode.
aws eks create-cluster --name "$STACK" --kubernetes-version "$version" --role-arn "$cluster_role" \
  --resources-vpc-config "subnetIds=$priv_a,$priv_b,endpointPublicAccess=true,endpointPrivateAccess=true,publicAccessCidrs=0.0.0.0/0" \
  --access-config authenticationMode=API,bootstrapClusterCreatorAdminPermissions=true \
  --tags "$(eks_tags eks-cluster)" >/dev/null
aws eks wait cluster-active --name "$STACK"

# --- Each node group's stack, one after the other.
aws eks create-nodegroup --cluster-name "$STACK" --nodegroup-name nodes --kubernetes-version "$version" \
  --node-role "$node_role" --subnets "$priv_a" "$priv_b" --instance-types t3.medium \
  --capacity-type ON_DEMAND --ami-type AL2023_x86_64_STANDARD --disk-size 20 \
  --scaling-config minSize=2,maxSize=4,desiredSize=2 --labels role=web \
  --tags "$(eks_tags node-group-nodes)" >/dev/null
aws eks wait nodegroup-active --cluster-name "$STACK" --nodegroup-name nodes

# --- The addons, each at EKS's default version for the cluster's, each waited for.
for addon in vpc-cni kube-proxy coredns eks-pod-identity-agent aws-ebs-csi-driver metrics-server; do
  addon_version=$(aws eks describe-addon-versions --addon-name "$addon" --kubernetes-version "$version" \
    --query 'addons[0].addonVersions[?compatibilities[0].defaultVersion].addonVersion | [0]')
  aws eks create-addon --cluster-name "$STACK" --addon-name "$addon" --addon-version "$addon_version" \
    --resolve-conflicts OVERWRITE --tags "$(eks_tags "addon-$addon")" >/dev/null
  aws eks wait addon-active --cluster-name "$STACK" --addon-name "$addon"
done

# --- The pod identities of the EBS driver and cluster-autoscaler.
aws eks create-pod-identity-association --cluster-name "$STACK" --namespace kube-system \
  --service-account ebs-csi-controller-sa --role-arn "$ebs_role" \
  --tags "$(eks_tags pod-identity-ebs-csi-controller-sa)" >/dev/null
aws eks create-pod-identity-association --cluster-name "$STACK" --namespace kube-system \
  --service-account cluster-autoscaler --role-arn "$ca_role" \
  --tags "$(eks_tags pod-identity-cluster-autoscaler)" >/dev/null

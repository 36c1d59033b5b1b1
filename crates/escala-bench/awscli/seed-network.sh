#!/usr/bin/env bash
# The seed network built the way the walkthrough does it: one AWS CLI call after another.
# Used by bench-network as the baseline. Needs AWS (the awscli from PyPI), ENDPOINT and STACK.
set -euo pipefail
: "${AWS:?path to the aws command}" "${ENDPOINT:?emulator endpoint}" "${STACK:?stack name}"
export AWS_ACCESS_KEY_ID=escala-bench AWS_SECRET_ACCESS_KEY=escala-bench AWS_DEFAULT_REGION=us-east-1
aws() { "$AWS" --endpoint-url "$ENDPOINT" --output text "$@"; }
tags() { echo "ResourceType=$1,Tags=[{Key=escala:stack,Value=$STACK},{Key=escala:id,Value=$2}]"; }

vpc=$(aws ec2 create-vpc --cidr-block 10.0.0.0/16 --tag-specifications "$(tags vpc vpc)" --query Vpc.VpcId)
aws ec2 modify-vpc-attribute --vpc-id "$vpc" --enable-dns-support '{"Value":true}'
aws ec2 modify-vpc-attribute --vpc-id "$vpc" --enable-dns-hostnames '{"Value":true}'
subnet() { aws ec2 create-subnet --vpc-id "$vpc" --cidr-block "$1" --availability-zone "$2" --tag-specifications "$(tags subnet "$3")" --query Subnet.SubnetId; }
pub_a=$(subnet 10.0.1.0/24 us-east-1a subnet-public-a)
pub_b=$(subnet 10.0.2.0/24 us-east-1b subnet-public-b)
priv_a=$(subnet 10.0.3.0/24 us-east-1a subnet-private-a)
priv_b=$(subnet 10.0.4.0/24 us-east-1b subnet-private-b)
aws ec2 modify-subnet-attribute --subnet-id "$pub_a" --map-public-ip-on-launch
aws ec2 modify-subnet-attribute --subnet-id "$pub_b" --map-public-ip-on-launch
igw=$(aws ec2 create-internet-gateway --tag-specifications "$(tags internet-gateway igw)" --query InternetGateway.InternetGatewayId)
aws ec2 attach-internet-gateway --internet-gateway-id "$igw" --vpc-id "$vpc"
rt_pub=$(aws ec2 create-route-table --vpc-id "$vpc" --tag-specifications "$(tags route-table rt-public)" --query RouteTable.RouteTableId)
aws ec2 create-route --route-table-id "$rt_pub" --destination-cidr-block 0.0.0.0/0 --gateway-id "$igw" >/dev/null
aws ec2 associate-route-table --route-table-id "$rt_pub" --subnet-id "$pub_a" >/dev/null
aws ec2 associate-route-table --route-table-id "$rt_pub" --subnet-id "$pub_b" >/dev/null
eip=$(aws ec2 allocate-address --domain vpc --tag-specifications "$(tags elastic-ip eip-nat-a)" --query AllocationId)
nat=$(aws ec2 create-nat-gateway --subnet-id "$pub_a" --allocation-id "$eip" --tag-specifications "$(tags natgateway nat-a)" --query NatGateway.NatGatewayId)
aws ec2 wait nat-gateway-available --nat-gateway-ids "$nat"
rt_priv=$(aws ec2 create-route-table --vpc-id "$vpc" --tag-specifications "$(tags route-table rt-private)" --query RouteTable.RouteTableId)
aws ec2 create-route --route-table-id "$rt_priv" --destination-cidr-block 0.0.0.0/0 --nat-gateway-id "$nat" >/dev/null
aws ec2 associate-route-table --route-table-id "$rt_priv" --subnet-id "$priv_a" >/dev/null
aws ec2 associate-route-table --route-table-id "$rt_priv" --subnet-id "$priv_b" >/dev/null
sg=$(aws ec2 describe-security-groups --filters "Name=vpc-id,Values=$vpc" "Name=group-name,Values=default" --query 'SecurityGroups[0].GroupId')
aws ec2 revoke-security-group-egress --group-id "$sg" --ip-permissions '[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]' >/dev/null

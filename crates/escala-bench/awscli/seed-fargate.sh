#!/usr/bin/env bash
# The seed's Fargate stack (examples/seed-fargate.yaml) built the way AWS's docs build it: one AWS
# CLI call after another, in dependency order, with the same names, settings and tags as
# `escala apply` gives each object (crates/escala-aws/src/routes/fargate and ../balancer).
# A baseline for bench-network. Needs AWS (the awscli from PyPI), ENDPOINT and STACK, as
# seed-network.sh does; IMAGE optionally names the image the task definition runs.
#
# The chat's image is not built or pushed here: that takes a container build, which this script
# can't do. Escala's timing includes building and pushing it and this one doesn't, so the
# benchmark's speed-up understates Escala's lead by that much. IMAGE names the image the task
# definition runs (default: "<repository URI>:bench", which nothing has to exist at for ECS to
# register the definition and create the service). IMAGE_DIGEST (sha256:…), when given, is the
# image's digest: the task definition is then tagged with the revision Escala tags it with.
set -euo pipefail

# The network first: the seed network, exactly as seed-network.sh makes it. Sourced, so its ids
# ($vpc, $pub_a, $pub_b, $priv_a, $priv_b, $igw, $nat, ...) and its aws() and tags() are ours.
# shellcheck source=seed-network.sh
source "$(dirname "${BASH_SOURCE[0]}")/seed-network.sh"
# A failed call inside a function run in $(...) (group, below) stops the script too.
shopt -s inherit_errexit

# Escala tags everything it makes with its stack, its logical id and a Name (<stack>-<id>), in
# each service's own shape of tag list.
ec2_tags() { echo "ResourceType=$1,Tags=[{Key=escala:stack,Value=$STACK},{Key=escala:id,Value=$2},{Key=Name,Value=$STACK-$2}]"; }
kv_tags() { echo "Key=escala:stack,Value=$STACK" "Key=escala:id,Value=$1" "Key=Name,Value=$STACK-$1"; }
ecs_tags() { echo "key=escala:stack,value=$STACK" "key=escala:id,value=$1" "key=Name,value=$STACK-$1"; }
map_tags() { echo "escala:stack=$STACK,escala:id=$1,Name=$STACK-$1"; }

# The settings the Spec asks for.
cpu=256 memory=512 port=3000
tasks_min=1 tasks_desired=2 tasks_max=6
redis_port=6379
region=$AWS_DEFAULT_REGION

# --- The tasks' two roles: the account's, shared by every Fargate stack. On a fresh account (the
# emulator after a reset) apply makes them, as an admin would once per account: the execution
# role with AWS's managed policy, the task role with none. Not tagged, as Escala doesn't.
trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
execution_role=$(aws iam create-role --role-name escala-ecs-task-execution --path /escala/ \
  --assume-role-policy-document "$trust" \
  --description "ECS pulls Escala's Fargate images and writes their logs with it (Escala)" \
  --query Role.Arn)
aws iam attach-role-policy --role-name escala-ecs-task-execution \
  --policy-arn arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy
task_role=$(aws iam create-role --role-name escala-ecs-task --path /escala/ \
  --assume-role-policy-document "$trust" \
  --description "The identity of Escala's Fargate tasks, with no permission (Escala)" \
  --query Role.Arn)

# --- The image's repository (the image itself: see the top) and the tasks' log group.
# shellcheck disable=SC2046
repository_uri=$(aws ecr create-repository --repository-name "$STACK-chat" \
  --image-tag-mutability IMMUTABLE --image-scanning-configuration scanOnPush=true \
  --tags $(kv_tags repository) --query repository.repositoryUri)
image=${IMAGE:-$repository_uri:bench}
aws logs create-log-group --log-group-name "/ecs/$STACK-chat" --tags "$(map_tags log-group)"
aws logs put-retention-policy --log-group-name "/ecs/$STACK-chat" --retention-in-days 14

# --- The security groups, each open on one port to one source; their egress is AWS's default.
group() { # logical id, description, port, source (a CIDR or a group id)
  local id
  id=$(aws ec2 create-security-group --group-name "$STACK-$1" --description "$2" --vpc-id "$vpc" \
    --tag-specifications "$(ec2_tags security-group "$1")" --query GroupId)
  local from
  case $4 in
    sg-*) from="\"UserIdGroupPairs\":[{\"GroupId\":\"$4\"}]" ;;
    *) from="\"IpRanges\":[{\"CidrIp\":\"$4\"}]" ;;
  esac
  aws ec2 authorize-security-group-ingress --group-id "$id" \
    --ip-permissions "[{\"IpProtocol\":\"tcp\",\"FromPort\":$3,\"ToPort\":$3,$from}]" >/dev/null
  echo "$id"
}
sg_alb=$(group sg-alb "The load balancer: HTTP from anywhere" 80 0.0.0.0/0)
sg_tasks=$(group sg-tasks "The chat's tasks: their port from the load balancer only" "$port" "$sg_alb")
sg_redis=$(group sg-redis "The chat's Redis: its port from the tasks only" "$redis_port" "$sg_tasks")

# --- Redis (Valkey) in the private subnets: one node, no replica (so no failover, no Multi-AZ),
# encrypted at rest. Escala waits for it to be available, as the task definition needs its
# endpoint.
# shellcheck disable=SC2046
aws elasticache create-cache-subnet-group --cache-subnet-group-name "$STACK-redis" \
  --cache-subnet-group-description "The chat's Redis, in the private subnets (Escala)" \
  --subnet-ids "$priv_a" "$priv_b" --tags $(kv_tags cache-subnet-group) >/dev/null
# shellcheck disable=SC2046
aws elasticache create-replication-group --replication-group-id "$STACK-redis" \
  --replication-group-description "The chat's messages between tasks (Escala)" \
  --engine valkey --cache-node-type cache.t4g.micro --num-cache-clusters 1 \
  --no-automatic-failover-enabled --no-multi-az-enabled --at-rest-encryption-enabled \
  --cache-subnet-group-name "$STACK-redis" --security-group-ids "$sg_redis" --port "$redis_port" \
  --tags $(kv_tags redis) >/dev/null
aws elasticache wait replication-group-available --replication-group-id "$STACK-redis"
redis_url=$(aws elasticache describe-replication-groups --replication-group-id "$STACK-redis" \
  --query 'ReplicationGroups[0].NodeGroups[0].PrimaryEndpoint.[Address,Port]' | tr '\t' :)
redis_url="redis://$redis_url"

# --- The load balancer: a sticky target group of the tasks' IPs, drained for 30 s, the
# internet-facing balancer across the public subnets, and its HTTP listener. Escala doesn't wait
# for the balancer to be active (ECS registers targets once it is), so neither does this.
# shellcheck disable=SC2046
target_group=$(aws elbv2 create-target-group --name "$STACK-web" --protocol HTTP --port "$port" \
  --vpc-id "$vpc" --target-type ip --health-check-path /healthz \
  --tags $(kv_tags target-group) --query 'TargetGroups[0].TargetGroupArn')
aws elbv2 modify-target-group-attributes --target-group-arn "$target_group" --attributes \
  Key=stickiness.enabled,Value=true Key=deregistration_delay.timeout_seconds,Value=30 \
  Key=stickiness.type,Value=lb_cookie >/dev/null
# shellcheck disable=SC2046
balancer=$(aws elbv2 create-load-balancer --name "$STACK-alb" --type application \
  --scheme internet-facing --subnets "$pub_a" "$pub_b" --security-groups "$sg_alb" \
  --tags $(kv_tags alb) --query 'LoadBalancers[0].LoadBalancerArn')
# shellcheck disable=SC2046
aws elbv2 create-listener --load-balancer-arn "$balancer" --protocol HTTP --port 80 \
  --default-actions "Type=forward,TargetGroupArn=$target_group" \
  --tags $(kv_tags listener) >/dev/null

# --- ECS: the cluster with both Fargate capacity providers, the task definition, the service.
# shellcheck disable=SC2046
aws ecs create-cluster --cluster-name "$STACK" --capacity-providers FARGATE FARGATE_SPOT \
  --tags $(ecs_tags cluster) >/dev/null

container=$(cat <<JSON
[{
  "name": "chat",
  "image": "$image",
  "essential": true,
  "portMappings": [{"containerPort": $port, "protocol": "tcp"}],
  "environment": [
    {"name": "ESCALA_CHAT_PORT", "value": "$port"},
    {"name": "REDIS_URL", "value": "$redis_url"}
  ],
  "logConfiguration": {
    "logDriver": "awslogs",
    "options": {
      "awslogs-group": "/ecs/$STACK-chat",
      "awslogs-region": "$region",
      "awslogs-stream-prefix": "chat"
    }
  },
  "healthCheck": {
    "command": ["CMD", "/usr/local/bin/escala-chat", "healthcheck"],
    "interval": 10, "timeout": 3, "retries": 3, "startPeriod": 5
  },
  "readonlyRootFilesystem": true
}]
JSON
)
# Escala tags each revision with what it is made from (escala:template): eight hex digits of the
# 64-bit FNV-1a of "<digest>\n<port>\nredis" (crates/escala-aws/src/fingerprint.rs). Only known
# when the image's digest is.
template=()
if [ -n "${IMAGE_DIGEST:-}" ]; then
  text="$IMAGE_DIGEST"$'\n'"$port"$'\n'redis
  h=$((0xcbf29ce484222325))
  for ((i = 0; i < ${#text}; i++)); do
    printf -v byte '%d' "'${text:i:1}"
    h=$(((h ^ byte) * 0x100000001b3))
  done
  printf -v revision '%08x' $((h & 0xffffffff))
  template=("key=escala:template,value=$revision")
fi
# shellcheck disable=SC2046
definition=$(aws ecs register-task-definition --family "$STACK-chat" --network-mode awsvpc \
  --requires-compatibilities FARGATE --cpu "$cpu" --memory "$memory" \
  --runtime-platform cpuArchitecture=X86_64,operatingSystemFamily=LINUX \
  --execution-role-arn "$execution_role" --task-role-arn "$task_role" \
  --container-definitions "$container" \
  --tags $(ecs_tags task-definition) "${template[@]}" \
  --query taskDefinition.taskDefinitionArn)

# shellcheck disable=SC2046
aws ecs create-service --cluster "$STACK" --service-name chat --task-definition "$definition" \
  --desired-count "$tasks_desired" \
  --capacity-provider-strategy capacityProvider=FARGATE,base=1,weight=1 \
  capacityProvider=FARGATE_SPOT,weight=1 \
  --network-configuration "awsvpcConfiguration={subnets=[$priv_a,$priv_b],securityGroups=[$sg_tasks],assignPublicIp=DISABLED}" \
  --load-balancers "targetGroupArn=$target_group,containerName=chat,containerPort=$port" \
  --health-check-grace-period-seconds 60 \
  --deployment-configuration '{"deploymentCircuitBreaker":{"enable":true,"rollback":true},"minimumHealthyPercent":100,"maximumPercent":200}' \
  --propagate-tags SERVICE --enable-ecs-managed-tags \
  --tags $(ecs_tags service) >/dev/null

# --- Application Auto Scaling: the service's desired count between min and max, tracking 60%
# average CPU. The policy takes no tags (Escala finds it by its name, through its target).
aws application-autoscaling register-scalable-target --service-namespace ecs \
  --scalable-dimension ecs:service:DesiredCount --resource-id "service/$STACK/chat" \
  --min-capacity "$tasks_min" --max-capacity "$tasks_max" --tags "$(map_tags scalable-target)" >/dev/null
aws application-autoscaling put-scaling-policy --service-namespace ecs \
  --scalable-dimension ecs:service:DesiredCount --resource-id "service/$STACK/chat" \
  --policy-name "$STACK-target" --policy-type TargetTrackingScaling \
  --target-tracking-scaling-policy-configuration '{"TargetValue":60.0,"PredefinedMetricSpecification":{"PredefinedMetricType":"ECSServiceAverageCPUUtilization"},"ScaleOutCooldown":60,"ScaleInCooldown":300}' >/dev/null

"""The sandbox's AWS emulator: moto server, with the fixes Escala's flow needs. Each steps aside once
moto does the right thing itself.

1. moto 5.2 decodes the user data of CreateLaunchTemplate but stores that of
   CreateLaunchTemplateVersion as it arrives, and then fails with a 500 whenever the Auto Scaling
   group starts an instance from a second template version. The fix decodes it the same way.
2. With IAM checks on, moto names an action by the request's signing name, which for CloudWatch is
   `monitoring`, so a policy allowing `cloudwatch:DescribeAlarms` (AWS's real name) is denied. The
   fix names CloudWatch actions as AWS does.
3. moto keeps only the list of metrics a group collects, which is empty when every metric is asked
   for, as Escala does; the fix remembers that collection is on, for the sandbox runtime, which
   publishes the group's metrics (and the instances', and the load balancers') as AWS would.
4. On every request moto lists its own package folder (about 180 stat calls) to match the service
   name, and lists the response class's methods with `inspect` to find the action: two thirds of
   the time it spends on a simple call (DescribeTags, in-process: 2.3 ms, 0.7 ms without them).
   Both answers are fixed once moto is loaded, so they are worked out once.
5. With IAM checks on, moto verifies a Query request's SigV4 signature against the form it has
   already parsed, which `moto/iam/access_control.py` hands to botocore's `AWSRequest` to encode
   again: botocore writes a space as `+`, while the AWS SDK for Rust signed it as `%20` (as SigV4's
   canonical form does). Every Query call with a space in a value (a security group's description,
   a cron, a policy's description) then failed with AuthFailure or SignatureDoesNotMatch, though
   boto3 passed the same call with the same keys. When the check fails on an empty raw body, the
   fix checks once more with the form re-encoded with `%20`; a wrong secret still fails both.
6. moto checks a policy's `Resource` against the literal `*` for every service but S3, because it
   works out no resource ARN for a request. A least-privilege policy names ARNs (a VPC, a subnet,
   an Auto Scaling group), so under moto it would allow nothing. The fix lets a statement whose
   resources are ARNs of the action's own service stand for that action, so the emulator checks
   the actions a policy names (what it can check) while the ARNs and conditions are audited
   offline with parliament against AWS's own definitions.
7. moto has no iam:SimulatePrincipalPolicy, which Escala's permission check calls before an
   apply or destroy changes anything. The fix answers it from the user's own policies (inline,
   attached, and its groups'), evaluated the way moto evaluates a real request (actions and
   resources, conditions aside, the policy variable ${aws:username} standing for the user), so a
   missing action is reported before anything is made.

The sandbox runtime (the escala-runtime crate) makes the sandbox behave like AWS: instances run as
local processes, load balancers listen, metrics are published and alarms act. It reads the
emulator's state in one call and acts through AWS's own API; these fixes give it what moto lacks:

8. A target tracking policy in AWS creates two CloudWatch alarms, AlarmHigh (3 of 3 one-minute
   datapoints above the target) and AlarmLow (15 of 15 below 90% of it), and lists them in
   DescribePolicies; moto creates none. The fix creates them with the policy and deletes them
   with it or with its group, named as AWS names them.
9. moto puts a new instance InService at once. AWS starts it Pending and puts it InService once it
   runs (its process serves); the runtime says when (`/moto-api/escala/lifecycle`). Pending
   instances count toward the group's capacity, as in AWS, so moto doesn't launch more while they
   start. Only once a runtime has attached (`/moto-api/escala/attach`): an emulator without one
   (a test's) keeps moto's InService at once, since nothing would ever start its instances.
10. moto's DescribeScalingActivities is always empty. The fix records an activity for every
   instance a group launches or terminates, with AWS's description and the cause the runtime gave
   for the change (an alarm and its policy, a scheduled action), or a user request.
11. moto calls every registered instance healthy. The runtime health-checks the targets and
   reports each one's state (`/moto-api/escala/target-health`), which DescribeTargetHealth then
   returns.
12. `/moto-api/escala/world`: the state the runtime acts on, in one call: groups and their
   instances, target groups and their targets, load balancers and their listeners, alarms (and
   what the fixes in the files that follow add: ECS services and their tasks, scalable targets,
   caches). And
   `/moto-api/escala/balancers`, where the runtime says at which loopback URL each load balancer's
   DNS name answers, for every client to show.
13. moto stores a warm pool's settings but keeps no instances in it, so DescribeWarmPool lists
   none and a scale-out always starts cold. The fix keeps the pool's instances: the runtime says
   how many it holds (`/moto-api/escala/warm-pool`, sized by the core's warm pool rule), they start
   in Warmed:Pending, are prepared (their process runs once) and then wait in the pool's state
   (Warmed:Stopped stops the EC2 instance). A scale-out takes them before launching new ones,
   those done preparing first, and says so in its activity ("from warm pool"), as AWS does.
   Deleting the pool or its group terminates them.

The Fargate route's fixes are in the files that follow this one (ecr.py, elasticache.py, ecs.py,
aas.py, cloudwatch.py), and serve.py
starts the server; the sandbox runs them as one program.
"""

import functools
import json
import sys
import threading
import uuid
from datetime import datetime, timezone
from urllib.parse import quote, urlencode

import moto.backends
import moto.core.responses
from moto.autoscaling.models import AutoScalingBackend, FakeAutoScalingGroup, autoscaling_backends
from moto.autoscaling.responses import AutoScalingResponse
from moto.cloudwatch.models import cloudwatch_backends
from moto.core.types import Base64EncodedString
from moto.ec2.models.instance_types import INSTANCE_TYPES
from moto.ec2.models.launch_templates import LaunchTemplate
from moto.ec2.utils import parse_user_data
from moto.elbv2.models import FakeHealthStatus, FakeTargetGroup, elbv2_backends
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.core.responses import ActionResult
from moto.iam.access_control import (
    IAMPolicy,
    IAMPolicyStatement,
    IAMRequestBase,
    IAMUserAccessKey,
    PermissionResult,
)
from moto.iam.responses import IamResponse
from moto.server import main

_create_version = LaunchTemplate.create_version


def create_version(self, data, description):
    user_data = data.get("UserData")
    if user_data is not None and not isinstance(user_data, Base64EncodedString):
        data = {**data, "UserData": parse_user_data(user_data)}
    return _create_version(self, data, description)


LaunchTemplate.create_version = create_version

_iam_request_init = IAMRequestBase.__init__


def iam_request_init(self, *args, **kwargs):
    _iam_request_init(self, *args, **kwargs)
    if self._action.startswith("monitoring:"):
        self._action = "cloudwatch:" + self._action.split(":", 1)[1]


IAMRequestBase.__init__ = iam_request_init

_check_signature = IAMRequestBase.check_signature


def check_signature(self):
    try:
        _check_signature(self)
    except Exception:
        if self._body or not isinstance(self._data, dict) or not self._data:
            raise
        # The form as SigV4 canonicalises it (RFC 3986: a space is %20), which is how the Rust SDK
        # signed it; urlencode passes safe="" so '/' is encoded too, as both SDKs do.
        self._body = urlencode(self._data, doseq=True, quote_via=quote).encode()
        try:
            _check_signature(self)
        finally:
            self._body = b""


IAMRequestBase.check_signature = check_signature

_check_element_matches = IAMPolicyStatement._check_element_matches


# The user a simulation is for: policy variables in resources (`${aws:username}`) stand for them.
_simulated_user = threading.local()


def check_element_matches(self, element, value):
    user = getattr(_simulated_user, "name", None)
    if element == "Resource" and user:
        resources = self._statement["Resource"]
        resources = resources if isinstance(resources, list) else [resources]
        if any(self._match(r.replace("${aws:username}", user), value) for r in resources):
            return True
    if element == "Resource" and value == "*":
        resources = self._statement["Resource"]
        resources = resources if isinstance(resources, list) else [resources]
        service = self._action_service
        # An ARN of the action's own service: moto can't tell which one the request touches.
        if any(r == "*" or r.startswith(f"arn:aws:{service}:") for r in resources):
            return True
    return _check_element_matches(self, element, value)


_statement_permits = IAMPolicyStatement.is_action_permitted


def statement_permits(self, action, *args, **kwargs):
    self._action_service = action.split(":", 1)[0]
    return _statement_permits(self, action, *args, **kwargs)


IAMPolicyStatement._check_element_matches = check_element_matches
IAMPolicyStatement.is_action_permitted = statement_permits


def user_policies(account_id, partition, user_name):
    """The policies moto checks a user's requests against (see IAMUserAccessKey)."""
    holder = object.__new__(IAMUserAccessKey)
    holder.account_id, holder.partition, holder._owner_user_name = account_id, partition, user_name
    return holder.collect_policies()


def decision(policies, action, resource):
    allowed = False
    for policy in policies:
        result = IAMPolicy(policy).is_action_permitted(action, resource)
        if result == PermissionResult.DENIED:
            return "explicitDeny"
        allowed = allowed or result == PermissionResult.PERMITTED
    return "allowed" if allowed else "implicitDeny"


def simulate_principal_policy(self):
    source = self._get_param("PolicySourceArn")
    actions = self._get_param("ActionNames", [])
    resources = self._get_param("ResourceArns", []) or ["*"]
    if ":user/" not in source:
        raise NotImplementedError("the sandbox simulates users' policies only")
    user_name = source.split(":user/", 1)[1].split("/")[-1]
    partition = source.split(":")[1]
    self.backend.get_user(user_name)  # NoSuchEntity for an unknown user
    policies = user_policies(self.current_account, partition, user_name)
    results = []
    _simulated_user.name = user_name
    try:
        decisions = {a: [decision(policies, a, r) for r in resources] for a in actions}
    finally:
        _simulated_user.name = None
    for action in actions:
        per_resource = decisions[action]
        best = "allowed" if "allowed" in per_resource else per_resource[0]
        results.append(
            {
                "EvalActionName": action,
                "EvalResourceName": resources[0],
                "EvalDecision": best,
                "ResourceSpecificResults": [
                    {"EvalResourceName": r, "EvalResourceDecision": d}
                    for r, d in zip(resources, per_resource)
                ],
            }
        )
    return ActionResult({"EvaluationResults": results, "IsTruncated": False})


IamResponse.simulate_principal_policy = simulate_principal_policy

_enable_metrics = FakeAutoScalingGroup.enable_metrics_collection


def enable_metrics_collection(self, metrics):
    _enable_metrics(self, metrics)
    # moto keeps only the list, which is empty when every metric is asked for, as Escala does.
    self.collecting = True


FakeAutoScalingGroup.enable_metrics_collection = enable_metrics_collection

_moto_modules = tuple(moto.backends.list_of_moto_modules())
moto.backends.list_of_moto_modules = lambda: _moto_modules
moto.core.responses.method_names_from_class = functools.cache(
    moto.core.responses.method_names_from_class
)

# --- 8. The alarms of a target tracking policy ---------------------------------------------

# AWS's predefined metrics: (namespace, metric, statistic) of what the alarms watch.
PREDEFINED = {
    "ASGAverageCPUUtilization": ("AWS/EC2", "CPUUtilization", "Average"),
    "ASGAverageNetworkIn": ("AWS/EC2", "NetworkIn", "Average"),
    "ASGAverageNetworkOut": ("AWS/EC2", "NetworkOut", "Average"),
    "ALBRequestCountPerTarget": ("AWS/ApplicationELB", "RequestCountPerTarget", "Sum"),
}


def tracking_alarms(backend, policy):
    config = policy.target_tracking_configuration
    spec = getattr(config, "PredefinedMetricSpecification", None) or {}
    kind = spec.get("PredefinedMetricType")
    if kind not in PREDEFINED:
        return []
    namespace, metric, statistic = PREDEFINED[kind]
    if namespace == "AWS/EC2":
        dims = [{"Name": "AutoScalingGroupName", "Value": policy.auto_scaling_group_name}]
    else:
        # ResourceLabel: app/<lb>/<id>/targetgroup/<tg>/<id>; the metric's dimension is the end.
        label = spec.get("ResourceLabel", "")
        dims = [{"Name": "TargetGroup", "Value": label[label.find("targetgroup/"):]}]
    target = float(config.TargetValue)
    cloudwatch = cloudwatch_backends[backend.account_id][backend.region_name]
    group = policy.auto_scaling_group_name
    made = []
    # AWS's own: scale out on 3 of 3 one-minute datapoints above the target, scale in on 15 of 15
    # below 90% of it. Names: TargetTracking-<group>-AlarmHigh-<uuid>.
    high_low = [("AlarmHigh", "GreaterThanThreshold", target, 3)]
    if not getattr(config, "DisableScaleIn", False):
        high_low.append(("AlarmLow", "LessThanThreshold", target * 0.9, 15))
    for which, comparison, threshold, periods in high_low:
        name = f"TargetTracking-{group}-{which}-{uuid.uuid4()}"
        alarm = cloudwatch.put_metric_alarm(
            name=name,
            namespace=namespace,
            metric_name=metric,
            comparison_operator=comparison,
            evaluation_periods=periods,
            period=60,
            threshold=threshold,
            statistic=statistic,
            description=f"DO NOT EDIT OR DELETE. For TargetTrackingScaling policy {policy.arn}.",
            dimensions=dims,
            alarm_actions=[policy.arn],
            datapoints_to_alarm=periods,
        )
        made.append({"AlarmName": name, "AlarmARN": alarm.alarm_arn})
    return made


def drop_alarms(backend, policy):
    names = [a["AlarmName"] for a in getattr(policy, "alarms", [])]
    if names:
        cloudwatch_backends[backend.account_id][backend.region_name].delete_alarms(names)
    policy.alarms = []


_put_scaling_policy = AutoScalingBackend.put_scaling_policy


def put_scaling_policy(self, name, *args, **kwargs):
    old = self.policies.get(name)
    if old is not None:
        drop_alarms(self, old)
    policy = _put_scaling_policy(self, name, *args, **kwargs)
    policy.alarms = []
    if policy.policy_type == "TargetTrackingScaling":
        policy.alarms = tracking_alarms(self, policy)
    return policy


_delete_policy = AutoScalingBackend.delete_policy


def delete_policy(self, name):
    policy = self.policies.get(name)
    if policy is not None:
        drop_alarms(self, policy)
    _delete_policy(self, name)


_delete_group = AutoScalingBackend.delete_auto_scaling_group


def delete_auto_scaling_group(self, group_name):
    group = self.autoscaling_groups.get(group_name)
    if group is not None:
        empty_warm_pool(group)
    _delete_group(self, group_name)
    # AWS deletes a group's policies with it, and target tracking's alarms with them.
    for name, policy in list(self.policies.items()):
        if policy.auto_scaling_group_name == group_name:
            drop_alarms(self, policy)
            del self.policies[name]
    activities.pop((self.account_id, self.region_name, group_name), None)


AutoScalingBackend.put_scaling_policy = put_scaling_policy
AutoScalingBackend.delete_policy = delete_policy
AutoScalingBackend.delete_auto_scaling_group = delete_auto_scaling_group

# --- 9. Pending, then InService --------------------------------------------------------------

STARTING = ("Pending", "InService")
# Whether a runtime runs this emulator's instances (it says so when it starts).
runtime = {"attached": False}


def active_instances(self):
    return [x for x in self.instance_states if x.lifecycle_state in STARTING]


FakeAutoScalingGroup.active_instances = active_instances

# --- 10. Scaling activities --------------------------------------------------------------------

# (account, region, group) -> activities, newest first, as DescribeScalingActivities lists them.
activities = {}
# (account, region, group) -> the cause the runtime gave for the change it is about to make.
causes = {}
_activities_lock = threading.Lock()


def now():
    return datetime.now(timezone.utc)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def take_cause(group):
    with _activities_lock:
        return causes.pop((group.account_id, group.region, group.name), None)


def record(group, description, cause, before, after):
    key = (group.account_id, group.region, group.name)
    at = now()
    with _activities_lock:
        why = cause or f"At {iso(at)} a user request update of AutoScalingGroup constraints to min: {group.min_size}, max: {group.max_size}, desired: {group.desired_capacity} changing the desired capacity from {before} to {after}."
        action = "increasing" if after > before else "shrinking"
        effect = "an instance was started" if after > before else "an instance was taken out of service"
        activities.setdefault(key, []).insert(
            0,
            {
                "ActivityId": str(uuid.uuid4()),
                "AutoScalingGroupName": group.name,
                "AutoScalingGroupARN": group.arn,
                "Description": description,
                "Cause": f"{why}  At {iso(at)} {effect} in response to a difference between desired and actual capacity, {action} the capacity from {before} to {after}.",
                "StartTime": at,
                "EndTime": at,
                "StatusCode": "Successful",
                "Progress": 100,
            },
        )


_set_desired = FakeAutoScalingGroup.set_desired_capacity


def set_desired_capacity(self, new_capacity):
    before_ids = {s.instance.id for s in self.instance_states}
    before = len(self.active_instances())
    cause = take_cause(self)
    wanted = self.min_size if new_capacity is None else new_capacity
    warm = draw_warm(self, wanted - before)
    _set_desired(self, new_capacity)
    for s in self.instance_states:
        if runtime["attached"] and s.instance.id not in before_ids and s.lifecycle_state == "InService":
            s.lifecycle_state = "Pending"
    after_ids = {s.instance.id for s in self.instance_states}
    after = len(self.active_instances())
    if before_ids == after_ids:
        return
    for instance_id in sorted(after_ids - before_ids):
        source = " from warm pool" if instance_id in warm else ""
        record(self, f"Launching a new EC2 instance{source}: {instance_id}", cause, before, after)
    for instance_id in sorted(before_ids - after_ids):
        record(self, f"Terminating EC2 instance: {instance_id}", cause, before, after)


FakeAutoScalingGroup.set_desired_capacity = set_desired_capacity


def describe_scaling_activities(self):
    group = self._get_param("AutoScalingGroupName")
    ids = set(self._get_param("ActivityIds", []))
    with _activities_lock:
        found = [
            a
            for (account, region, name), listed in activities.items()
            if account == self.current_account and region == self.region and (not group or name == group)
            for a in listed
            if not ids or a["ActivityId"] in ids
        ]
    found.sort(key=lambda a: a["StartTime"], reverse=True)
    limit = int(self._get_param("MaxRecords") or 100)
    return ActionResult({"Activities": found[:limit]})


AutoScalingResponse.describe_scaling_activities = describe_scaling_activities

# --- 11. Target health from the runtime's health checks --------------------------------------

# target group ARN -> target id -> (state, reason, description)
target_health = {}
_health_for = FakeTargetGroup.health_for


def health_for(self, target, ec2_backend):
    status = _health_for(self, target, ec2_backend)
    checked = target_health.get(self.arn, {}).get(target["Id"])
    if checked and status.status not in ("unused", "draining"):
        state, reason, description = checked
        return FakeHealthStatus(status.instance_id, status.port, self.health_check_port, state, reason, description)
    if not checked and status.status == "healthy":
        # Not checked yet: AWS says so until the first checks pass.
        return FakeHealthStatus(status.instance_id, status.port, self.health_check_port, "initial", "Elb.RegistrationInProgress", "Target registration is in progress")
    return status


FakeTargetGroup.health_for = health_for

# --- 12. The runtime's view, and its calls ------------------------------------------------------


def group_view(account_id, region, group, backend):
    pool = group.get_warm_pool()
    return {
        "account": account_id,
        "region": region,
        "name": group.name,
        "arn": group.arn,
        "min": group.min_size,
        "max": group.max_size,
        "desired": group.desired_capacity,
        "graceSeconds": group.health_check_grace_period or 0,
        "healthCheckType": group.health_check_type,
        "defaultCooldown": group.default_cooldown,
        "defaultInstanceWarmup": getattr(group, "default_instance_warmup", None),
        "collectsMetrics": bool(getattr(group, "collecting", False)),
        "targetGroups": list(group.target_group_arns or []),
        "warmPool": None
        if pool is None
        else {
            # moto keeps PutWarmPool's numbers as the strings the request carried.
            "minSize": int(pool.min_size or 0),
            "maxPreparedCapacity": None if pool.max_group_prepared_capacity is None else int(pool.max_group_prepared_capacity),
            "state": pool.pool_state,
            "instances": [instance_view(s) for s in warm_states(group)],
        },
        "instances": [instance_view(s) for s in group.instance_states],
        "scheduled": [
            {
                "name": a.scheduled_action_name,
                "recurrence": a.recurrence,
                "timeZone": a.time_zone,
                "startTime": a.start_time if isinstance(a.start_time, (str, type(None))) else iso(a.start_time),
                "min": a.min_size,
                "max": a.max_size,
                "desired": a.desired_capacity,
            }
            for a in backend.scheduled_actions.values()
            if a.auto_scaling_group_name == group.name
        ],
        "policies": [policy_view(p) for p in backend.policies.values() if p.auto_scaling_group_name == group.name],
    }


def instance_view(s):
    return {
        "id": s.instance.id,
        "type": s.instance.instance_type,
        # What the instance's CPU is measured against (EC2's DescribeInstanceTypes).
        "vcpus": INSTANCE_TYPES.get(s.instance.instance_type, {}).get("VCpuInfo", {}).get("DefaultVCpus", 2),
        "lifecycle": s.lifecycle_state,
        "health": s.health_status,
        "launchedAt": iso(s.instance.launch_time) if not isinstance(s.instance.launch_time, str) else s.instance.launch_time,
    }


def policy_view(p):
    config = p.target_tracking_configuration
    return {
        "name": p.name,
        "arn": p.arn,
        "type": p.policy_type,
        "adjustmentType": p.adjustment_type,
        "minAdjustmentMagnitude": p.min_adjustment_magnitude,
        "scalingAdjustment": p.scaling_adjustment,
        "cooldown": p.cooldown,
        "estimatedInstanceWarmup": p.estimated_instance_warmup,
        "stepAdjustments": p.step_adjustments or [],
        "targetValue": float(config.TargetValue) if config is not None else None,
        "disableScaleIn": bool(getattr(config, "DisableScaleIn", False)) if config is not None else False,
    }


def target_group_view(account_id, region, tg):
    return {
        "account": account_id,
        "region": region,
        "arn": tg.arn,
        "name": tg.name,
        "port": tg.port,
        "protocol": tg.protocol,
        "healthCheck": {
            "enabled": str(tg.health_check_enabled).lower() != "false",
            "path": tg.health_check_path or "/",
            "port": tg.health_check_port,
            "intervalSeconds": int(tg.health_check_interval_seconds),
            "timeoutSeconds": int(tg.health_check_timeout_seconds),
            "healthyThreshold": int(tg.healthy_threshold_count),
            "unhealthyThreshold": int(tg.unhealthy_threshold_count),
            "matcher": (getattr(tg, "matcher", None) or {}).get("HttpCode", "200"),
        },
        "attributes": {k: str(v) for k, v in tg.attributes.items()},
        "targets": [{"id": t.get("Id", t.get("id")), "port": int(t.get("Port") or t.get("port") or tg.port)} for t in tg.targets.values()],
        "loadBalancers": list(tg.load_balancer_arns),
    }


def forwards(action):
    data = getattr(action, "data", {}) or {}
    if data.get("Type") != "forward":
        return []
    if data.get("TargetGroupArn"):
        return [{"targetGroup": data["TargetGroupArn"], "weight": 1}]
    groups = (data.get("ForwardConfig") or {}).get("TargetGroups", [])
    return [{"targetGroup": g["TargetGroupArn"], "weight": int(g.get("Weight", 1))} for g in groups]


def balancer_view(account_id, region, lb):
    return {
        "account": account_id,
        "region": region,
        "arn": lb.arn,
        "name": lb.name,
        "dnsName": lb.dns_name,
        "listeners": [
            {
                "arn": listener.arn,
                "port": int(listener.port),
                "protocol": listener.protocol,
                "forward": [f for a in listener.default_actions for f in forwards(a)],
            }
            for listener in lb.listeners.values()
        ],
    }


def alarm_view(account_id, region, a):
    return {
        "account": account_id,
        "region": region,
        "name": a.name,
        "namespace": a.namespace,
        "metric": a.metric_name,
        "dimensions": [{"name": d.name, "value": d.value} for d in a.dimensions],
        "statistic": a.statistic,
        "period": int(a.period or 60),
        "evaluationPeriods": int(a.evaluation_periods),
        "datapointsToAlarm": int(a.datapoints_to_alarm or a.evaluation_periods),
        "threshold": float(a.threshold),
        "comparison": a.comparison_operator,
        "treatMissing": a.treat_missing_data or "missing",
        "actionsEnabled": bool(a.actions_enabled),
        "actions": list(a.alarm_actions or []),
        "state": a.state_value,
    }


# The parts of the world the fixes after this file add: name -> a function giving its list.
WORLD_PARTS = {}


def world():
    view = {"groups": [], "targetGroups": [], "loadBalancers": [], "alarms": []}
    for name, part in WORLD_PARTS.items():
        view[name] = part()
    for account_id, region, backend in regions(autoscaling_backends):
        for group in list(backend.autoscaling_groups.values()):
            view["groups"].append(group_view(account_id, region, group, backend))
    for account_id, region, backend in regions(elbv2_backends):
        for tg in list(backend.target_groups.values()):
            view["targetGroups"].append(target_group_view(account_id, region, tg))
        for lb in list(backend.load_balancers.values()):
            view["loadBalancers"].append(balancer_view(account_id, region, lb))
    for account_id, region, backend in regions(cloudwatch_backends):
        for alarm in list(backend.alarms.values()):
            view["alarms"].append(alarm_view(account_id, region, alarm))
    return view


def regions(backends):
    """(account, region, backend) for every backend moto has made, without making new ones."""
    for account_id, by_region in list(backends.items()):
        for region, backend in list(by_region.items()):
            yield account_id, region, backend


def find_group(account_id, region, name):
    return autoscaling_backends[account_id][region].autoscaling_groups[name]


def set_lifecycle(body):
    group = find_group(body["account"], body["region"], body["group"])
    for s in group.instance_states + warm_states(group):
        if s.instance.id == body["instance"]:
            s.lifecycle_state = body["state"]
            if body["state"] in ("Warmed:Stopped", "Warmed:Hibernated"):
                group.autoscaling_backend.ec2_backend.stop_instances([s.instance.id])
    return {}


def set_warm_pool(body):
    group = find_group(body["account"], body["region"], body["group"])
    if group.get_warm_pool() is not None:
        size_warm_pool(group, int(body["size"]))
    return {}


def set_cause(body):
    with _activities_lock:
        causes[(body["account"], body["region"], body["group"])] = body["cause"]
    return {}


def set_target_health(body):
    for report in body["targets"]:
        entry = (report["state"], report.get("reason"), report.get("description"))
        target_health.setdefault(report["targetGroup"], {})[report["id"]] = entry
    return {}


# DNS name -> the loopback URL the runtime serves it on.
balancer_urls = {}


def set_balancers(body):
    balancer_urls.clear()
    balancer_urls.update(body)
    return {}


def attach(body):
    runtime["attached"] = True
    return {}


ROUTES = {
    ("POST", "/moto-api/escala/attach"): attach,
    ("GET", "/moto-api/escala/world"): lambda body: world(),
    ("GET", "/moto-api/escala/balancers"): lambda body: dict(balancer_urls),
    ("POST", "/moto-api/escala/balancers"): set_balancers,
    ("POST", "/moto-api/escala/lifecycle"): set_lifecycle,
    ("POST", "/moto-api/escala/cause"): set_cause,
    ("POST", "/moto-api/escala/target-health"): set_target_health,
    ("POST", "/moto-api/escala/warm-pool"): set_warm_pool,
}

_dispatch = DomainDispatcherApplication.__call__


def dispatch(self, environ, start_response):
    route = ROUTES.get((environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")))
    if route is None:
        return _dispatch(self, environ, start_response)
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        answer = json.dumps(route(json.loads(raw) if raw else None)).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(answer)))])
    except Exception as e:  # the runtime logs it and retries on its next round
        answer = repr(e).encode()
        start_response("400 Bad Request", [("Content-Type", "text/plain"), ("Content-Length", str(len(answer)))])
    return [answer]


DomainDispatcherApplication.__call__ = dispatch

# --- 13. The warm pool's instances ---------------------------------------------------------------

# Done preparing: what a scale-out takes first.
WARM_READY = ("Warmed:Stopped", "Warmed:Running", "Warmed:Hibernated")


def warm_states(group):
    """The pool's instances, oldest first (moto's group has no such list)."""
    if not hasattr(group, "warm_states"):
        group.warm_states = []
    return group.warm_states


def size_warm_pool(group, size):
    pool = warm_states(group)
    if len(pool) < size:
        # moto launches a group's instances into its own list; these go to the pool instead.
        kept = group.instance_states
        group.instance_states = []
        try:
            group.replace_autoscaling_group_instances(size - len(pool), group.get_propagated_tags())
            fresh = group.instance_states
        finally:
            group.instance_states = kept
        for s in fresh:
            s.lifecycle_state = "Warmed:Pending"
        pool.extend(fresh)
    elif len(pool) > size:
        surplus = pool[size:]
        del pool[size:]
        group.autoscaling_backend.ec2_backend.terminate_instances([s.instance.id for s in surplus])


def draw_warm(group, count):
    """Moves up to `count` pool instances into the group as Pending (started again if stopped);
    their ids. AWS takes the pool's instances before launching cold ones."""
    pool = warm_states(group)
    if count <= 0 or not pool:
        return set()
    ordered = [s for s in pool if s.lifecycle_state in WARM_READY] + [s for s in pool if s.lifecycle_state not in WARM_READY]
    taken = ordered[:count]
    stopped = [s.instance.id for s in taken if s.instance.state == "stopped"]
    if stopped:
        group.autoscaling_backend.ec2_backend.start_instances(stopped)
    for s in taken:
        pool.remove(s)
        s.lifecycle_state = "Pending"
        group.instance_states.append(s)
    return {s.instance.id for s in taken}


def empty_warm_pool(group):
    size_warm_pool(group, 0)


_delete_warm_pool = AutoScalingBackend.delete_warm_pool


def delete_warm_pool(self, group_name):
    empty_warm_pool(self.autoscaling_groups[group_name])
    _delete_warm_pool(self, group_name)


AutoScalingBackend.delete_warm_pool = delete_warm_pool


def describe_warm_pool(self):
    group_name = self._get_param("AutoScalingGroupName")
    pool = self.autoscaling_backend.describe_warm_pool(group_name=group_name)
    group = self.autoscaling_backend.autoscaling_groups[group_name]
    instances = [
        {
            "InstanceId": s.instance.id,
            "InstanceType": s.instance.instance_type,
            "AvailabilityZone": s.availability_zone,
            "LifecycleState": s.lifecycle_state,
            "HealthStatus": s.health_status,
            "LaunchTemplate": s.launch_template,
        }
        for s in (warm_states(group) if pool is not None else [])
    ]
    return ActionResult({"WarmPoolConfiguration": pool, "Instances": instances})


AutoScalingResponse.describe_warm_pool = describe_warm_pool

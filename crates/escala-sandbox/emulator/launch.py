"""The sandbox's AWS emulator: moto server, with the fixes Escala's flow needs. Each steps aside once
moto does the right thing itself.

1. moto 5.2 decodes the user data of CreateLaunchTemplate but stores that of
   CreateLaunchTemplateVersion as it arrives, and then fails with a 500 whenever the Auto Scaling
   group starts an instance from a second template version. The fix decodes it the same way.
2. With IAM checks on, moto names an action by the request's signing name, which for CloudWatch is
   `monitoring`, so a policy allowing `cloudwatch:DescribeAlarms` (AWS's real name) is denied. The
   fix names CloudWatch actions as AWS does.
3. AWS publishes an Auto Scaling group's desired and in-service capacity to CloudWatch every minute
   once metrics collection is on, and a load balancer its healthy hosts per target group; moto
   records neither, so the sandbox's scaling charts would stay empty after a manual scale. A
   thread publishes them from moto's own state. CPU and request counts stay empty: nothing runs.
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
"""

import functools
import sys
import threading
import time
from urllib.parse import quote, urlencode

import moto.backends
import moto.core.responses
from moto.autoscaling.models import FakeAutoScalingGroup, autoscaling_backends
from moto.cloudwatch.models import cloudwatch_backends
from moto.core.types import Base64EncodedString
from moto.ec2.models.launch_templates import LaunchTemplate
from moto.ec2.utils import parse_user_data
from moto.elbv2.models import elbv2_backends
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

# More often than AWS's minute, so a change shows at the dashboard's next refresh; CloudWatch
# averages the samples of each minute as it does for any period.
PUBLISH_SECONDS = 15


def regions(backends):
    """(account, region, backend) for every backend moto has made, without making new ones."""
    for account_id, by_region in list(backends.items()):
        for region, backend in list(by_region.items()):
            yield account_id, region, backend


def dimension(name, value):
    return {"Name": name, "Value": value}


def publish_groups():
    for account_id, region, backend in regions(autoscaling_backends):
        for group in list(backend.autoscaling_groups.values()):
            if not getattr(group, "collecting", False):
                continue
            dims = [dimension("AutoScalingGroupName", group.name)]
            values = {
                "GroupDesiredCapacity": group.desired_capacity,
                "GroupInServiceInstances": len(group.active_instances()),
            }
            cloudwatch_backends[account_id][region].put_metric_data(
                "AWS/AutoScaling",
                [
                    {"MetricName": name, "Value": value, "Dimensions": dims}
                    for name, value in values.items()
                    if not group.metrics or name in group.metrics
                ],
            )


def publish_target_groups():
    for account_id, region, backend in regions(elbv2_backends):
        for group in list(backend.target_groups.values()):
            health = backend.describe_target_health(group.arn, [])
            healthy = sum(1 for h in health if h.status == "healthy")
            # The dimensions are the ends of the ARNs: targetgroup/<name>/<id>, app/<name>/<id>.
            tg = group.arn.split(":", 5)[5]
            for lb_arn in set(group.load_balancer_arns):
                lb = lb_arn.split(":loadbalancer/", 1)[1]
                cloudwatch_backends[account_id][region].put_metric_data(
                    "AWS/ApplicationELB",
                    [
                        {
                            "MetricName": "HealthyHostCount",
                            "Value": healthy,
                            "Dimensions": [dimension("TargetGroup", tg), dimension("LoadBalancer", lb)],
                        }
                    ],
                )


def publish_forever():
    while True:
        time.sleep(PUBLISH_SECONDS)
        try:
            publish_groups()
            publish_target_groups()
        except Exception as e:  # a group deleted mid-walk: the next round sees the new state
            print(f"sandbox metrics: {e!r}", file=sys.stderr)


threading.Thread(target=publish_forever, name="sandbox-metrics", daemon=True).start()
sys.exit(main(sys.argv[1:]))

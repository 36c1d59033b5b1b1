
# --- 17. Application Auto Scaling: target tracking's alarms as AWS makes them --------------------
# - moto makes a target tracking policy's two alarms with the threshold 6 whatever the target,
#   watches the service's CPU for every metric (ALBRequestCountPerTarget included), adds the
#   scale-in alarm when scale-in is disabled, names the policy in the alarm's action with a
#   suffix, and gives a policy put again under its name a new ARN and two more alarms while the
#   old ones stay. AWS's: AlarmHigh on 3 of 3 one-minute datapoints above the target, AlarmLow on
#   15 of 15 below 90% of it (none when scale-in is disabled), on the policy's own metric, with
#   the policy's ARN as the action; a policy put again keeps its ARN and its alarms are remade.
# - moto's DeregisterScalableTarget leaves the target's policies, their alarms and its scheduled
#   actions behind; AWS deletes them with it.
# - moto has no DescribeScalingActivities (500). The fix records an activity for every change the
#   sandbox runtime makes to a scalable target's capacity (`/moto-api/escala/aas-activity`, with
#   AWS's description and cause), newest first, as AWS lists them.

from moto.applicationautoscaling.models import (
    ApplicationAutoscalingBackend,
    FakeApplicationAutoscalingPolicy,
    applicationautoscaling_backends,
)
from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse

# Predefined metric -> (namespace, metric, statistic) as AWS's target tracking watches it.
AAS_PREDEFINED = {
    "ECSServiceAverageCPUUtilization": ("AWS/ECS", "CPUUtilization", "Average"),
    "ECSServiceAverageMemoryUtilization": ("AWS/ECS", "MemoryUtilization", "Average"),
    "ALBRequestCountPerTarget": ("AWS/ApplicationELB", "RequestCountPerTarget", "Sum"),
}


def aas_alarms(self):
    config = self.target_tracking_scaling_policy_configuration or {}
    spec = config.get("PredefinedMetricSpecification") or {}
    kind = spec.get("PredefinedMetricType")
    if self.service_namespace != "ecs" or kind not in AAS_PREDEFINED:
        return []
    from moto.cloudwatch.models import cloudwatch_backends as backends

    cloudwatch = backends[self.account_id][self.region_name]
    namespace, metric, statistic = AAS_PREDEFINED[kind]
    if namespace == "AWS/ECS":
        _, cluster, service = self.resource_id.split("/")
        dims = [{"Name": "ClusterName", "Value": cluster}, {"Name": "ServiceName", "Value": service}]
    else:
        label = spec.get("ResourceLabel", "")
        dims = [{"Name": "TargetGroup", "Value": label[label.find("targetgroup/"):]}]
    target = float(config["TargetValue"])
    high_low = [("AlarmHigh", "GreaterThanThreshold", target, 3)]
    if not config.get("DisableScaleIn", False):
        high_low.append(("AlarmLow", "LessThanThreshold", target * 0.9, 15))
    made = []
    for which, comparison, threshold, periods in high_low:
        made.append(
            cloudwatch.put_metric_alarm(
                name=f"TargetTracking-{self.resource_id}-{which}-{uuid.uuid4()}",
                namespace=namespace,
                metric_name=metric,
                metric_data_queries=[],
                comparison_operator=comparison,
                evaluation_periods=periods,
                period=60,
                threshold=threshold,
                statistic=statistic,
                description=f"DO NOT EDIT OR DELETE. For TargetTrackingScaling policy {self.policy_arn}.",
                dimensions=dims,
                alarm_actions=[self.policy_arn],
                datapoints_to_alarm=periods,
            )
        )
    return made


_aas_create_alarms = FakeApplicationAutoscalingPolicy.create_alarms


def create_alarms(self):
    if self.policy_type == "TargetTrackingScaling" and self.service_namespace == "ecs":
        self.alarms.extend(aas_alarms(self))
    else:
        _aas_create_alarms(self)


FakeApplicationAutoscalingPolicy.create_alarms = create_alarms

_aas_put_scaling_policy = ApplicationAutoscalingBackend.put_scaling_policy


def aas_put_scaling_policy(self, policy_name, service_namespace, resource_id, scalable_dimension, policy_body, policy_type):
    key = FakeApplicationAutoscalingPolicy.formulate_key(service_namespace, resource_id, scalable_dimension, policy_name)
    old = self.policies.get(key)
    if old is not None:
        old.delete_alarms(self.account_id, self.region_name)
    policy = _aas_put_scaling_policy(self, policy_name, service_namespace, resource_id, scalable_dimension, policy_body, policy_type)
    if old is not None and policy.policy_arn != old.policy_arn:
        # Same policy, same ARN: its alarms are remade to name it.
        policy.delete_alarms(self.account_id, self.region_name)
        policy.alarms = []
        policy._guid = old._guid
        policy.policy_arn = old.policy_arn
        policy.create_alarms()
    return policy


ApplicationAutoscalingBackend.put_scaling_policy = aas_put_scaling_policy

_aas_deregister = ApplicationAutoscalingBackend.deregister_scalable_target


def aas_deregister_scalable_target(self, namespace, r_id, dimension):
    _aas_deregister(self, namespace, r_id, dimension)
    for key, policy in list(self.policies.items()):
        if policy.service_namespace == namespace and policy.resource_id == r_id and policy.scalable_dimension == dimension:
            policy.delete_alarms(self.account_id, self.region_name)
            del self.policies[key]
    self.scheduled_actions = [
        a
        for a in self.scheduled_actions
        if not (a.service_namespace == namespace and a.resource_id == r_id and a.scalable_dimension == dimension)
    ]
    aas_activities.pop((self.account_id, self.region_name, namespace, r_id), None)


ApplicationAutoscalingBackend.deregister_scalable_target = aas_deregister_scalable_target

# (account, region, namespace, resource) -> activities, newest first.
aas_activities = {}


def record_aas_activity(body):
    now = datetime.now(timezone.utc)
    activity = {
        "ActivityId": str(uuid.uuid4()),
        "ServiceNamespace": body["namespace"],
        "ResourceId": body["resource"],
        "ScalableDimension": body["dimension"],
        "Description": body["description"],
        "Cause": body["cause"],
        "StartTime": now,
        "EndTime": now,
        "StatusCode": "Successful",
        "StatusMessage": f"Successfully set desired count to {body['desired']}. Change successfully fulfilled by {body['namespace']}.",
    }
    key = (body["account"], body["region"], body["namespace"], body["resource"])
    with _activities_lock:
        aas_activities.setdefault(key, []).insert(0, activity)
    return {}


def aas_describe_scaling_activities(self):
    namespace = self._get_param("ServiceNamespace")
    resource = self._get_param("ResourceId")
    dimension = self._get_param("ScalableDimension")
    found = []
    with _activities_lock:
        for (account, region, ns, r), items in aas_activities.items():
            if (account, region, ns) != (self.current_account, self.region, namespace):
                continue
            if resource and r != resource:
                continue
            found.extend(a for a in items if not dimension or a["ScalableDimension"] == dimension)
    found.sort(key=lambda a: a["StartTime"], reverse=True)
    limit = int(self._get_param("MaxResults") or 50)
    start = int(self._get_param("NextToken") or 0)
    page = found[start : start + limit]
    result = {"ScalingActivities": page}
    if start + limit < len(found):
        result["NextToken"] = str(start + limit)
    return ActionResult(result)


ApplicationAutoScalingResponse.describe_scaling_activities = aas_describe_scaling_activities


def scalable_targets_view():
    out = []
    for account_id, region, backend in regions(applicationautoscaling_backends):
        for dimension, targets in list(backend.targets.items()):
            for resource_id, t in list(targets.items()):
                if t.service_namespace != "ecs":
                    continue
                policies = [p for p in backend.policies.values() if p.resource_id == resource_id and p.scalable_dimension == dimension]
                actions = [a for a in backend.scheduled_actions if a.resource_id == resource_id and a.scalable_dimension == dimension]
                out.append(
                    {
                        "account": account_id,
                        "region": region,
                        "namespace": t.service_namespace,
                        "resource": resource_id,
                        "dimension": dimension,
                        "min": int(t.min_capacity or 0),
                        "max": int(t.max_capacity or 0),
                        "policies": [aas_policy_view(p) for p in policies],
                        "scheduled": [aas_action_view(a) for a in actions],
                    }
                )
    return out


def aas_policy_view(p):
    config = p.target_tracking_scaling_policy_configuration or {}
    return {
        "name": p.policy_name,
        "arn": p.policy_arn,
        "type": p.policy_type,
        "targetValue": float(config["TargetValue"]) if "TargetValue" in config else None,
        "disableScaleIn": bool(config.get("DisableScaleIn", False)),
        "scaleOutCooldown": int(config.get("ScaleOutCooldown", 300)),
        "scaleInCooldown": int(config.get("ScaleInCooldown", 300)),
    }


def aas_action_view(a):
    action = a.scalable_target_action or {}
    return {
        "name": a.scheduled_action_name,
        "schedule": a.schedule,
        "timeZone": a.timezone,
        "min": int(action["MinCapacity"]) if action.get("MinCapacity") is not None else None,
        "max": int(action["MaxCapacity"]) if action.get("MaxCapacity") is not None else None,
    }


ROUTES[("POST", "/moto-api/escala/aas-activity")] = record_aas_activity
WORLD_PARTS["scalableTargets"] = scalable_targets_view

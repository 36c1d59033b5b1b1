"""Audits Escala's generated deploy policies offline, against AWS's own definitions of every
action, resource type and condition key (as parliament ships them).

Usage: audit_policy.py POLICY.json...   Prints each problem; exits 1 when there is one.

Two checks:
1. parliament, community auditors included: no finding at MEDIUM or above, but for the two a
   Fargate deploy user needs (ACCEPTED), in their narrowest form only.
2. What parliament leaves out (it checks no global key like aws:RequestTag against an action, and
   skips Null conditions altogether): in every statement with a condition, each action must have
   a resource type, matched by one of the statement's resources, for which AWS documents the
   condition's key (or documents it for the request itself). Otherwise the statement can never
   allow that action on AWS, whatever moto, which evaluates no condition, says.
"""

import json
import os
import re
import sys

import parliament
from parliament import analyze_policy_string, enhance_finding, is_arn_match

SEVERE = {"MEDIUM", "HIGH", "CRITICAL"}

# The two MEDIUM findings a Fargate deploy user can't be without, each allowed only in the
# narrowest form AWS offers; parliament flags them by name, whatever scopes them.
# - ecr:GetAuthorizationToken: the registry's password, the only way to push an image over the OCI
#   distribution API to ECR. AWS documents no resource type for it (`*` is the only form), and the
#   token it returns opens only the repositories the same principal may already push to.
# - iam:PassRole: ECS runs tasks with the roles their task definition names, which takes it. Only
#   on Escala's shared task roles, and only to ECS tasks (iam:PassedToService); making roles and
#   attaching policies is left to the admin who makes the deploy user.
ACCEPTED = {
    "CREDENTIALS_EXPOSURE": {
        "ecr:getauthorizationtoken": lambda s: True,
    },
    "PERMISSIONS_MANAGEMENT_ACTIONS": {
        "iam:passrole": lambda s: "*" not in listed(s["Resource"])
        and "iam:PassedToService" in s.get("Condition", {}).get("StringEquals", {}),
    },
}


def listed(value):
    return value if isinstance(value, list) else [value]


def accepted(finding, doc):
    """Whether every action of a finding is one ACCEPTED names, and each statement allowing it
    scopes it as required."""
    allowed = ACCEPTED.get(finding.issue)
    actions = [a.lower() for a in (finding.location or {}).get("actions", [])]
    if not allowed or not actions or any(a not in allowed for a in actions):
        return False
    for s in doc["Statement"]:
        for a in listed(s["Action"]):
            if a.lower() in allowed and not allowed[a.lower()](s):
                return False
    return True


def current_definitions():
    """parliament 1.6.4 lists some services twice under one prefix (elasticloadbalancing: a stale
    copy of ELBv2 first, then Classic, then ELBv2 as AWS documents it now) and looks an action up
    in the first copy, where AddTags lacks the elasticloadbalancing:CreateAction key AWS documents
    for it. Merged per prefix, later copies winning, its checks read AWS's current reference."""
    merged = {}
    for service in parliament.iam_definition:
        prefix = service["prefix"]
        if prefix not in merged:
            merged[prefix] = dict(service, privileges=list(service["privileges"]),
                                  resources=list(service["resources"]),
                                  conditions=list(service["conditions"]))
            continue
        m = merged[prefix]
        names = {p["privilege"]: i for i, p in enumerate(m["privileges"])}
        for p in service["privileges"]:
            if p["privilege"] in names:
                m["privileges"][names[p["privilege"]]] = p
            else:
                m["privileges"].append(p)
        known = {r["resource"] for r in m["resources"]}
        m["resources"] += [r for r in service["resources"] if r["resource"] not in known]
        keys = {c["condition"] for c in m["conditions"]}
        m["conditions"] += [c for c in service["conditions"] if c["condition"] not in keys]
    parliament.iam_definition[:] = list(merged.values())


def privileges():
    by_action = {}
    for service in parliament.iam_definition:
        for p in service["privileges"]:
            by_action[f"{service['prefix']}:{p['privilege']}".lower()] = (service, p)
    return by_action


def resource_of(service, resource_type):
    """The type's ARN format with its variables as globs, as parliament matches them, and the
    resource-tag keys AWS documents for the type itself. Services such as ECR, IAM, Logs and
    Application Auto Scaling document aws:ResourceTag only there (the resource types table), not
    beside each action, and AWS evaluates an existing object's tags for every action on it. The
    table's other keys (aws:RequestTag among them) hold only for some of its actions, which their
    own rows say."""
    name = resource_type.rstrip("*")
    for r in service["resources"]:
        if r["resource"] == name:
            tags = [k for k in r["condition_keys"] if "ResourceTag/" in k]
            return re.sub(r"\$\{.*?\}", "*", r["arn"]), tags
    return None, []


def key_matches(documented, key):
    # "aws:RequestTag/${TagKey}" documents "aws:RequestTag/escala:stack".
    if "${" in documented:
        return key.lower().startswith(documented.split("${")[0].lower())
    return documented.lower() == key.lower()


def condition_keys(statement):
    keys = set()
    for operator, block in statement.get("Condition", {}).items():
        keys.update(block.keys())
    return keys


def audit_conditions(doc, privs):
    problems = []
    for s in doc["Statement"]:
        keys = condition_keys(s)
        actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
        resources = s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
        for action in actions:
            found = privs.get(action.lower())
            if not found:
                problems.append(f"{s['Sid']}: {action} is not an AWS action")
                continue
            service, priv = found
            usable = []  # the condition keys of the resource types this statement reaches
            reaches = False
            for rt in priv["resource_types"]:
                if rt["resource_type"] == "":
                    usable.extend(rt["condition_keys"])
                    continue
                arn, own_keys = resource_of(service, rt["resource_type"])
                if arn and any(is_arn_match(rt["resource_type"], arn, r) for r in resources):
                    reaches = True
                    usable.extend(rt["condition_keys"])
                    usable.extend(own_keys)
            has_types = any(rt["resource_type"] for rt in priv["resource_types"])
            if has_types and not reaches and resources != ["*"]:
                problems.append(f"{s['Sid']}: {action} acts on none of {resources}")
            for key in keys:
                if not any(key_matches(d, key) for d in usable):
                    problems.append(
                        f"{s['Sid']}: AWS documents no condition key {key} for {action} on {resources}"
                    )
    return problems


def main(paths):
    current_definitions()
    # The community auditors' findings, and their severities, as `parliament --include-community-auditors` loads them.
    parliament.override_config(
        os.path.join(os.path.dirname(parliament.__file__), "community_auditors", "config_override.yaml")
    )
    privs = privileges()
    problems = []
    for path in paths:
        text = open(path).read()
        policy = analyze_policy_string(text, path, include_community_auditors=True)
        doc = json.loads(text)
        for f in map(enhance_finding, policy.findings):
            if f.severity in SEVERE and not accepted(f, doc):
                problems.append(f"{path}: parliament {f.severity} {f.issue}: {f.detail}")
        problems.extend(f"{path}: {p}" for p in audit_conditions(doc, privs))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Audits Escala's generated deploy policies offline, against AWS's own definitions of every
action, resource type and condition key (as parliament ships them).

Usage: audit_policy.py POLICY.json...   Prints each problem; exits 1 when there is one.

Two checks:
1. parliament, community auditors included: no finding at MEDIUM or above.
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


def arn_of(service, resource_type):
    """The type's ARN format with its variables as globs, as parliament matches them."""
    name = resource_type.rstrip("*")
    for r in service["resources"]:
        if r["resource"] == name:
            return re.sub(r"\$\{.*?\}", "*", r["arn"])
    return None


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
                arn = arn_of(service, rt["resource_type"])
                if arn and any(is_arn_match(rt["resource_type"], arn, r) for r in resources):
                    reaches = True
                    usable.extend(rt["condition_keys"])
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
        for f in map(enhance_finding, policy.findings):
            if f.severity in SEVERE:
                problems.append(f"{path}: parliament {f.severity} {f.issue}: {f.detail}")
        problems.extend(f"{path}: {p}" for p in audit_conditions(json.loads(text), privs))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

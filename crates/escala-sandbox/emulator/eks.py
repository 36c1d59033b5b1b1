
# --- 19. EKS: GET signatures, versions and updates ---------------------------------------------
# - With IAM checks on, moto hands a GET's or a DELETE's parsed query string to botocore as a form
#   body, so the signature it works out covers a body the SDK never sent: every EKS GET
#   (describe-cluster, list-clusters, list-nodegroups) and DELETE (delete-nodegroup) failed with
#   SignatureDoesNotMatch, admin included. When the check fails on such a request with no body,
#   the fix checks once more with no form; the query string stays in the path, where SigV4 signs
#   it. A wrong secret still fails both.
# - moto has no DescribeClusterVersions (404). AWS lists the versions it creates clusters on, each
#   with its support status and dates; the fix answers from EKS's published calendar.
# - moto's UpdateClusterConfig replaces the cluster's resourcesVpcConfig with the partial one sent
#   (its subnets are lost) and returns the cluster; AWS merges the endpoint's settings in and
#   returns an update. moto's UpdateNodegroupConfig records no update; AWS records a ConfigUpdate
#   with the changed sizes (MinSize, MaxSize, DesiredSize) as its params. moto has no UpdateClusterVersion, UpdateNodegroupVersion, DescribeUpdate nor
#   ListUpdates (404). The fix makes each change, refuses a version that isn't the next minor as
#   AWS does, records an update with its id (InProgress, as AWS returns it), and answers
#   DescribeUpdate (Successful: the change is made) and ListUpdates from the record.
# - moto has no addons (404). The fix keeps each cluster's addons with their versions and tags:
#   Create, Describe, List, Update (an update with its id) and Delete, and DescribeAddonVersions
#   from the sandbox's own versions of the seven addons Escala installs, each compatible with every
#   version of the calendar and one of them the default (kube-proxy's follows the cluster's minor,
#   as AWS's does). Addons are ACTIVE at once, as moto's clusters and node groups are.
# - moto has no access entries (404). The fix keeps each cluster's entries with their tags and
#   associated access policies (Create, Describe, List, Delete, Associate, Disassociate,
#   ListAssociated), and refuses a principal that isn't an IAM user or role of the account, or an
#   access policy that isn't one of EKS's, as AWS does.
# - moto has no Pod Identity associations (404). The fix keeps each cluster's associations (one per
#   namespace and service account, as AWS allows) with their ids and tags: Create, Describe, List
#   (by namespace and service account too) and Delete, refusing a role the account doesn't have.
# - moto's clusters and node groups are ACTIVE the moment they are made; AWS's take minutes
#   (CREATING, and a cluster has no endpoint until it is ACTIVE). When asked
#   (`/moto-api/escala/eks-delays`, {"cluster": seconds, "nodegroup": seconds}), the fix reports
#   each CREATING for that long after its create, and refuses a node group on a cluster that isn't
#   ACTIVE yet, as AWS does, so that waits and their order can be measured. Off by default.

import time

import moto.eks.urls as eks_urls
from urllib.parse import unquote

from moto.eks.exceptions import (
    InvalidParameterException,
    InvalidRequestException,
    ResourceInUseException,
    ResourceNotFoundException,
)
from moto.eks.models import EKSBackend, eks_backends
from moto.eks.responses import EKSResponse

_check_signature_eks = IAMRequestBase.check_signature


def check_signature_of_get(self):
    try:
        _check_signature_eks(self)
    except Exception:
        if self._method not in ("GET", "DELETE") or self._body or not self._data:
            raise
        form = self._data
        self._data = {}
        try:
            _check_signature_eks(self)
        finally:
            self._data = form


IAMRequestBase.check_signature = check_signature_of_get

# (minor, released, end of standard support, end of extended support), as AWS publishes them.
EKS_CALENDAR = [
    ("1.35", "2026-01-28", "2027-03-27", "2028-03-27"),
    ("1.34", "2025-10-02", "2026-12-02", "2027-12-02"),
    ("1.33", "2025-05-29", "2026-07-29", "2027-07-29"),
    ("1.32", "2025-01-23", "2026-03-23", "2027-03-23"),
    ("1.31", "2024-09-26", "2025-11-26", "2026-11-26"),
    ("1.30", "2024-05-23", "2025-07-23", "2026-07-23"),
]


def eks_version_status(today, released, standard, extended):
    if today < released or today >= extended:
        return "UNSUPPORTED"
    return "STANDARD_SUPPORT" if today < standard else "EXTENDED_SUPPORT"


def describe_cluster_versions(self):
    wanted = self.querystring.get("clusterVersions") or []
    today = datetime.now(timezone.utc).date().isoformat()
    versions = []
    for version, released, standard, extended in EKS_CALENDAR:
        status = eks_version_status(today, released, standard, extended)
        if status == "UNSUPPORTED" or (wanted and version not in wanted):
            continue
        versions.append(
            {
                "clusterVersion": version,
                "clusterType": "eks",
                "defaultPlatformVersion": "eks.1",
                "defaultVersion": version == EKS_CALENDAR[1][0],
                "releaseDate": datetime.fromisoformat(released),
                "endOfStandardSupportDate": datetime.fromisoformat(standard),
                "endOfExtendedSupportDate": datetime.fromisoformat(extended),
                "versionStatus": status,
                "kubernetesPatchVersion": f"{version}.0",
            }
        )
    return ActionResult({"clusterVersions": versions})


def eks_updates(backend):
    if not hasattr(backend, "escala_updates"):
        backend.escala_updates = {}
    return backend.escala_updates


def eks_record_update(backend, cluster, nodegroup, kind, params):
    update = {
        "id": str(uuid.uuid4()),
        "status": "InProgress",
        "type": kind,
        "params": params,
        "createdAt": datetime.now(timezone.utc),
        "errors": [],
    }
    eks_updates(backend)[update["id"]] = (cluster, nodegroup, update)
    return update


def eks_cluster(backend, name):
    cluster = backend.clusters.get(name)
    if cluster is None:
        raise ResourceNotFoundException(
            clusterName=name,
            nodegroupName=None,
            fargateProfileName=None,
            addonName=None,
            message=f"No cluster found for name: {name}.",
        )
    return cluster


def eks_next_minor(current, wanted):
    major, minor = current.split(".")[:2]
    if wanted != f"{major}.{int(minor) + 1}":
        raise InvalidParameterException(
            message=f"Unsupported Kubernetes minor version update from {current} to {wanted}"
        )


def update_cluster_version(self):
    name = self._get_param("name")
    version = self._get_param("version")
    cluster = eks_cluster(self.eks_backend, name)
    eks_next_minor(cluster.version, version)
    cluster.version = version
    update = eks_record_update(
        self.eks_backend, name, None, "VersionUpdate",
        [{"type": "Version", "value": version}, {"type": "PlatformVersion", "value": "eks.1"}],
    )
    return ActionResult({"update": update})


def update_cluster_config(self):
    name = self._get_param("name")
    cluster = eks_cluster(self.eks_backend, name)
    params = []
    vpc = self._get_param("resourcesVpcConfig")
    if vpc:
        merged = dict(cluster.resources_vpc_config or {})
        merged.update(vpc)
        cluster.resources_vpc_config = merged
        for key, kind in (
            ("endpointPublicAccess", "EndpointPublicAccess"),
            ("endpointPrivateAccess", "EndpointPrivateAccess"),
            ("publicAccessCidrs", "PublicAccessCidrs"),
        ):
            if key in vpc:
                params.append({"type": kind, "value": json.dumps(vpc[key])})
    logging = self._get_param("logging")
    if logging:
        cluster.logging = logging
        params.append({"type": "ClusterLogging", "value": json.dumps(logging)})
    kind = "EndpointAccessUpdate" if vpc else "LoggingUpdate"
    update = eks_record_update(self.eks_backend, name, None, kind, params)
    return ActionResult({"update": update})


def update_nodegroup_version(self):
    name = self._get_param("name")
    nodegroup_name = self._get_param("nodegroupName")
    cluster = eks_cluster(self.eks_backend, name)
    nodegroup = cluster.nodegroups.get(nodegroup_name)
    if nodegroup is None:
        raise ResourceNotFoundException(
            clusterName=name,
            nodegroupName=nodegroup_name,
            fargateProfileName=None,
            addonName=None,
            message=f"No node group found for name: {nodegroup_name}.",
        )
    # AWS: the node group takes the cluster's version when none is given, never one above it.
    version = self._get_param("version") or cluster.version
    if version != cluster.version:
        eks_next_minor(nodegroup.version, version)
    nodegroup.version = version
    update = eks_record_update(
        self.eks_backend, name, nodegroup_name, "VersionUpdate",
        [{"type": "Version", "value": version}],
    )
    return ActionResult({"update": update})


_update_nodegroup_config = EKSResponse.update_nodegroup_config


def update_nodegroup_config_recorded(self):
    _update_nodegroup_config(self)
    scaling = self._get_param("scalingConfig") or {}
    names = {"minSize": "MinSize", "maxSize": "MaxSize", "desiredSize": "DesiredSize"}
    params = [{"type": names[k], "value": str(v)} for k, v in scaling.items() if k in names]
    for key, kind in (("labels", "LabelsToAdd"), ("taints", "TaintsToAdd")):
        if self._get_param(key):
            params.append({"type": kind, "value": json.dumps(self._get_param(key))})
    update = eks_record_update(
        self.eks_backend, self._get_param("name"), self._get_param("nodegroupName"), "ConfigUpdate", params,
    )
    return ActionResult({"update": update})


def describe_update(self):
    name = self._get_param("name")
    update_id = self._get_param("updateId")
    eks_cluster(self.eks_backend, name)
    record = eks_updates(self.eks_backend).get(update_id)
    if record is None or record[0] != name:
        raise ResourceNotFoundException(
            clusterName=name,
            nodegroupName=None,
            fargateProfileName=None,
            addonName=None,
            message=f"No update found for ID: {update_id}.",
        )
    update = record[2]
    update["status"] = "Successful"
    return ActionResult({"update": update})


def list_updates(self):
    name = self._get_param("name")
    nodegroup = self._get_param("nodegroupName")
    eks_cluster(self.eks_backend, name)
    ids = [
        update_id
        for update_id, (cluster, group, _) in eks_updates(self.eks_backend).items()
        if cluster == name and group == nodegroup
    ]
    return ActionResult({"updateIds": ids})


EKSResponse.describe_cluster_versions = describe_cluster_versions
EKSResponse.update_cluster_version = update_cluster_version
EKSResponse.update_cluster_config = update_cluster_config
EKSResponse.update_nodegroup_version = update_nodegroup_version
EKSResponse.update_nodegroup_config = update_nodegroup_config_recorded
EKSResponse.describe_update = describe_update
EKSResponse.list_updates = list_updates

eks_urls.url_paths.update(
    {
        "{0}/cluster-versions$": eks_urls.response.dispatch,
        "{0}/clusters/(?P<name>[^/]+)/updates$": eks_urls.response.dispatch,
        "{0}/clusters/(?P<name>[^/]+)/updates/(?P<updateId>[^/]+)$": eks_urls.response.dispatch,
        "{0}/clusters/(?P<name>[^/]+)/node-groups/(?P<nodegroupName>[^/]+)/update-version$": eks_urls.response.dispatch,
    }
)


def eks_addon_versions(name, minor):
    """The sandbox's versions of an addon for Kubernetes `minor`, newest (the default) first."""
    if name == "kube-proxy":
        return [f"v{minor}.0-eksbuild.2", f"v{minor}.0-eksbuild.1"]
    return {
        "vpc-cni": ["v1.20.4-eksbuild.2", "v1.19.6-eksbuild.1"],
        "coredns": ["v1.12.4-eksbuild.1", "v1.11.4-eksbuild.2"],
        "eks-pod-identity-agent": ["v1.3.9-eksbuild.3", "v1.3.8-eksbuild.2"],
        "aws-ebs-csi-driver": ["v1.51.1-eksbuild.1", "v1.48.0-eksbuild.2"],
        "metrics-server": ["v0.8.0-eksbuild.2", "v0.7.2-eksbuild.3"],
        "amazon-cloudwatch-observability": ["v4.5.0-eksbuild.1", "v4.4.0-eksbuild.1"],
    }.get(name, [])


EKS_ADDON_NAMES = [
    "vpc-cni", "kube-proxy", "coredns", "eks-pod-identity-agent", "aws-ebs-csi-driver", "metrics-server",
    "amazon-cloudwatch-observability",
]


def describe_addon_versions(self):
    name = (self.querystring.get("addonName") or [None])[0]
    minor = (self.querystring.get("kubernetesVersion") or [None])[0]
    minors = [minor] if minor else [v[0] for v in EKS_CALENDAR]
    addons = []
    for addon in EKS_ADDON_NAMES:
        if name and addon != name:
            continue
        versions = {}
        for m in minors:
            if m not in [v[0] for v in EKS_CALENDAR]:
                continue
            for i, version in enumerate(eks_addon_versions(addon, m)):
                entry = versions.setdefault(
                    version,
                    {"addonVersion": version, "architecture": ["amd64", "arm64"], "compatibilities": []},
                )
                entry["compatibilities"].append(
                    {"clusterVersion": m, "platformVersions": ["*"], "defaultVersion": i == 0}
                )
        if versions:
            addons.append(
                {"addonName": addon, "type": "networking", "owner": "aws", "publisher": "eks",
                 "addonVersions": list(versions.values())}
            )
    return ActionResult({"addons": addons})


def eks_addons(cluster):
    if not hasattr(cluster, "escala_addons"):
        cluster.escala_addons = {}
    return cluster.escala_addons


def eks_addon(cluster, name):
    addon = eks_addons(cluster).get(name)
    if addon is None:
        raise ResourceNotFoundException(
            clusterName=cluster.name,
            nodegroupName=None,
            fargateProfileName=None,
            addonName=name,
            message=f"No addon: {name} found in cluster: {cluster.name}",
        )
    return addon


def eks_check_addon_version(cluster, name, version):
    offered = eks_addon_versions(name, cluster.version)
    if not offered:
        raise InvalidParameterException(message=f"Addon {name} specified is not supported in {cluster.version} cluster version")
    if version is None:
        return offered[0]
    if version not in offered:
        raise InvalidParameterException(message=f"Addon version specified is not supported: {version}")
    return version


def create_addon(self):
    name = self._get_param("name")
    addon_name = self._get_param("addonName")
    cluster = eks_cluster(self.eks_backend, name)
    if addon_name in eks_addons(cluster):
        raise ResourceInUseException(
            clusterName=name, nodegroupName=None, addonName=addon_name,
            message=f"Addon already exists with name: {addon_name} and cluster name: {name}",
        )
    version = eks_check_addon_version(cluster, addon_name, self._get_param("addonVersion"))
    now = datetime.now(timezone.utc)
    addon = {
        "addonName": addon_name,
        "clusterName": name,
        "status": "ACTIVE",
        "addonVersion": version,
        "health": {"issues": []},
        "addonArn": f"arn:aws:eks:{self.region}:{self.current_account}:addon/{name}/{addon_name}/{uuid.uuid4()}",
        "createdAt": now,
        "modifiedAt": now,
        "tags": self._get_param("tags") or {},
        "owner": "aws",
        "publisher": "eks",
    }
    eks_addons(cluster)[addon_name] = addon
    return ActionResult({"addon": addon})


def describe_addon(self):
    cluster = eks_cluster(self.eks_backend, self._get_param("name"))
    return ActionResult({"addon": eks_addon(cluster, self._get_param("addonName"))})


def list_addons(self):
    cluster = eks_cluster(self.eks_backend, self._get_param("name"))
    return ActionResult({"addons": sorted(eks_addons(cluster))})


def update_addon(self):
    name = self._get_param("name")
    addon_name = self._get_param("addonName")
    cluster = eks_cluster(self.eks_backend, name)
    addon = eks_addon(cluster, addon_name)
    params = []
    version = self._get_param("addonVersion")
    if version:
        addon["addonVersion"] = eks_check_addon_version(cluster, addon_name, version)
        params.append({"type": "AddonVersion", "value": version})
    addon["modifiedAt"] = datetime.now(timezone.utc)
    update = eks_record_update(self.eks_backend, name, None, "AddonUpdate", params)
    return ActionResult({"update": update})


def delete_addon(self):
    cluster = eks_cluster(self.eks_backend, self._get_param("name"))
    addon = eks_addon(cluster, self._get_param("addonName"))
    del eks_addons(cluster)[addon["addonName"]]
    return ActionResult({"addon": {**addon, "status": "DELETING"}})


EKS_ACCESS_POLICIES = [
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
]


def eks_access(cluster):
    if not hasattr(cluster, "escala_access"):
        cluster.escala_access = {}
    return cluster.escala_access


def eks_principal_param(self):
    return unquote(self._get_param("principalArn") or "")


def eks_entry(cluster, principal):
    entry = eks_access(cluster).get(principal)
    if entry is None:
        raise ResourceNotFoundException(
            clusterName=cluster.name, nodegroupName=None, fargateProfileName=None, addonName=None,
            message=f"The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.",
        )
    return entry


def create_access_entry(self):
    from moto.iam.models import iam_backends

    name = self._get_param("name")
    principal = self._get_param("principalArn")
    cluster = eks_cluster(self.eks_backend, name)
    iam = iam_backends[self.current_account]["aws"]
    known = [u.arn for u in iam.users.values()] + [r.arn for r in iam.roles.values()]
    if principal not in known:
        raise InvalidParameterException(message=f"The specified principalArn is invalid: {principal} does not exist")
    if principal in eks_access(cluster):
        raise ResourceInUseException(
            clusterName=name, nodegroupName=None, addonName=None,
            message="The specified access entry resource is already in use on this cluster.",
        )
    now = datetime.now(timezone.utc)
    entry = {
        "clusterName": name,
        "principalArn": principal,
        "kubernetesGroups": self._get_param("kubernetesGroups") or [],
        "accessEntryArn": f"arn:aws:eks:{self.region}:{self.current_account}:access-entry/{name}/{uuid.uuid4()}",
        "createdAt": now,
        "modifiedAt": now,
        "tags": self._get_param("tags") or {},
        "username": principal,
        "type": self._get_param("type") or "STANDARD",
    }
    eks_access(cluster)[principal] = {"entry": entry, "policies": {}}
    return ActionResult({"accessEntry": entry})


def describe_access_entry(self):
    cluster = eks_cluster(self.eks_backend, self._get_param("name"))
    return ActionResult({"accessEntry": eks_entry(cluster, eks_principal_param(self))["entry"]})


def list_access_entries(self):
    cluster = eks_cluster(self.eks_backend, self._get_param("name"))
    return ActionResult({"accessEntries": sorted(eks_access(cluster))})


def delete_access_entry(self):
    cluster = eks_cluster(self.eks_backend, self._get_param("name"))
    principal = eks_principal_param(self)
    eks_entry(cluster, principal)
    del eks_access(cluster)[principal]
    return ActionResult({})


def associate_access_policy(self):
    name = self._get_param("name")
    cluster = eks_cluster(self.eks_backend, name)
    principal = eks_principal_param(self)
    entry = eks_entry(cluster, principal)
    policy = self._get_param("policyArn")
    if policy not in EKS_ACCESS_POLICIES:
        raise InvalidParameterException(message=f"The specified policyArn is invalid: {policy}")
    now = datetime.now(timezone.utc)
    associated = {
        "policyArn": policy,
        "accessScope": self._get_param("accessScope") or {"type": "cluster"},
        "associatedAt": entry["policies"].get(policy, {}).get("associatedAt", now),
        "modifiedAt": now,
    }
    entry["policies"][policy] = associated
    return ActionResult({"clusterName": name, "principalArn": principal, "associatedAccessPolicy": associated})


def disassociate_access_policy(self):
    cluster = eks_cluster(self.eks_backend, self._get_param("name"))
    entry = eks_entry(cluster, eks_principal_param(self))
    entry["policies"].pop(unquote(self._get_param("policyArn") or ""), None)
    return ActionResult({})


def list_associated_access_policies(self):
    name = self._get_param("name")
    cluster = eks_cluster(self.eks_backend, name)
    principal = eks_principal_param(self)
    entry = eks_entry(cluster, principal)
    return ActionResult(
        {"clusterName": name, "principalArn": principal, "associatedAccessPolicies": list(entry["policies"].values())}
    )


for _name, _fn in [
    ("describe_addon_versions", describe_addon_versions),
    ("create_addon", create_addon),
    ("describe_addon", describe_addon),
    ("list_addons", list_addons),
    ("update_addon", update_addon),
    ("delete_addon", delete_addon),
    ("create_access_entry", create_access_entry),
    ("describe_access_entry", describe_access_entry),
    ("list_access_entries", list_access_entries),
    ("delete_access_entry", delete_access_entry),
    ("associate_access_policy", associate_access_policy),
    ("disassociate_access_policy", disassociate_access_policy),
    ("list_associated_access_policies", list_associated_access_policies),
]:
    setattr(EKSResponse, _name, _fn)

eks_urls.url_paths.update(
    {
        "{0}/addons/supported-versions$": eks_urls.response.dispatch,
        "{0}/clusters/(?P<name>[^/]+)/addons$": eks_urls.response.dispatch,
        "{0}/clusters/(?P<name>[^/]+)/addons/(?P<addonName>[^/]+)$": eks_urls.response.dispatch,
        "{0}/clusters/(?P<name>[^/]+)/addons/(?P<addonName>[^/]+)/update$": eks_urls.response.dispatch,
        "{0}/clusters/(?P<name>[^/]+)/access-entries$": eks_urls.response.dispatch,
        # A principal's ARN holds slashes (decoded from %2F before routing): every path under an
        # entry goes to the same dispatch, which tells the operations apart by AWS's own model.
        "{0}/clusters/(?P<name>[^/]+)/access-entries/(?P<principalArn>.+)$": eks_urls.response.dispatch,
    }
)


def eks_associations(cluster):
    if not hasattr(cluster, "escala_pod_identities"):
        cluster.escala_pod_identities = {}
    return cluster.escala_pod_identities


def eks_association(cluster, association_id):
    association = eks_associations(cluster).get(association_id)
    if association is None:
        raise ResourceNotFoundException(
            clusterName=cluster.name, nodegroupName=None, fargateProfileName=None, addonName=None,
            message=f"Association {association_id} not found.",
        )
    return association


def create_pod_identity_association(self):
    from moto.iam.models import iam_backends

    name = self._get_param("name")
    cluster = eks_cluster(self.eks_backend, name)
    namespace = self._get_param("namespace")
    account = self._get_param("serviceAccount")
    role = self._get_param("roleArn")
    iam = iam_backends[self.current_account]["aws"]
    if role not in [r.arn for r in iam.roles.values()]:
        raise InvalidParameterException(message=f"The role {role} doesn't exist")
    if any(a["namespace"] == namespace and a["serviceAccount"] == account for a in eks_associations(cluster).values()):
        raise ResourceInUseException(
            clusterName=name, nodegroupName=None, addonName=None,
            message="Association already exists for this service account in this namespace.",
        )
    association_id = "a-" + uuid.uuid4().hex[:17]
    now = datetime.now(timezone.utc)
    association = {
        "clusterName": name,
        "namespace": namespace,
        "serviceAccount": account,
        "roleArn": role,
        "associationArn": f"arn:aws:eks:{self.region}:{self.current_account}:podidentityassociation/{name}/{association_id}",
        "associationId": association_id,
        "tags": self._get_param("tags") or {},
        "createdAt": now,
        "modifiedAt": now,
    }
    eks_associations(cluster)[association_id] = association
    return ActionResult({"association": association})


def describe_pod_identity_association(self):
    cluster = eks_cluster(self.eks_backend, self._get_param("name"))
    return ActionResult({"association": eks_association(cluster, self._get_param("associationId"))})


def list_pod_identity_associations(self):
    cluster = eks_cluster(self.eks_backend, self._get_param("name"))
    namespace = (self.querystring.get("namespace") or [None])[0]
    account = (self.querystring.get("serviceAccount") or [None])[0]
    summaries = [
        {k: a[k] for k in ("clusterName", "namespace", "serviceAccount", "associationArn", "associationId")}
        for a in eks_associations(cluster).values()
        if (namespace is None or a["namespace"] == namespace) and (account is None or a["serviceAccount"] == account)
    ]
    return ActionResult({"associations": summaries})


def delete_pod_identity_association(self):
    cluster = eks_cluster(self.eks_backend, self._get_param("name"))
    association = eks_association(cluster, self._get_param("associationId"))
    del eks_associations(cluster)[association["associationId"]]
    return ActionResult({"association": association})


for _name, _fn in [
    ("create_pod_identity_association", create_pod_identity_association),
    ("describe_pod_identity_association", describe_pod_identity_association),
    ("list_pod_identity_associations", list_pod_identity_associations),
    ("delete_pod_identity_association", delete_pod_identity_association),
]:
    setattr(EKSResponse, _name, _fn)

eks_urls.url_paths.update(
    {
        "{0}/clusters/(?P<name>[^/]+)/pod-identity-associations$": eks_urls.response.dispatch,
        "{0}/clusters/(?P<name>[^/]+)/pod-identity-associations/(?P<associationId>[^/]+)$": eks_urls.response.dispatch,
    }
)


eks_delays = {"cluster": 0.0, "nodegroup": 0.0}


def set_eks_delays(body):
    for key in ("cluster", "nodegroup"):
        if key in body:
            eks_delays[key] = float(body[key])
    return dict(eks_delays)


ROUTES[("POST", "/moto-api/escala/eks-delays")] = set_eks_delays


def eks_creating(obj, key):
    """Whether `obj` (a cluster or a node group) is still coming up, as the delay asks."""
    made = getattr(obj, "_escala_made", None)
    return made is not None and time.monotonic() - made < eks_delays[key]


def eks_shown(obj, key):
    """The object as DescribeCluster/DescribeNodegroup show it now: CREATING during its delay."""
    if eks_creating(obj, key):
        obj.status = "CREATING"
        if key == "cluster":
            obj._escala_endpoint = getattr(obj, "_escala_endpoint", None) or obj.endpoint
            obj.endpoint = None
    else:
        obj.status = "ACTIVE" if obj.status == "CREATING" else obj.status
        if key == "cluster" and getattr(obj, "_escala_endpoint", None):
            obj.endpoint = obj._escala_endpoint
    return obj


_create_cluster = EKSBackend.create_cluster
_create_nodegroup = EKSBackend.create_nodegroup
_describe_cluster = EKSBackend.describe_cluster
_describe_nodegroup = EKSBackend.describe_nodegroup


def create_cluster_timed(self, *args, **kwargs):
    cluster = _create_cluster(self, *args, **kwargs)
    cluster._escala_made = time.monotonic()
    return eks_shown(cluster, "cluster")


def create_nodegroup_timed(self, *args, **kwargs):
    name = kwargs.get("cluster_name", args[0] if args else None)
    cluster = self.clusters.get(name)
    if cluster is not None and eks_creating(cluster, "cluster"):
        raise InvalidRequestException(
            message=f"Cluster '{name}' is not in ACTIVE status",
            addonName=None,
            clusterName=name,
            nodegroupName=kwargs.get("nodegroup_name"),
            fargateProfileName=None,
        )
    nodegroup = _create_nodegroup(self, *args, **kwargs)
    nodegroup._escala_made = time.monotonic()
    return eks_shown(nodegroup, "nodegroup")


EKSBackend.create_cluster = create_cluster_timed
EKSBackend.create_nodegroup = create_nodegroup_timed
EKSBackend.describe_cluster = lambda self, name: eks_shown(_describe_cluster(self, name), "cluster")
EKSBackend.describe_nodegroup = lambda self, cluster_name, nodegroup_name: eks_shown(
    _describe_nodegroup(self, cluster_name, nodegroup_name), "nodegroup"
)

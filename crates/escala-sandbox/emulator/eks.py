
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
#   returns an update. moto has no UpdateClusterVersion, UpdateNodegroupVersion, DescribeUpdate nor
#   ListUpdates (404). The fix makes each change, refuses a version that isn't the next minor as
#   AWS does, records an update with its id (InProgress, as AWS returns it), and answers
#   DescribeUpdate (Successful: the change is made) and ListUpdates from the record.

import moto.eks.urls as eks_urls
from moto.eks.exceptions import InvalidParameterException, ResourceNotFoundException
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


# --- 15. ElastiCache: deletions that finish, and the calls the Fargate route makes -------------
# - moto leaves a deleted replication group `deleting` forever, and its id can't be used again
#   until a reset. AWS deletes it in minutes and then forgets it: the fix shows it `deleting` once
#   (the answer to the delete), and gone from the next describe on.
# - moto has no DeleteCacheSubnetGroup (500). The fix deletes it, refusing with
#   CacheSubnetGroupInUse while a replication group is placed in it, as AWS does.
# - moto has no ModifyCacheSubnetGroup or ModifyReplicationGroup (500). The fix changes the
#   subnets, and the node type (applied at once, as with ApplyImmediately).
# - The world (fix 12) lists each replication group's primary endpoint, which the sandbox runtime
#   serves with a real local Redis.
# - moto has no DescribeReservedCacheNodesOfferings (500), which tells whether a region offers a
#   node type. The fix answers from the node types ElastiCache offers in every region.

from moto.elasticache.exceptions import (
    CacheSubnetGroupNotFound,
    ElastiCacheException,
    ReplicationGroupNotFound,
)
from moto.elasticache.models import ElastiCacheBackend, elasticache_backends
from moto.elasticache.responses import ElastiCacheResponse


class CacheSubnetGroupInUse(ElastiCacheException):
    code = "CacheSubnetGroupInUse"


# Node types by family, as AWS's ElastiCache documentation lists the current generation.
NODE_TYPES = [
    f"cache.{family}.{size}"
    for family, sizes in {
        "t3": ["micro", "small", "medium"],
        "t4g": ["micro", "small", "medium"],
        "m5": ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"],
        "m6g": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
        "m7g": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
        "r5": ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"],
        "r6g": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
        "r7g": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
    }.items()
    for size in sizes
]

_describe_replication_groups = ElastiCacheBackend.describe_replication_groups


def describe_replication_groups(self, replication_group_id=None):
    for gone in [k for k, g in self.replication_groups.items() if g.status == "deleting"]:
        del self.replication_groups[gone]
    return _describe_replication_groups(self, replication_group_id)


ElastiCacheBackend.describe_replication_groups = describe_replication_groups


def delete_cache_subnet_group(self):
    backend = self.elasticache_backend
    name = self._get_param("CacheSubnetGroupName")
    if name not in backend.cache_subnet_groups:
        raise CacheSubnetGroupNotFound(name)
    if any(getattr(g, "cache_subnet_group_name", None) == name for g in backend.replication_groups.values()):
        raise CacheSubnetGroupInUse(f"Cache subnet group {name} is currently in use by a replication group.")
    del backend.cache_subnet_groups[name]
    return ActionResult({})


def modify_cache_subnet_group(self):
    backend = self.elasticache_backend
    name = self._get_param("CacheSubnetGroupName")
    group = backend.cache_subnet_groups.get(name)
    if group is None:
        raise CacheSubnetGroupNotFound(name)
    subnets = self._get_param("SubnetIds", [])
    if subnets:
        replacement = backend.create_cache_subnet_group(
            cache_subnet_group_name=name + "-escala-modify",
            cache_subnet_group_description=group.cache_subnet_group_description,
            subnet_ids=subnets,
            tags=[],
        )
        del backend.cache_subnet_groups[name + "-escala-modify"]
        group.subnets = replacement.subnets
        group.subnet_ids = subnets
    return ActionResult({"CacheSubnetGroup": group})


def modify_replication_group(self):
    backend = self.elasticache_backend
    group_id = self._get_param("ReplicationGroupId")
    group = backend.replication_groups.get(group_id)
    if group is None or group.status == "deleting":
        raise ReplicationGroupNotFound(group_id)
    node_type = self._get_param("CacheNodeType")
    if node_type:
        group.cache_node_type = node_type
    return ActionResult({"ReplicationGroup": group})


def describe_reserved_cache_nodes_offerings(self):
    wanted = self._get_param("CacheNodeType")
    product = self._get_param("ProductDescription") or "redis"
    offerings = [
        {
            "ReservedCacheNodesOfferingId": f"escala-{node_type}-{product}",
            "CacheNodeType": node_type,
            "Duration": 31536000,
            "FixedPrice": 0.0,
            "UsagePrice": 0.0,
            "ProductDescription": product,
            "OfferingType": "No Upfront",
            "RecurringCharges": [],
        }
        for node_type in NODE_TYPES
        if wanted in (None, node_type)
    ]
    return ActionResult({"ReservedCacheNodesOfferings": offerings})


ElastiCacheResponse.delete_cache_subnet_group = delete_cache_subnet_group
ElastiCacheResponse.modify_cache_subnet_group = modify_cache_subnet_group
ElastiCacheResponse.modify_replication_group = modify_replication_group
ElastiCacheResponse.describe_reserved_cache_nodes_offerings = describe_reserved_cache_nodes_offerings


def caches_view():
    """Each replication group's primary endpoint, for the sandbox runtime to serve with a real
    Redis (the tasks' REDIS_URL names this address)."""
    out = []
    for account_id, region, backend in regions(elasticache_backends):
        for group in list(backend.replication_groups.values()):
            primary = next((n.get("primary_endpoint") for n in group.node_groups if n.get("primary_endpoint")), None)
            if primary is None:
                continue
            out.append(
                {
                    "account": account_id,
                    "region": region,
                    "id": group.replication_group_id,
                    "status": group.status,
                    "address": primary["address"],
                    "port": int(primary["port"]),
                    "member": (group.member_clusters or [f"{group.replication_group_id}-001"])[0],
                }
            )
    return out


WORLD_PARTS["caches"] = caches_view


# --- 16. ECS: a service scheduler that runs tasks -----------------------------------------------
# moto's service never starts a task: describe-services reports pendingCount = desired after a
# create, runningCount = desired after any update, with nothing behind either, and a deleted
# service is INACTIVE at once. AWS's service scheduler starts tasks until the service has its
# desired count, registers each task's IP in the service's target groups once it runs, and on a
# scale-in deregisters the tasks it stops and stops them once the target group's deregistration
# delay is over; a deleted service is DRAINING until its tasks have stopped.
# Once a runtime has attached (fix 9), the fix schedules that way. Tasks are moto's own (so
# list-tasks and describe-tasks show them, with their network interface), started PROVISIONING;
# the runtime runs a process for each and reports (`/moto-api/escala/tasks`) when it serves
# (RUNNING, registered in the target groups), when it has drained (STOPPED), and when it died or
# failed its health checks (STOPPED, with the reason, and a replacement starts). Counts and the
# deployment's rollout state are worked out from the tasks. Without a runtime moto's behaviour
# stays, since nothing would ever run the tasks.
# moto also advances a task's state one step on every describe-tasks (its default state manager);
# these tasks change state only as the runtime reports. And where moto puts every task in the
# first subnet with a random address outside the VPC, these are spread over the service's subnets
# (its zones), each with an address of its subnet, released with its interface when it stops.

import moto.ecs.models as ecs_models
from moto.ec2.models import ec2_backends
from moto.ecs.models import EC2ContainerServiceBackend, Task, ecs_backends
from moto.ecs.responses import EC2ContainerServiceResponse as ECSResponse

# lastStatus of a task that counts as pending: started, not serving yet.
PENDING = ("PROVISIONING", "PENDING", "ACTIVATING")

_ecs_lock = threading.RLock()


def service_tasks(service):
    """The tasks the scheduler started for `service`, oldest first (moto's service has none)."""
    if not hasattr(service, "escala_tasks"):
        service.escala_tasks = []
    return service.escala_tasks


def task_ip(task):
    for attachment in task.attachments:
        for detail in attachment.get("details", []):
            if detail["name"] == "privateIPv4Address":
                return detail["value"]
    return None


def placement(account_id, region, service):
    """The service's network, with the subnet that holds fewest of its tasks first (ECS spreads a
    service's tasks across its zones; moto's task takes the first subnet), and an address from
    that subnet for the task's interface (moto's is random, outside the VPC)."""
    config = json.loads(json.dumps(service.network_configuration))
    vpc = config.get("awsvpcConfiguration") or {}
    subnets = vpc.get("subnets") or []
    if not subnets:
        return config, None
    used = {}
    for t in service_tasks(service):
        if t.desired_status == "RUNNING":
            for attachment in t.attachments:
                for detail in attachment.get("details", []):
                    if detail["name"] == "subnetId":
                        used[detail["value"]] = used.get(detail["value"], 0) + 1
    first = min(subnets, key=lambda s: (used.get(s, 0), subnets.index(s)))
    vpc["subnets"] = [first] + [s for s in subnets if s != first]
    subnet = ec2_backends[account_id][region].get_subnet(first)
    return config, subnet.get_available_subnet_ip(instance=None)


def start_task(account_id, region, backend, service):
    cluster = backend.clusters[service.cluster_name]
    definition = backend.describe_task_definition(service.task_definition)
    strategy = getattr(service, "escala_strategy", None) or cluster.default_capacity_provider_strategy or []
    network, address = placement(account_id, region, service)
    random_ip = ecs_models.random_private_ip
    if address is not None:
        ecs_models.random_private_ip = lambda *args, **kwargs: address
    try:
        task = make_task(backend, cluster, definition, service, strategy, network)
    finally:
        ecs_models.random_private_ip = random_ip
    # Only the runtime's reports move it (see above), not describe-tasks.
    task.status = "PROVISIONING"
    task._transitions = []
    backend.tasks.setdefault(cluster.name, {})[task.task_arn] = task
    service_tasks(service).append(task)


def make_task(backend, cluster, definition, service, strategy, network):
    return Task(
        cluster=cluster,
        task_definition=definition,
        container_instance_arn=None,
        # moto sums the containers' own memory, which a Fargate definition leaves to the task.
        resource_requirements=None,
        backend=backend,
        group=f"service:{service.name}",
        started_by=service.deployments[0]["id"] if service.deployments else "",
        launch_type="" if strategy else (service.launch_type or "FARGATE"),
        networking_configuration=network,
        platform_version=service.platform_version or "LATEST",
        capacity_provider_name=capacity_provider_for(strategy, service_tasks(service)),
    )


def capacity_provider_for(strategy, tasks):
    """The provider the next task goes to: the base first, then the weights, as ECS splits them."""
    if not strategy:
        return None
    live = [t for t in tasks if t.desired_status == "RUNNING"]
    counts = {}
    for t in live:
        counts[t.capacity_provider_name] = counts.get(t.capacity_provider_name, 0) + 1
    for item in strategy:
        if counts.get(item["capacityProvider"], 0) < int(item.get("base") or 0):
            return item["capacityProvider"]
    weighted = [i for i in strategy if int(i.get("weight") or 0) > 0] or strategy
    # The provider furthest below its share of the tasks beyond the bases.
    total_base = sum(int(i.get("base") or 0) for i in strategy)
    beyond = max(len(live) - total_base, 0) + 1
    weight_sum = sum(int(i.get("weight") or 0) for i in weighted) or 1

    def lag(i):
        share = beyond * int(i.get("weight") or 0) / weight_sum
        return share - (counts.get(i["capacityProvider"], 0) - int(i.get("base") or 0))

    return max(weighted, key=lag)["capacityProvider"]


def target_groups(account_id, region, service):
    backend = elbv2_backends[account_id][region]
    for lb in service.load_balancers:
        tg = backend.target_groups.get(lb.get("targetGroupArn"))
        if tg is not None:
            yield tg, int(lb.get("containerPort") or tg.port)


def register(account_id, region, service, task):
    ip = task_ip(task)
    for tg, port in target_groups(account_id, region, service):
        tg.register([{"Id": ip, "Port": port}])


def deregister(account_id, region, service, task):
    ip = task_ip(task)
    for tg, port in target_groups(account_id, region, service):
        if ip in tg.targets:
            tg.deregister([{"Id": ip, "Port": port}])


def stop(account_id, region, service, task, reason):
    """Desired STOPPED: out of the target groups, draining (DEACTIVATING) until the runtime says
    it ended. A task that never served ends at once."""
    task.desired_status = "STOPPED"
    task.stopped_reason = reason
    if task.status == "RUNNING":
        deregister(account_id, region, service, task)
        task.status = "DEACTIVATING"
    else:
        task.status = "STOPPED"


def schedule(account_id, region, backend, service):
    tasks = service_tasks(service)
    for t in [t for t in tasks if t.status == "STOPPED"]:
        tasks.remove(t)
        release_interface(account_id, region, t)
    live = [t for t in tasks if t.desired_status == "RUNNING"]
    wanted = service.desired_count if service.status == "ACTIVE" else 0
    if len(live) < wanted and service.task_definition:
        for _ in range(wanted - len(live)):
            start_task(account_id, region, backend, service)
    elif len(live) > wanted:
        # ECS stops the tasks that aren't serving yet first, then the newest.
        order = sorted(live, key=lambda t: (t.status == "RUNNING", tasks.index(t)))
        for t in order[: len(live) - wanted]:
            stop(account_id, region, service, t, scale_in_reason(service))
    count(service)
    if service.status == "DRAINING" and not tasks:
        service.status = "INACTIVE"


def scale_in_reason(service):
    deployment = service.deployments[0]["id"] if service.deployments else service.name
    return f"Scaling activity initiated by (deployment {deployment})"


def count(service):
    tasks = service_tasks(service)
    service.running_count = sum(1 for t in tasks if t.status == "RUNNING")
    service.pending_count = sum(1 for t in tasks if t.status in PENDING)
    for d in service.deployments[:1]:
        d["desiredCount"] = service.desired_count
        d["runningCount"] = service.running_count
        d["pendingCount"] = service.pending_count
        done = service.running_count == service.desired_count and service.pending_count == 0
        d["rolloutState"] = "COMPLETED" if done else "IN_PROGRESS"
        d["rolloutStateReason"] = f"ECS deployment {d['id']} {'completed' if done else 'in progress'}."


def release_interface(account_id, region, task):
    """AWS deletes a stopped Fargate task's network interface, freeing the subnet and the
    security groups for deletion."""
    ec2 = ec2_backends[account_id][region]
    for attachment in task.attachments:
        for detail in attachment.get("details", []):
            if detail["name"] == "networkInterfaceId":
                try:
                    ec2.delete_network_interface(detail["value"])
                except Exception:  # already gone with its subnet
                    pass


def find_task(account_id, region, cluster, arn):
    backend = ecs_backends[account_id][region]
    for service in backend.services.values():
        if service.cluster_name != cluster:
            continue
        for t in service_tasks(service):
            if t.task_arn == arn:
                return service, t
    return None, None


def report_tasks(body):
    with _ecs_lock:
        for r in body.get("reports", []):
            service, task = find_task(r["account"], r["region"], r["cluster"], r["task"])
            if task is None:
                continue
            if r["status"] == "RUNNING" and task.status in PENDING and task.desired_status == "RUNNING":
                task.status = "RUNNING"
                register(r["account"], r["region"], service, task)
            elif r["status"] == "STOPPED":
                if task.status == "RUNNING":
                    deregister(r["account"], r["region"], service, task)
                task.desired_status = "STOPPED"
                task.status = "STOPPED"
                if r.get("reason"):
                    task.stopped_reason = r["reason"]
        for account_id, region, backend in regions(ecs_backends):
            for service in list(backend.services.values()):
                schedule(account_id, region, backend, service)
    return {}


def service_view(account_id, region, backend, service):
    td = backend.describe_task_definition(service.task_definition) if service.task_definition else None
    containers = td.container_definitions if td is not None else []
    return {
        "account": account_id,
        "region": region,
        "cluster": service.cluster_name,
        "name": service.name,
        "status": service.status,
        "desired": service.desired_count,
        "cpu": int(td.cpu) if td is not None and td.cpu else 256,
        "memory": int(td.memory) if td is not None and td.memory else 512,
        "containers": [
            {
                "name": c.get("name"),
                "environment": {e["name"]: e["value"] for e in c.get("environment", [])},
                "ports": [int(p["containerPort"]) for p in c.get("portMappings", [])],
            }
            for c in containers
        ],
        "loadBalancers": [
            {"targetGroup": lb.get("targetGroupArn"), "containerPort": int(lb.get("containerPort") or 0)}
            for lb in service.load_balancers
        ],
        "healthCheckGraceSeconds": int(getattr(service, "escala_grace", 0) or 0),
        "tasks": [
            {
                "arn": t.task_arn,
                "ip": task_ip(t),
                "lastStatus": t.status,
                "desiredStatus": t.desired_status,
                "capacityProvider": t.capacity_provider_name,
            }
            for t in service_tasks(service)
        ],
    }


def services_view():
    out = []
    for account_id, region, backend in regions(ecs_backends):
        for service in list(backend.services.values()):
            if service.status != "INACTIVE" or service_tasks(service):
                out.append(service_view(account_id, region, backend, service))
    return out


_create_service = ECSResponse.create_service


def create_service(self):
    """moto's CreateService drops the capacity-provider strategy and the health-check grace
    period, which the scheduler places and checks tasks by: kept on the service."""
    with _ecs_lock:
        result = _create_service(self)
        service = self.ecs_backend._get_service(self._get_param("cluster", "default"), self._get_param("serviceName"))
        service.escala_strategy = self._get_param("capacityProviderStrategy")
        service.escala_grace = self._get_int_param("healthCheckGracePeriodSeconds") or 0
        if runtime["attached"]:
            count(service)
    return result


_update_service = EC2ContainerServiceBackend.update_service


def update_service(self, service_properties):
    with _ecs_lock:
        service = _update_service(self, service_properties)
        if runtime["attached"]:
            # moto set runningCount to the new desired count; the tasks say what runs.
            count(service)
    return service


_delete_service = EC2ContainerServiceBackend.delete_service


def delete_service(self, cluster_name, service_name, force):
    with _ecs_lock:
        service = _delete_service(self, cluster_name, service_name, force)
        if runtime["attached"]:
            live = [t for t in service_tasks(service) if t.desired_status == "RUNNING"]
            for t in live:
                stop(self.account_id, self.region_name, service, t, "Service deleted")
            service.status = "DRAINING" if service_tasks(service) else "INACTIVE"
            count(service)
    return service


ECSResponse.create_service = create_service
EC2ContainerServiceBackend.update_service = update_service
EC2ContainerServiceBackend.delete_service = delete_service
ROUTES[("POST", "/moto-api/escala/tasks")] = report_tasks
WORLD_PARTS["services"] = services_view

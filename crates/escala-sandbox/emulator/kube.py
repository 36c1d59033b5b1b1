
# --- 20. EKS clusters with an API: endpoints, the creator's entry, local control planes ---------
# - moto gives every cluster of a region the same endpoint and a random CA. AWS gives each
#   cluster its own (https://<32 hex>.gr7.<region>.eks.amazonaws.com): the fix does too.
# - moto drops accessConfig. AWS, with bootstrapClusterCreatorAdminPermissions (true unless set
#   false), gives the creator an access entry with AmazonEKSClusterAdminPolicy, which goes with
#   the cluster: the fix makes that entry, for the identity the request was signed by.
# - With ESCALA_KUBE_ASSETS naming a folder with etcd and kube-apiserver (and
#   kube-controller-manager and kube-scheduler when present; the envtest convention), each
#   cluster gets a real control plane on loopback, and DescribeCluster returns its endpoint and
#   CA. The cluster stays CREATING until the API server is ready, as AWS's has no endpoint until
#   it serves. Deleting the cluster, or the emulator ending, stops it.
#   - Authentication is EKS's: a bearer token `k8s-aws-v1.` + a presigned GetCallerIdentity, which
#     kube-apiserver sends to a webhook the emulator serves (aws-iam-authenticator's job). The
#     signature is checked against the account's keys, the x-k8s-aws-id header must name the
#     cluster, and the identity must have an access entry, as on EKS.
#   - Authorization is EKS's access policies, by a second webhook (EKS's own authorizer does the
#     same beside RBAC): ClusterAdmin allows all; Admin all but the cluster's RBAC and nodes;
#     Edit that less the namespace's roles and bindings; View reads all but Secrets. A policy
#     scoped to namespaces allows nothing outside them.
#   - The sandbox runtime plays the nodes, kubelet and the cloud's controllers (see
#     escala-runtime's `clusters`) with its own token; kube-controller-manager runs without its
#     HPA controller, whose metrics API doesn't exist here: the runtime runs the HPA.
#   Without the variable, clusters have no API server, as before, and `GET /moto-api/escala/kube`
#   says why.

import atexit
import base64
import hashlib
import hmac
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
from urllib.parse import parse_qsl, urlsplit

from moto import settings
from moto.sts.models import sts_backends

KUBE_ASSETS = os.environ.get("ESCALA_KUBE_ASSETS") or None
CLUSTER_ADMIN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
# How long an EKS token is accepted after it was signed (aws-iam-authenticator's 15 minutes).
TOKEN_LIFETIME = 15 * 60
# The emulator's own port, for the webhooks kube-apiserver calls: learnt from its first request.
emulator_port = []


def kube_assets_missing():
    """Why clusters can't have an API server here, or None when they can."""
    if not KUBE_ASSETS:
        return "ESCALA_KUBE_ASSETS is not set: it names a folder holding etcd and kube-apiserver (the envtest convention)"
    for b in ("etcd", "kube-apiserver"):
        if not os.access(os.path.join(KUBE_ASSETS, b), os.X_OK):
            return f"{os.path.join(KUBE_ASSETS, b)} is missing or not executable"
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ControlPlane:
    """One cluster's etcd and kube-apiserver (and controller-manager and scheduler when given)."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.dir = tempfile.mkdtemp(prefix=f"escala-kube-{cluster}-")
        self.procs = []
        self.endpoint = None
        self.ca = None
        self.error = None
        self.ready = False
        self.runtime_token = secrets.token_hex(24)
        threading.Thread(target=self.start, daemon=True).start()

    def spawn(self, name, args):
        """Runs a component under a watchdog shell that ends it when the emulator ends, even by
        SIGKILL (as the registry of fix 14 is run)."""
        log = open(os.path.join(self.dir, f"{name}.log"), "w")
        watchdog = (
            'owner=$1; shift; "$@" & c=$!\n'
            "trap 'kill $c 2>/dev/null; exit 0' TERM INT\n"
            'while kill -0 "$owner" 2>/dev/null && kill -0 $c 2>/dev/null; do sleep 1; done\n'
            "kill $c 2>/dev/null"
        )
        command = ["sh", "-c", watchdog, "watchdog", str(os.getpid()), os.path.join(KUBE_ASSETS, name)] + args
        self.procs.append((name, subprocess.Popen(command, stdout=log, stderr=log, stdin=subprocess.DEVNULL)))

    def kubeconfig(self, name, server, token=None, ca=None):
        """A kubeconfig for a webhook (no token) or for a control-plane component."""
        cluster = {"server": server}
        if ca:
            cluster["certificate-authority"] = ca
        user = {"token": token} if token else {}
        path = os.path.join(self.dir, f"{name}.kubeconfig")
        with open(path, "w") as f:
            json.dump({
                "apiVersion": "v1", "kind": "Config", "current-context": "c",
                "clusters": [{"name": "c", "cluster": cluster}],
                "users": [{"name": "u", "user": user}],
                "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}],
            }, f)
        os.chmod(path, 0o600)
        return path

    def start(self):
        try:
            self.run()
        except Exception as e:  # DescribeCluster reports it as the cluster's health
            self.error = str(e)
            self.stop()

    def run(self):
        certs = os.path.join(self.dir, "certs")
        os.makedirs(certs)
        etcd, peer, api = free_port(), free_port(), free_port()
        self.spawn("etcd", [
            "--name=escala", f"--data-dir={os.path.join(self.dir, 'etcd')}",
            f"--listen-client-urls=http://127.0.0.1:{etcd}", f"--advertise-client-urls=http://127.0.0.1:{etcd}",
            f"--listen-peer-urls=http://127.0.0.1:{peer}", f"--initial-advertise-peer-urls=http://127.0.0.1:{peer}",
            f"--initial-cluster=escala=http://127.0.0.1:{peer}", "--unsafe-no-fsync",
        ])
        key = os.path.join(certs, "sa.key")
        subprocess.run(["openssl", "genrsa", "-out", key, "2048"], check=True, capture_output=True)
        manager, scheduler = secrets.token_hex(24), secrets.token_hex(24)
        tokens = os.path.join(certs, "tokens.csv")
        with open(tokens, "w") as f:
            f.write(f'{self.runtime_token},escala:sandbox-runtime,escala-runtime,"system:masters"\n')
            f.write(f"{manager},system:kube-controller-manager,kcm\n{scheduler},system:kube-scheduler,ks\n")
        os.chmod(tokens, 0o600)
        hooks = f"http://127.0.0.1:{emulator_port[0]}/moto-api/escala/kube/{self.cluster}"
        # With --cert-dir and no serving certificate, kube-apiserver makes a self-signed one for
        # 127.0.0.1 and localhost, with its CA, in apiserver.crt.
        self.spawn("kube-apiserver", [
            f"--etcd-servers=http://127.0.0.1:{etcd}", "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
            f"--secure-port={api}", f"--cert-dir={certs}", f"--token-auth-file={tokens}",
            f"--authentication-token-webhook-config-file={self.kubeconfig('authn', hooks + '/authenticate')}",
            "--authentication-token-webhook-version=v1", "--authentication-token-webhook-cache-ttl=10s",
            "--authorization-mode=RBAC,Webhook",
            f"--authorization-webhook-config-file={self.kubeconfig('authz', hooks + '/authorize')}",
            "--authorization-webhook-version=v1", "--authorization-webhook-cache-authorized-ttl=10s",
            "--authorization-webhook-cache-unauthorized-ttl=10s",
            "--service-cluster-ip-range=172.20.0.0/16", "--allow-privileged=true",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            f"--service-account-key-file={key}", f"--service-account-signing-key-file={key}",
        ])
        endpoint = f"https://127.0.0.1:{api}"
        crt = os.path.join(certs, "apiserver.crt")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not self.readyz(endpoint, crt):
            if any(p.poll() is not None for _, p in self.procs):
                raise RuntimeError(f"the control plane stopped while starting; see {self.dir}")
            time.sleep(0.5)
        if not self.readyz(endpoint, crt):
            raise RuntimeError(f"kube-apiserver was not ready within 120 s; see {self.dir}/kube-apiserver.log")
        for name, token, args in [
            # The HPA controller is left out: it reads a metrics API no one serves here, and the
            # runtime runs the HPA on its own metrics.
            # Each controller as its own service account, which the bootstrap RBAC grants.
            ("kube-controller-manager", manager, [
                "--controllers=*,-horizontalpodautoscaling", "--use-service-account-credentials=true",
                f"--service-account-private-key-file={key}", f"--root-ca-file={crt}",
            ]),
            ("kube-scheduler", scheduler, []),
        ]:
            if os.access(os.path.join(KUBE_ASSETS, name), os.X_OK):
                config = self.kubeconfig(name, endpoint, token, crt)
                self.spawn(name, [f"--kubeconfig={config}", "--leader-elect=false", "--secure-port=0"] + args)
        with open(crt, "rb") as f:
            self.ca = base64.b64encode(f.read()).decode()
        self.endpoint = endpoint
        self.ready = True

    def readyz(self, endpoint, crt):
        if not os.path.exists(crt):
            return False
        import ssl
        import urllib.request

        request = urllib.request.Request(endpoint + "/readyz", headers={"Authorization": f"Bearer {self.runtime_token}"})
        try:
            with urllib.request.urlopen(request, context=ssl.create_default_context(cafile=crt), timeout=2) as r:
                return r.status == 200
        except Exception:
            return False

    def components(self):
        return sorted(name for name, p in self.procs if p.poll() is None)

    def stop(self):
        for _, p in reversed(self.procs):
            p.terminate()
        for _, p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        self.procs = []
        shutil.rmtree(self.dir, ignore_errors=True)


# (account, region, cluster name) -> its control plane.
control_planes = {}


def stop_control_planes():
    for plane in list(control_planes.values()):
        plane.stop()
    control_planes.clear()


atexit.register(stop_control_planes)


def caller_arn(access_key_id, account_id, region):
    """The ARN of the identity an access key belongs to, as GetCallerIdentity answers."""
    return sts_backends[account_id]["aws"].get_caller_identity(access_key_id, region)[1]


def as_principal(arn):
    """An assumed role's session ARN as the role's, which is what access entries name."""
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[2] == "sts" and parts[5].startswith("assumed-role/"):
        role = parts[5].split("/")[1]
        return f"arn:aws:iam::{parts[4]}:role/{role}"
    return arn


_create_cluster_response = EKSResponse.create_cluster


def create_cluster_with_api(self):
    result = _create_cluster_response(self)
    name = self._get_param("name")
    cluster = self.eks_backend.clusters[name]
    cluster.endpoint = f"https://{uuid.uuid4().hex.upper()}.gr7.{self.region}.eks.amazonaws.com"
    cluster._escala_endpoint = None
    access = self._get_param("accessConfig") or {}
    if access.get("bootstrapClusterCreatorAdminPermissions", True):
        principal = as_principal(caller_arn(self.get_access_key(), self.current_account, self.region))
        now = datetime.now(timezone.utc)
        eks_access(cluster)[principal] = {
            "entry": {
                "clusterName": name, "principalArn": principal, "kubernetesGroups": [],
                "accessEntryArn": f"arn:aws:eks:{self.region}:{self.current_account}:access-entry/{name}/{uuid.uuid4()}",
                "createdAt": now, "modifiedAt": now, "tags": {}, "username": principal, "type": "STANDARD",
            },
            "policies": {CLUSTER_ADMIN: {"policyArn": CLUSTER_ADMIN, "accessScope": {"type": "cluster"}, "associatedAt": now, "modifiedAt": now}},
        }
    if kube_assets_missing() is None:
        control_planes[(self.current_account, self.region, name)] = ControlPlane(name)
        # The answer (serialized from the cluster after this) says CREATING, with no endpoint yet.
        eks_shown(cluster, "cluster")
    return result


_delete_cluster_response = EKSResponse.delete_cluster


def delete_cluster_with_api(self):
    name = self._get_param("name") or unquote(self.path.rstrip("/").split("/")[-1])
    result = _delete_cluster_response(self)
    plane = control_planes.pop((self.current_account, self.region, name), None)
    if plane is not None:
        plane.stop()
    return result


EKSResponse.create_cluster = create_cluster_with_api
EKSResponse.delete_cluster = delete_cluster_with_api

_eks_shown_before_api = eks_shown


def eks_shown_with_api(obj, key):
    """CREATING until the cluster's own API server is ready; then its endpoint and CA."""
    obj = _eks_shown_before_api(obj, key)
    if key != "cluster":
        return obj
    _, _, _, region, account_id, _ = obj.arn.split(":", 5)
    plane = control_planes.get((account_id, region, obj.name))
    if plane is None:
        return obj
    if plane.error:
        obj.status = "FAILED"
    elif not plane.ready:
        obj.status = "CREATING"
        obj.endpoint = None
    elif obj.status in ("CREATING", "ACTIVE"):
        obj.endpoint = plane.endpoint
        obj.certificate_authority = {"data": plane.ca}
    return obj


# The EKS fixes look `eks_shown` up when they run: this takes its place for all of them.
eks_shown = eks_shown_with_api


# --- The webhooks kube-apiserver calls ------------------------------------------------------------

def sigv4_key(secret, date, region, service):
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def sigv4_quote(value):
    return quote(value, safe="-_.~")


def token_identity(token, cluster_name, account_id):
    """(principal ARN, access key id) of a valid EKS token for `cluster_name`, or an error."""
    prefix = "k8s-aws-v1."
    if not token.startswith(prefix):
        return None, "not an EKS token (no k8s-aws-v1. prefix)"
    body = token[len(prefix):]
    try:
        url = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    except Exception:
        return None, "the token isn't base64url"
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    params = dict(query)
    if params.get("Action") != "GetCallerIdentity" or not parts.hostname or not parts.hostname.startswith("sts."):
        return None, "the token isn't a presigned sts:GetCallerIdentity"
    try:
        key_id, date, region, service, _ = params["X-Amz-Credential"].split("/")
        signed = params["X-Amz-SignedHeaders"].split(";")
        stamp = datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
        signature = params["X-Amz-Signature"]
    except (KeyError, ValueError):
        return None, "the token's presigned URL lacks its signature's parts"
    if "x-k8s-aws-id" not in signed:
        return None, "the token doesn't sign the x-k8s-aws-id header"
    age = (datetime.now(timezone.utc) - stamp).total_seconds()
    if age > TOKEN_LIFETIME or age < -300:
        return None, "the token has expired"
    arn = caller_arn(key_id, account_id, region)
    secret = secret_of(key_id, account_id)
    if secret is None:
        if settings.INITIAL_NO_AUTH_ACTION_COUNT != float("inf"):
            return None, f"the access key {key_id} is not known to the account"
        # Unknown keys are the account's own while IAM checks are off, as for every other API.
        return as_principal(arn), None
    headers = {"host": parts.netloc, "x-k8s-aws-id": cluster_name}
    canonical_query = "&".join(
        f"{sigv4_quote(k)}={sigv4_quote(v)}" for k, v in sorted(query) if k != "X-Amz-Signature"
    )
    canonical = "\n".join([
        "GET", parts.path or "/", canonical_query,
        "".join(f"{h}:{headers.get(h, '')}\n" for h in signed), ";".join(signed),
        hashlib.sha256(b"").hexdigest(),
    ])
    scope = f"{date}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", params["X-Amz-Date"], scope, hashlib.sha256(canonical.encode()).hexdigest()])
    expected = hmac.new(sigv4_key(secret, date, region, service), to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        # The header is signed: a token made for another cluster fails here.
        return None, "the token's signature doesn't match (signed for another cluster, or with another secret)"
    return as_principal(arn), None


def secret_of(key_id, account_id):
    from moto.iam.models import iam_backends

    role = sts_backends[account_id]["aws"].get_assumed_role_from_access_key(key_id)
    if role is not None:
        return role.secret_access_key
    for user in iam_backends[account_id]["aws"].users.values():
        for key in user.access_keys:
            if key.access_key_id == key_id and key.status == "Active":
                return key.secret_access_key
    return None


def find_cluster(name):
    for account_id, region, backend in regions(eks_backends):
        if name in backend.clusters:
            return account_id, region, backend.clusters[name]
    return None, None, None


def authenticate(cluster_name, review):
    account_id, _, cluster = find_cluster(cluster_name)
    status = {"authenticated": False}
    if cluster is None:
        status["error"] = f"no cluster {cluster_name}"
    else:
        principal, error = token_identity(review.get("spec", {}).get("token", ""), cluster_name, account_id)
        entry = eks_access(cluster).get(principal) if principal else None
        if error:
            status["error"] = error
        elif entry is None:
            status["error"] = f"{principal} has no access entry in cluster {cluster_name}"
        else:
            status = {
                "authenticated": True,
                "user": {
                    "username": entry["entry"]["username"], "uid": f"aws-iam-authenticator:{principal}",
                    "groups": list(entry["entry"]["kubernetesGroups"]) + ["system:authenticated"],
                    "extra": {"arn": [principal]},
                },
            }
    return {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "status": status}


# What each access policy allows of a request (its resource attributes), EKS's policies in short.
RBAC = {"roles", "rolebindings", "clusterroles", "clusterrolebindings"}
READS = {"get", "list", "watch"}


def policy_allows(policy, attrs):
    name = policy.rsplit("/", 1)[-1]
    resource, group, verb = attrs.get("resource", ""), attrs.get("group", ""), attrs.get("verb", "")
    if name == "AmazonEKSClusterAdminPolicy":
        return True
    if name == "AmazonEKSViewPolicy":
        return verb in READS and resource != "secrets"
    rbac = group == "rbac.authorization.k8s.io" and resource in RBAC
    if name == "AmazonEKSAdminPolicy":
        return not (rbac and resource.startswith("cluster")) and resource != "nodes" or verb in READS
    if name == "AmazonEKSEditPolicy":
        return (not rbac and resource != "nodes") or verb in READS
    return False


def authorize(cluster_name, review):
    _, _, cluster = find_cluster(cluster_name)
    spec = review.get("spec", {})
    arn = (spec.get("extra") or {}).get("arn", [None])[0]
    entry = eks_access(cluster).get(arn) if cluster is not None and arn else None
    attrs = spec.get("resourceAttributes") or {}
    allowed, why = False, "no access policy of the entry allows it"
    if entry is None:
        why = "not an EKS identity"
    elif not attrs:
        # Non-resource URLs (/healthz, /version): every identity with an entry may read them.
        allowed = spec.get("nonResourceAttributes", {}).get("verb") == "get"
    else:
        for policy, associated in entry["policies"].items():
            scope = associated.get("accessScope") or {"type": "cluster"}
            in_scope = scope.get("type") == "cluster" or attrs.get("namespace") in (scope.get("namespaces") or [])
            if in_scope and policy_allows(policy, attrs):
                allowed, why = True, f"allowed by {policy.rsplit('/', 1)[-1]}"
                break
    # No opinion rather than a denial: RBAC (for the groups an entry names) still has its say.
    status = {"allowed": allowed, "reason": why}
    return {"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "status": status}


# --- What the runtime reads: each cluster's API and node groups ----------------------------------

def node_shape(instance_type):
    """A node's allocatable, as EKS's AMI sets it: the VPC CNI's max pods per ENI, and the
    kubelet's reserves (CPU 6 % of the first core, 1 % of the second, 0.5 % of the next two,
    0.25 % above; memory 255 MiB + 11 MiB per pod, and a 100 MiB eviction threshold), as
    escala_core::scaling::cluster_autoscaler::eks_allocatable works it out for the simulator."""
    facts = INSTANCE_TYPES.get(instance_type, {})
    vcpus = facts.get("VCpuInfo", {}).get("DefaultVCpus", 2)
    memory = facts.get("MemoryInfo", {}).get("SizeInMiB", 4096)
    net = facts.get("NetworkInfo", {})
    max_pods = net.get("MaximumNetworkInterfaces", 3) * (net.get("Ipv4AddressesPerInterface", 6) - 1) + 2
    millis = vcpus * 1000
    reserved = 60 + (10 if vcpus > 1 else 0) + 5 * min(max(vcpus - 2, 0), 2) + 2.5 * max(vcpus - 4, 0)
    return {
        "instanceType": instance_type, "vcpus": vcpus, "memoryMib": memory, "maxPods": max_pods,
        "allocatableCpuMillis": int(millis - reserved),
        "allocatableMemoryMib": max(memory - 255 - 11 * max_pods - 100, 0),
    }


def nodegroup_view(account_id, region, ng):
    scaling = ng.scaling_config or {}
    first = (ng.instance_types or ["t3.medium"])[0]
    ec2 = ec2_backends[account_id][region]
    zones = []
    for subnet in ng.subnets or []:
        try:
            zones.append(ec2.get_subnet(subnet).availability_zone)
        except Exception:  # a subnet deleted under the node group: its nodes have no zone
            pass
    return {
        "zones": zones,
        "name": ng.nodegroup_name, "status": ng.status,
        "min": scaling.get("minSize", 0), "desired": scaling.get("desiredSize", 0), "max": scaling.get("maxSize", 0),
        "capacityType": ng.capacity_type, "labels": ng.labels or {}, "taints": ng.taints or [],
        "subnets": ng.subnets or [], "node": node_shape(first),
    }


def clusters_view():
    why = kube_assets_missing()
    view = []
    for account_id, region, backend in regions(eks_backends):
        for cluster in list(backend.clusters.values()):
            plane = control_planes.get((account_id, region, cluster.name))
            api = None
            if plane is not None and plane.ready:
                api = {"endpoint": plane.endpoint, "ca": plane.ca, "tokenFile": os.path.join(plane.dir, "certs", "runtime-token"), "components": plane.components()}
                path = api["tokenFile"]
                if not os.path.exists(path):
                    with open(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
                        f.write(plane.runtime_token)
            view.append({
                "account": account_id, "region": region, "name": cluster.name, "api": api,
                "addons": sorted(eks_addons(cluster)),
                "why": why if plane is None else plane.error,
                "nodegroups": [nodegroup_view(account_id, region, ng) for ng in list(cluster.nodegroups.values())],
            })
    return view


WORLD_PARTS["clusters"] = clusters_view
ROUTES[("GET", "/moto-api/escala/kube")] = lambda body: {"available": kube_assets_missing() is None, "why": kube_assets_missing()}

_dispatch_before_kube = DomainDispatcherApplication.__call__


def dispatch_kube(self, environ, start_response):
    if not emulator_port:
        emulator_port.append(environ.get("SERVER_PORT"))
    path = environ.get("PATH_INFO", "")
    prefix = "/moto-api/escala/kube/"
    hook = path[len(prefix):].rsplit("/", 1) if path.startswith(prefix) else None
    if environ["REQUEST_METHOD"] == "POST" and hook and len(hook) == 2 and hook[1] in ("authenticate", "authorize"):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        review = json.loads(environ["wsgi.input"].read(length) or b"{}")
        answer = json.dumps((authenticate if hook[1] == "authenticate" else authorize)(unquote(hook[0]), review)).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(answer)))])
        return [answer]
    return _dispatch_before_kube(self, environ, start_response)


DomainDispatcherApplication.__call__ = dispatch_kube

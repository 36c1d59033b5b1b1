
# --- 14. ECR's data plane: a real registry --------------------------------------------------------
# moto has ECR's API but no registry behind it: a repository's URI names a host nobody serves,
# GetAuthorizationToken's proxyEndpoint too, and DescribeImages lists only what PutImage was
# handed. The fix starts Debian's docker-registry (when installed) on a loopback port, under a
# watchdog that stops it with this process, and makes it ECR's data plane: repository URIs and
# the proxy endpoint point at it, so an image pushed over the OCI distribution API lands there,
# as it lands in ECR; DescribeImages lists what the registry holds (real digests, sizes and
# push times, which moto's own bookkeeping gets wrong); BatchDeleteImage and a forced
# DeleteRepository delete the manifests from it; a reset empties it.

import atexit
import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from moto.ecr.models import ECRBackend, Image, Repository
from moto.ecr.responses import ECRResponse

MANIFEST_TYPES = ", ".join(
    [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
    ]
)


def start_registry():
    program = shutil.which("docker-registry")
    if program is None:
        return None, None
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = tempfile.mkdtemp(prefix="escala-ecr-")
    config = os.path.join(root, "config.yml")
    with open(config, "w") as f:
        f.write(
            "version: 0.1\nlog:\n  level: warn\n"
            f"storage:\n  filesystem:\n    rootdirectory: {root}/data\n  delete:\n    enabled: true\n"
            f"http:\n  addr: 127.0.0.1:{port}\n"
        )
    log = open(os.path.join(root, "registry.log"), "w")
    watchdog = (
        'owner=$1; shift; "$@" & r=$!\n'
        "trap 'kill $r 2>/dev/null; exit 0' TERM INT\n"
        'while kill -0 "$owner" 2>/dev/null && kill -0 $r 2>/dev/null; do sleep 1; done\n'
        "kill $r 2>/dev/null"
    )
    child = subprocess.Popen(
        ["sh", "-c", watchdog, "watchdog", str(os.getpid()), program, "serve", config],
        stdout=log,
        stderr=log,
        stdin=subprocess.DEVNULL,
    )

    def stop():
        child.terminate()
        shutil.rmtree(root, ignore_errors=True)

    atexit.register(stop)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return f"127.0.0.1:{port}", root
        except OSError:
            time.sleep(0.05)
    return None, None


REGISTRY, REGISTRY_ROOT = start_registry()


def registry_call(method, path, accept=None):
    request = urllib.request.Request(f"http://{REGISTRY}{path}", method=method)
    if accept:
        request.add_header("Accept", accept)
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


class RegistryImage(Image):
    """An image as the registry holds it: its size is its layers' and config's, as ECR counts."""

    # moto's model registry files every model under the service its module is named for.
    __module__ = "moto.ecr.models"

    def __init__(self, account_id, tag, manifest, repository, media_type, digest, size, pushed_at):
        super().__init__(account_id, tag, manifest, repository, media_type, digest)
        self.size = size
        self.image_pushed_at = pushed_at

    def get_image_size_in_bytes(self):
        return self.size


def pushed_at(repository, digest):
    # The registry keeps no push time; its revision link for the manifest is written by the push.
    hexdigest = digest.split(":", 1)[-1]
    link = os.path.join(
        REGISTRY_ROOT, "data", "docker", "registry", "v2", "repositories", repository,
        "_manifests", "revisions", "sha256", hexdigest, "link",
    )
    try:
        return int(os.path.getmtime(link))
    except OSError:
        return int(time.time())


def sync_images(repository):
    """Makes the repository's images those the registry holds, one per digest with its tags."""
    status, _, body = registry_call("GET", f"/v2/{repository.name}/tags/list")
    tags = (json.loads(body).get("tags") or []) if status == 200 else []
    by_digest = {}
    for tag in sorted(tags):
        status, headers, manifest = registry_call(
            "GET", f"/v2/{repository.name}/manifests/{tag}", MANIFEST_TYPES
        )
        if status != 200:
            continue
        digest = headers.get("Docker-Content-Digest") or "sha256:" + hashlib.sha256(manifest).hexdigest()
        by_digest.setdefault(digest, (manifest, headers.get("Content-Type"), []))[2].append(tag)
    images = []
    for digest, (manifest, media_type, image_tags) in by_digest.items():
        parsed = json.loads(manifest)
        size = sum(layer.get("size", 0) for layer in parsed.get("layers", []))
        size += parsed.get("config", {}).get("size", 0)
        image = RegistryImage(
            repository.account_id, image_tags[0], manifest.decode(), repository.name,
            media_type, digest, size or None, pushed_at(repository.name, digest),
        )
        image.image_tags = image_tags
        images.append(image)
    repository.images = images


_repository_init = Repository.__init__


def repository_init(self, *args, **kwargs):
    _repository_init(self, *args, **kwargs)
    if REGISTRY:
        self.uri = f"{REGISTRY}/{self.name}"


_describe_images = ECRBackend.describe_images


def describe_images(self, repository_name, registry_id=None, image_ids=None):
    if REGISTRY and repository_name in self.repositories:
        sync_images(self.repositories[repository_name])
    return _describe_images(self, repository_name, registry_id, image_ids)


def delete_manifests(repository, image_ids):
    for image_id in image_ids:
        for image in repository.images:
            if image_id.get("imageDigest") == image.image_digest or image_id.get("imageTag") in image.image_tags:
                registry_call("DELETE", f"/v2/{repository.name}/manifests/{image.image_digest}")


_batch_delete_image = ECRBackend.batch_delete_image


def batch_delete_image(self, repository_name, registry_id=None, image_ids=None):
    if REGISTRY and repository_name in self.repositories:
        repository = self.repositories[repository_name]
        sync_images(repository)
        delete_manifests(repository, image_ids or [])
    return _batch_delete_image(self, repository_name, registry_id, image_ids)


_delete_repository = ECRBackend.delete_repository


def delete_repository(self, repository_name, registry_id=None, force=False):
    if REGISTRY and repository_name in self.repositories:
        repository = self.repositories[repository_name]
        sync_images(repository)
        if force:
            delete_manifests(repository, [{"imageDigest": i.image_digest} for i in repository.images])
    return _delete_repository(self, repository_name, registry_id, force)


_get_authorization_token = ECRResponse.get_authorization_token


def get_authorization_token(self):
    result = _get_authorization_token(self)
    if REGISTRY:
        for data in result.result["authorizationData"]:
            data["proxyEndpoint"] = f"http://{REGISTRY}"
    return result


def empty_registry():
    if REGISTRY_ROOT:
        shutil.rmtree(os.path.join(REGISTRY_ROOT, "data"), ignore_errors=True)


Repository.__init__ = repository_init
ECRBackend.describe_images = describe_images
ECRBackend.batch_delete_image = batch_delete_image
ECRBackend.delete_repository = delete_repository
ECRResponse.get_authorization_token = get_authorization_token

_dispatch_before_ecr = DomainDispatcherApplication.__call__


def dispatch_emptying_registry(self, environ, start_response):
    if environ.get("PATH_INFO") == "/moto-api/reset":
        empty_registry()
    return _dispatch_before_ecr(self, environ, start_response)


DomainDispatcherApplication.__call__ = dispatch_emptying_registry

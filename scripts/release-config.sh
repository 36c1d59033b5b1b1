#!/usr/bin/env bash
# Prints the Tauri config that a release build adds to tauri.conf.json, from the release
# workflow's environment: the version (the workspace's, which the tag must name), the updater's
# public key and feed (repository variables UPDATER_PUBKEY and UPDATER_FEED), the updater's signed
# bundles when TAURI_SIGNING_PRIVATE_KEY is set, and, given a certificate thumbprint as $1, the
# Windows code signing (with the timestamp server in WINDOWS_TIMESTAMP_URL). Without a key or a
# feed, the build doesn't offer updates, and this says so on stderr.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
PYTHON=$(command -v python3 || command -v python)

# In the release workflow, a warning is an annotation on the run, not only a line in its log.
warn() {
  if [ -n "${GITHUB_ACTIONS:-}" ]; then echo "::warning::$*" >&2; else echo "warning: $*" >&2; fi
}

VERSION=$(workspace_version)
if [ -n "${TAG:-}" ] && [ "$TAG" != "v$VERSION" ]; then
  echo "The tag $TAG doesn't name the workspace's version $VERSION: tag v$VERSION, or set the version in Cargo.toml first." >&2
  exit 1
fi
if [ -z "${UPDATER_PUBKEY:-}" ] || [ -z "${UPDATER_FEED:-}" ]; then
  warn "UPDATER_PUBKEY or UPDATER_FEED is not set: this build won't offer updates"
fi
if [ -z "${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
  warn "TAURI_SIGNING_PRIVATE_KEY is not set: no signed update bundles are made"
fi

VERSION="$VERSION" THUMBPRINT="${1:-}" "$PYTHON" - <<'PY'
import json, os
env = os.environ.get
config = {"version": env("VERSION"), "bundle": {}}
if env("TAURI_SIGNING_PRIVATE_KEY"):
    config["bundle"]["createUpdaterArtifacts"] = True
if env("UPDATER_PUBKEY") and env("UPDATER_FEED"):
    config["plugins"] = {"updater": {"pubkey": env("UPDATER_PUBKEY"), "endpoints": [env("UPDATER_FEED")]}}
if env("THUMBPRINT"):
    windows = {"certificateThumbprint": env("THUMBPRINT"), "digestAlgorithm": "sha256"}
    if env("WINDOWS_TIMESTAMP_URL"):
        windows["timestampUrl"] = env("WINDOWS_TIMESTAMP_URL")
    config["bundle"]["windows"] = windows
print(json.dumps(config))
PY

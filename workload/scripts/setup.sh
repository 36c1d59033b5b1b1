#!/usr/bin/env bash
# Installs what the workload needs on a fresh Debian machine, idempotently: Redis, Node.js + npm (apt),
# the web client's and the Node reference server's packages (npm ci), and builds the web bundle.
# Rust (cargo) is expected to be there already: it comes with the project's machine.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing with apt: ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}"
fi
command -v cargo >/dev/null 2>&1 || { log "cargo not found: install the Rust toolchain first"; exit 1; }

# The Redis adapter speaks RESP3, which needs Redis 6 or newer (bookworm ships 7).
redis_major="$(redis-server --version | sed -n 's/.*v=\([0-9]*\).*/\1/p')"
if [ "${redis_major:-0}" -lt 6 ]; then log "redis-server $redis_major is too old (need >= 6)"; exit 1; fi

for dir in web bench; do
  # npm ci wipes node_modules; skip it when the lockfile has not changed since the last install.
  stamp="$WORKLOAD_DIR/$dir/node_modules/.escala-lock-stamp"
  if [ -f "$stamp" ] && cmp -s "$stamp" "$WORKLOAD_DIR/$dir/package-lock.json"; then
    continue
  fi
  log "npm ci in $dir/"
  (cd "$WORKLOAD_DIR/$dir" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$WORKLOAD_DIR/$dir/package-lock.json" "$stamp"
done

log "building the web client into web/dist"
node "$WORKLOAD_DIR/web/build.mjs" >/dev/null

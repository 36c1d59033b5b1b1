#!/usr/bin/env bash
# All workload tests against a real Redis started here (own temp dir, loopback, killed on exit):
# cargo tests (which start real escala-chat instances as child processes) and the official socket.io
# JavaScript client against two real instances.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
export CI="${CI:-true}"

"$WORKLOAD_DIR/scripts/setup.sh"
cd "$WORKLOAD_DIR"

log "building (target dir $CARGO_TARGET_DIR)"
cargo build --locked --all-targets

REDIS_PORT="" REDIS_PID="" REDIS_DIR=""
trap 'stop_redis "$REDIS_PID" "$REDIS_DIR"' EXIT
start_redis REDIS
export ESCALA_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
log "redis on $ESCALA_TEST_REDIS_URL"

log "cargo test"
cargo test --locked --all-targets

log "official socket.io JS client against escala-chat"
ESCALA_CHAT_BIN="$CARGO_TARGET_DIR/debug/escala-chat" node --test "$WORKLOAD_DIR/web/test/"
log "all workload tests passed"

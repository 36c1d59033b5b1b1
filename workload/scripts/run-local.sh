#!/usr/bin/env bash
# One command to try the chat locally: a throwaway Redis and two escala-chat instances on different ports
# sharing it. Open both URLs in two browser windows: rooms and messages span the instances. Ctrl-C stops all.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PORT_A="${PORT_A:-3001}"
PORT_B="${PORT_B:-3002}"

"$WORKLOAD_DIR/scripts/setup.sh"
cd "$WORKLOAD_DIR"
log "building escala-chat (release)"
cargo build --locked --release --bin escala-chat

REDIS_PORT="" REDIS_PID="" REDIS_DIR=""
PIDS=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  stop_redis "$REDIS_PID" "$REDIS_DIR"
  log "stopped"
}
trap cleanup EXIT INT TERM
start_redis REDIS

for port in "$PORT_A" "$PORT_B"; do
  REDIS_URL="redis://127.0.0.1:$REDIS_PORT" ESCALA_CHAT_HOST=127.0.0.1 ESCALA_CHAT_PORT="$port" \
    ESCALA_CHAT_INSTANCE_ID="local-$port" ESCALA_CHAT_WEB_DIR="$WORKLOAD_DIR/web/dist" \
    ESCALA_CHAT_LOG_FORMAT="${ESCALA_CHAT_LOG_FORMAT:-pretty}" ESCALA_CHAT_DRAIN_GRACE_MS=500 \
    "$CARGO_TARGET_DIR/release/escala-chat" &
  PIDS+=("$!")
done
wait_http "http://127.0.0.1:$PORT_A/healthz"
wait_http "http://127.0.0.1:$PORT_B/healthz"
log "chat on http://127.0.0.1:$PORT_A and http://127.0.0.1:$PORT_B (redis on port $REDIS_PORT); Ctrl-C stops all"
wait -n "${PIDS[@]}"

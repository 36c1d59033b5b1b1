#!/usr/bin/env bash
# Side-by-side benchmark: escala-chat (Rust, socketioxide) against the Node reference server
# (socket.io + @socket.io/redis-adapter, bench/server.js), each as 2 instances + 1 fresh Redis on 127.0.0.1,
# driven by the same escala-chat-load. Bounded: a few minutes in total. Traffic goes to 127.0.0.1 only.
#
# Per side:
#   1. memory: fresh instances, BENCH_IDLE_CONNS idle connections (joined to rooms), RSS growth per connection;
#   2. throughput: fresh instances, BENCH_CLIENTS clients in BENCH_ROOMS rooms, stepping through BENCH_RATES
#      total send rates (BENCH_STEP_SECS each) until p99 end-to-end latency reaches 50 ms or a message is lost.
# Then prints the comparison table (also written to $OUT/comparison.md).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CLIENTS="${BENCH_CLIENTS:-200}"
ROOMS="${BENCH_ROOMS:-20}"
RATES="${BENCH_RATES:-1000,2000,3000,4000,5000,6000,7000,8000,9000,10000,12000,14000,16000,18000,20000}"
STEP="${BENCH_STEP_SECS:-5}"
IDLE_CONNS="${BENCH_IDLE_CONNS:-5000}"
OUT="${ESCALA_BENCH_OUT:-$CARGO_TARGET_DIR/bench-results}"

"$WORKLOAD_DIR/scripts/setup.sh"
cd "$WORKLOAD_DIR"
log "building release binaries"
cargo build --locked --release --bins
LOAD="$CARGO_TARGET_DIR/release/escala-chat-load"
mkdir -p "$OUT"
# 5,000 connections need 5,000 descriptors in the generator and about half that in each server.
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# Same limits on both sides; the per-socket rate limit is raised because each load client sends up to
# rate/clients messages per second, which is above the interactive default.
export ESCALA_CHAT_RATE_PER_SEC=100000 ESCALA_CHAT_RATE_BURST=100000 ESCALA_CHAT_HISTORY_LEN=50
export ESCALA_CHAT_DRAIN_GRACE_MS=0 ESCALA_CHAT_LOG_FORMAT=json RUST_LOG=warn NODE_ENV=production
# One worker thread per Rust instance, as a Node instance runs its JavaScript on one thread: two instances on
# this 2-core machine, like two single-vCPU tasks.
export ESCALA_CHAT_WORKER_THREADS=1

REDIS_PORT="" REDIS_PID="" REDIS_DIR=""
SERVER_PIDS=()
stop_servers() {
  for pid in "${SERVER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${SERVER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  SERVER_PIDS=()
}
cleanup() {
  stop_servers
  stop_redis "$REDIS_PID" "$REDIS_DIR"
}
trap cleanup EXIT INT TERM

# start_servers rust|node: two instances on free ports against the current Redis; sets URLS and PIDS_CSV.
start_servers() {
  local kind="$1" port urls=() i
  for i in 1 2; do
    port="$(free_port)"
    if [ "$kind" = rust ]; then
      REDIS_URL="redis://127.0.0.1:$REDIS_PORT" ESCALA_CHAT_HOST=127.0.0.1 ESCALA_CHAT_PORT="$port" \
        ESCALA_CHAT_INSTANCE_ID="rust-$i" "$CARGO_TARGET_DIR/release/escala-chat" >"$OUT/$kind-$i.log" 2>&1 &
    else
      REDIS_URL="redis://127.0.0.1:$REDIS_PORT" ESCALA_CHAT_HOST=127.0.0.1 ESCALA_CHAT_PORT="$port" \
        ESCALA_CHAT_INSTANCE_ID="node-$i" node "$WORKLOAD_DIR/bench/server.js" >"$OUT/$kind-$i.log" 2>&1 &
    fi
    SERVER_PIDS+=("$!")
    urls+=("http://127.0.0.1:$port")
  done
  for u in "${urls[@]}"; do wait_http "$u/healthz"; done
  URLS="$(IFS=,; echo "${urls[*]}")"
  PIDS_CSV="$(IFS=,; echo "${SERVER_PIDS[*]}")"
}

run_side() {
  local kind="$1"
  start_redis REDIS
  log "$kind: memory with $IDLE_CONNS idle connections"
  start_servers "$kind"
  "$LOAD" idle --label "$kind" --url "$URLS" --pids "$PIDS_CSV" --clients "$IDLE_CONNS" \
    --rooms "$((IDLE_CONNS / 10))" --connect-concurrency 200 --json "$OUT/$kind-idle.json"
  stop_servers
  log "$kind: throughput, $CLIENTS clients in $ROOMS rooms, send rates $RATES, ${STEP}s each"
  start_servers "$kind"
  "$LOAD" run --label "$kind" --url "$URLS" --pids "$PIDS_CSV" --clients "$CLIENTS" --rooms "$ROOMS" \
    --rates "$RATES" --duration "$STEP" --drain 3 --json "$OUT/$kind-load.json"
  stop_servers
  stop_redis "$REDIS_PID" "$REDIS_DIR"
  REDIS_PID="" REDIS_DIR=""
}

log "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
log "versions: $(rustc --version), node $(node --version), $(redis-server --version | cut -d' ' -f1-3)"
run_side rust
run_side node

log "comparison (rust = escala-chat, node = socket.io + @socket.io/redis-adapter)"
"$LOAD" compare --load "$OUT/rust-load.json" --idle "$OUT/rust-idle.json" \
  --baseline-load "$OUT/node-load.json" --baseline-idle "$OUT/node-idle.json" | tee "$OUT/comparison.md"
log "raw results in $OUT"

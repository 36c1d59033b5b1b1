# Shared by the workload scripts: paths, cargo settings, a free loopback port, and a throwaway Redis.
# shellcheck shell=bash

WORKLOAD_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR_WORKLOAD:-$HOME/.cache/escala/target-workload}"
# Two cores are shared with other builds on the project machines.
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"

log() { printf '\033[1m[workload]\033[0m %s\n' "$*" >&2; }

# A port the kernel just handed out on 127.0.0.1 (then released), for a server that cannot take port 0.
free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# start_redis VAR_PREFIX: starts redis-server on a free loopback port in its own temp dir, without persistence.
# Sets ${1}_PORT, ${1}_PID and ${1}_DIR. The caller kills it (see stop_redis) from its EXIT trap.
start_redis() {
  local prefix="$1" port dir pid
  port="$(free_port)"
  dir="$(mktemp -d -t escala-redis.XXXXXX)"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
    --logfile "$dir/redis.log" --daemonize no &
  pid=$!
  for _ in $(seq 1 100); do
    if redis-cli -p "$port" ping >/dev/null 2>&1; then break; fi
    sleep 0.1
  done
  redis-cli -p "$port" ping >/dev/null
  printf -v "${prefix}_PORT" '%s' "$port"
  printf -v "${prefix}_PID" '%s' "$pid"
  printf -v "${prefix}_DIR" '%s' "$dir"
}

stop_redis() {
  local pid="$1" dir="$2"
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ -n "$dir" ]; then rm -rf "$dir"; fi
}

# wait_http URL: until the URL answers 200 (at most 20 s).
wait_http() {
  for _ in $(seq 1 200); do
    if node -e "require('http').get(process.argv[1],r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))" "$1"; then
      return 0
    fi
    sleep 0.1
  done
  log "no answer from $1"
  return 1
}

# Shared by the scripts: paths, and running as root or through sudo.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ESCALA_CACHE="${ESCALA_CACHE:-$HOME/.cache/escala}"
# Outside the clone, so repeated runs (and fresh clones in CI) reuse the build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ESCALA_CACHE/target}"
VENV="$ESCALA_CACHE/venv"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    echo "Installing system packages needs root: run as root or install sudo. Wanted: $*" >&2
    exit 1
  fi
}

# What the fargate route builds its image from, named by the variables Escala reads in a source
# checkout: the chat server's release binary (built in the workload's own target dir, where the
# image tests build it too) and the web client that setup.sh bundled; and the chat's load
# generator, which the live sandbox's tests drive it with.
chat_parts() {
  say "Building the chat server for the fargate route's image"
  local target="${CARGO_TARGET_DIR_WORKLOAD:-$ESCALA_CACHE/target-workload}"
  (cd "$ROOT/workload" && CARGO_TARGET_DIR="$target" cargo build -q --locked --release --bin escala-chat --bin escala-chat-load)
  export ESCALA_CHAT_BIN="$target/release/escala-chat"
  export ESCALA_CHAT_LOAD_BIN="$target/release/escala-chat-load"
  export ESCALA_CHAT_WEB="$ROOT/workload/web/dist"
}

# The workspace's version, which the app, the CLI and the packages carry. Windows' runners name
# Python `python` and print CRLF.
workspace_version() {
  local python
  python=$(command -v python3 || command -v python)
  cargo metadata --no-deps --format-version 1 --manifest-path "$ROOT/Cargo.toml" \
    | "$python" -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "escala-desktop"))' \
    | tr -d '\r'
}

# The build a packaging script works on, from its arguments: release, or the test build's with
# `--debug` (see package.sh). Anything else is a usage error.
package_profile() {
  local script=$1
  shift
  case "$*" in
    "") echo release ;;
    --debug) echo debug ;;
    *) echo "usage: $script [--debug]" >&2; return 2 ;;
  esac
}

#!/usr/bin/env bash
# Sets up and opens the Escala desktop app. With no AWS credentials on this machine it offers the
# sandbox (an AWS emulator the app starts itself), so nothing touches a real account.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
"$ROOT/scripts/setup.sh"
cd "$ROOT"

say "Building the web UI"
(cd ui && npm run -s build)
say "Building the app"
cargo build -q -p escala-desktop
chat_parts
APP="$CARGO_TARGET_DIR/debug/escala-desktop"

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  # No screen (a server, CI): run it on a virtual one so the command still works end to end.
  say "No display found: running Escala on a virtual screen (xvfb-run); Ctrl-C quits"
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$APP"
fi
say "Opening Escala"
exec "$APP"

#!/usr/bin/env bash
# Sets up and runs every test: formatting and lints, the engine's unit tests, the integration tests
# on a real AWS emulator (moto server), the fault and crash tests, the OS keyring for real under
# D-Bus with gnome-keyring, the web UI's lint and unit tests, the desktop app driven in a real
# window under Xvfb (screenshots in artifacts/e2e), the release workflow linted, the .deb and .rpm
# built (from the test build's binaries), the .deb installed, opened and removed, and the chat
# workload's tests against a real Redis.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
"$ROOT/scripts/setup.sh"
cd "$ROOT"

say "Web UI: lint, unit tests, build"
(cd ui && npm run -s lint && npm run -s test && npm run -s build)

say "Formatting and lints"
cargo fmt --all -- --check
cargo clippy -q --workspace --all-targets -- -D warnings

say "Building the tests"
cargo test -q --workspace --no-run
chat_parts

# One emulator for the whole run: every test uses stack names of its own.
export ESCALA_HOME="$(mktemp -d)"
trap '"$CARGO_TARGET_DIR/debug/escala" sandbox stop >/dev/null 2>&1 || true; rm -rf "$ESCALA_HOME"' EXIT
ESCALA_TEST_ENDPOINT="$("$CARGO_TARGET_DIR/debug/escala" sandbox start -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["endpoint"])')"
export ESCALA_TEST_ENDPOINT

say "Unit and integration tests (emulator at $ESCALA_TEST_ENDPOINT)"
cargo test --workspace

say "OS keyring and IAM-enforced deploy-user tests (gnome-keyring under a private D-Bus session)"
dbus-run-session -- bash -c '
  echo -n escala-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  cargo test -p escala-cli --test keyring --test iam -- --ignored
'

say "The fargate route's chat in headless Chromium, across two of its sandbox tasks"
cargo test -p escala-cli --test chat_browser -- --ignored

say "The desktop app end to end, in a real window under Xvfb"
xvfb-run -a -s "-screen 0 1280x800x24" cargo test -p escala-desktop --test e2e --test scale_out --test fargate_dashboard --test kubernetes --test compare -- --ignored
say "Screenshots: $ROOT/artifacts/e2e"

say "The release workflow: valid against the workflow schema, every action pinned by commit, its feed script tested"
"$VENV/bin/check-jsonschema" --builtin-schema vendor.github-workflows "$ROOT"/.github/workflows/*.yml
unpinned=$(grep -hE '^[[:space:]-]*uses:' "$ROOT"/.github/workflows/*.yml | grep -vE '@[0-9a-f]{40}([[:space:]]|$)' || true)
[ -z "$unpinned" ] || { echo "actions not pinned by a commit: $unpinned" >&2; exit 1; }
python3 "$ROOT/scripts/release_feed_test.py"

say "The packages (from the test build): built, the .deb installed, opened and removed, the .rpm read"
"$ROOT/scripts/package.sh" --debug
"$ROOT/scripts/install-test.sh" --debug

if [ -x "$ROOT/workload/scripts/test.sh" ]; then
  say "Chat workload tests"
  "$ROOT/workload/scripts/test.sh"
fi
say "All tests passed."

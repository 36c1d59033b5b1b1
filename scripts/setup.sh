#!/usr/bin/env bash
# Installs everything Escala needs on a Debian/Ubuntu machine. Idempotent: a second run only checks.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

APT_PACKAGES=(
  build-essential pkg-config libssl-dev libdbus-1-dev   # compiling (the keyring talks D-Bus)
  python3 python3-venv                                  # the AWS emulator runs in a venv
  dbus dbus-x11 gnome-keyring libsecret-tools           # a real OS keyring for the tests
  redis-server                                          # the chat workload's tests
  docker-registry                                       # an OCI registry for the image push tests
  curl ca-certificates
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev       # the desktop app (Tauri 2 on WebKitGTK)
  libayatana-appindicator3-dev libxdo-dev
  webkit2gtk-driver xvfb xauth imagemagick              # the GUI end-to-end test and its screenshots
  fonts-dejavu-core                                     # text in exported chart PNGs
  python3-gi gir1.2-webkit2-4.1                         # the desktop benchmark's bare-window baseline
  chromium chromium-driver                              # the fargate chat's test in a real browser
  desktop-file-utils rpm man-db                         # the install test: the entry, the .rpm, the man page
)

# Node.js builds the web UI; a machine may already have it from elsewhere than apt.
if ! command -v npm >/dev/null; then APT_PACKAGES+=(nodejs npm); fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "Rust is not installed: install it with rustup (stable), then run this again." >&2
  exit 1
fi
# The test command checks formatting and lints; rustup's minimal profile has neither tool.
if command -v rustup >/dev/null && ! (cargo fmt --version && cargo clippy --version) >/dev/null 2>&1; then
  say "Adding rustfmt and clippy"
  rustup component add rustfmt clippy
fi

# The AWS emulator (moto server), the AWS CLI the benchmark compares against, and parliament,
# which audits the generated IAM policies offline; pinned.
PY_PINS="moto[server]==5.2.5 awscli==1.46.3 parliament==1.6.4 check-jsonschema==0.39.0"
mkdir -p "$ESCALA_CACHE"
if [ ! -x "$VENV/bin/moto_server" ] || [ "$(cat "$VENV/.pins" 2>/dev/null)" != "$PY_PINS" ]; then
  say "Installing the AWS emulator into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check $PY_PINS
  echo "$PY_PINS" > "$VENV/.pins"
fi

# The WebDriver bridge the GUI end-to-end test drives the app through, pinned.
TAURI_DRIVER_VERSION="2.1.0"
if ! "$HOME/.cargo/bin/tauri-driver" --help >/dev/null 2>&1 \
   || [ "$(cat "$ESCALA_CACHE/.tauri-driver" 2>/dev/null)" != "$TAURI_DRIVER_VERSION" ]; then
  say "Installing tauri-driver $TAURI_DRIVER_VERSION"
  cargo install -q tauri-driver --version "$TAURI_DRIVER_VERSION" --locked
  echo "$TAURI_DRIVER_VERSION" > "$ESCALA_CACHE/.tauri-driver"
fi

# The web UI's packages, reinstalled only when the lockfile changed.
stamp="$ROOT/ui/node_modules/.escala-lock-stamp"
if [ ! -f "$stamp" ] || ! cmp -s "$ROOT/ui/package-lock.json" "$stamp"; then
  say "Installing the web UI's packages"
  (cd "$ROOT/ui" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$ROOT/ui/package-lock.json" "$stamp"
fi

if [ -x "$ROOT/workload/scripts/setup.sh" ]; then
  "$ROOT/workload/scripts/setup.sh"
fi
say "Setup complete."

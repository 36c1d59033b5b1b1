#!/usr/bin/env bash
# Builds Escala's release packages, a .deb and an .rpm, with the Tauri CLI: the web UI built for
# production, the app with its custom-protocol feature (the UI inside the binary), the version
# from the workspace. Each package also holds the `escala` CLI on the PATH, its shell completions
# (bash, zsh, fish) and man page generated from its arguments, and the chat's server, load
# generator and web client that the Fargate and EKS routes build their image from. One package,
# not two: the app and the CLI are one engine of one version, and a user who installs one expects
# the other's commands (the app's kubeconfig runs `escala kube token`).
# Prints each package's path, size and sha256. AppImage is left out: Tauri's AppImage bundler
# downloads its tools (linuxdeploy and plugins) while bundling, and Escala's builds fetch nothing
# beyond what the package registries' clients install.
#
# `--debug` packages the test build's binaries instead (under target/debug/bundle): the test
# command installs and opens those, because the packages' layout, dependencies and desktop entry
# don't depend on optimisation, and a cold release build (30 min on 2 cores) would take the test
# command past its hour. Releases are always built optimised.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

PROFILE=$(package_profile "$0" "$@")
CARGO_PROFILE=(--release)
TAURI_PROFILE=()
if [ "$PROFILE" = debug ]; then CARGO_PROFILE=(); TAURI_PROFILE=(--debug); fi

TAURI="$ROOT/ui/node_modules/.bin/tauri"
if [ ! -x "$TAURI" ]; then
  echo "The Tauri CLI is missing (ui/node_modules/.bin/tauri): run ./scripts/setup.sh, which installs the UI's npm packages, @tauri-apps/cli among them." >&2
  exit 1
fi
if ! command -v pkg-config >/dev/null; then
  echo "pkg-config is missing, and with it the way to find the system libraries: install pkg-config (./scripts/setup.sh does)." >&2
  exit 1
fi
for lib in webkit2gtk-4.1 gtk+-3.0 dbus-1; do
  if ! pkg-config --exists "$lib"; then
    echo "The system library $lib is missing: install libwebkit2gtk-4.1-dev libgtk-3-dev libdbus-1-dev (./scripts/setup.sh does)." >&2
    exit 1
  fi
done

VERSION=$(workspace_version)
# The update key signs the bundles, so only the bundler is given it: the builds before it don't see it.
SIGNING_KEY="${TAURI_SIGNING_PRIVATE_KEY:-}"
SIGNING_PASSWORD="${TAURI_SIGNING_PRIVATE_KEY_PASSWORD:-}"
unset TAURI_SIGNING_PRIVATE_KEY TAURI_SIGNING_PRIVATE_KEY_PASSWORD

say "Building the CLI and the chat's parts ($PROFILE)"
cargo build -q "${CARGO_PROFILE[@]}" -p escala-cli
chat_parts

# What the packages carry besides the app, generated fresh under the target dir.
STAGE="$CARGO_TARGET_DIR/package"
rm -rf "$STAGE" && mkdir -p "$STAGE"
CLI="$CARGO_TARGET_DIR/$PROFILE/escala"
"$CLI" completions bash > "$STAGE/escala.bash"
"$CLI" completions zsh > "$STAGE/_escala"
"$CLI" completions fish > "$STAGE/escala.fish"
"$CLI" man | gzip -9n > "$STAGE/escala.1.gz"

# The packages' files and dependencies, as an override of tauri.conf.json: the paths are this
# machine's (the target dir), so they can't be written in the checked-in config.
CONFIG="$STAGE/bundle.json"
VERSION="$VERSION" STAGE="$STAGE" CLI="$CLI" ROOT="$ROOT" python3 - > "$CONFIG" <<'PY'
import json, os
stage, cli, root = os.environ["STAGE"], os.environ["CLI"], os.environ["ROOT"]
files = {
    "/usr/bin/escala": cli,
    "/usr/bin/escala-chat": os.environ["ESCALA_CHAT_BIN"],
    "/usr/bin/escala-chat-load": os.environ["ESCALA_CHAT_LOAD_BIN"],
    "/usr/share/escala/chat-web": os.environ["ESCALA_CHAT_WEB"],
    "/usr/share/bash-completion/completions/escala": f"{stage}/escala.bash",
    "/usr/share/zsh/vendor-completions/_escala": f"{stage}/_escala",
    "/usr/share/fish/vendor_completions.d/escala.fish": f"{stage}/escala.fish",
    "/usr/share/man/man1/escala.1.gz": f"{stage}/escala.1.gz",
}
template = f"{root}/packaging/escala.desktop"
print(json.dumps({
    "version": os.environ["VERSION"],
    "bundle": {
        "license": "Apache-2.0",
        "licenseFile": f"{root}/LICENSE",
        "longDescription": "Escala takes a web app with unpredictable traffic from an empty AWS account to autoscaling that doesn't waste money: EC2 Auto Scaling groups, ECS Fargate or Kubernetes, planned with their monthly cost, applied with live progress, and torn down to nothing. It runs offline in a sandbox too.",
        "linux": {
            # WebKitGTK and GTK are found by the bundler; the keyring is reached over D-Bus.
            "deb": {
                "depends": ["libdbus-1-3"],
                "recommends": ["gnome-keyring"],
                "section": "utils",
                "files": files,
                "desktopTemplate": template,
            },
            "rpm": {
                "depends": ["dbus-libs"],
                "files": files,
                "desktopTemplate": template,
            },
        },
    },
}))
PY

say "Bundling the .deb and the .rpm ($PROFILE build of the app)"
# A release build also takes the release's version check, updater key and feed, and signing.
RELEASE_CONFIG=()
if [ "$PROFILE" = release ]; then
  # It only asks whether there is a key, to say so.
  TAURI_SIGNING_PRIVATE_KEY="${SIGNING_KEY:+set}" "$ROOT/scripts/release-config.sh" > "$STAGE/release.json"
  RELEASE_CONFIG=(--config "$STAGE/release.json")
fi
# Exported in a subshell, never passed as arguments, which any user's `ps` could read.
(
  if [ -n "$SIGNING_KEY" ]; then
    export TAURI_SIGNING_PRIVATE_KEY="$SIGNING_KEY" TAURI_SIGNING_PRIVATE_KEY_PASSWORD="$SIGNING_PASSWORD"
  fi
  exec "$TAURI" build "${TAURI_PROFILE[@]}" --bundles deb,rpm --config "$CONFIG" "${RELEASE_CONFIG[@]}"
)

BUNDLE="$CARGO_TARGET_DIR/$PROFILE/bundle"
for f in "$BUNDLE"/deb/*_"$VERSION"_*.deb "$BUNDLE"/rpm/*-"$VERSION"-*.rpm; do
  printf '%s\t%s bytes\tsha256 %s\n' "$f" "$(stat -c %s "$f")" "$(sha256sum "$f" | cut -d' ' -f1)"
done

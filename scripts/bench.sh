#!/usr/bin/env bash
# Runs the benchmark programs and prints their figures (recorded in BENCHMARKS.md).
#   ./scripts/bench.sh network   escala apply vs a sequential AWS CLI script, 50 ms per call
#   ./scripts/bench.sh fargate   the same, for seed-fargate (the chat's image built and pushed too)
#   ./scripts/bench.sh eks       the same, for seed-eks in eksctl's order, clusters and node groups CREATING 45 s and 35 s
#   ./scripts/bench.sh kube      the in-cluster apply of the demo set vs kubectl diff+apply, 20 ms per request
#   ./scripts/bench.sh image     the chat's image: build and push, cold and warm, beside tar|gzip and curl
#   ./scripts/bench.sh desktop   the app's start to an interactive Connect screen, and its idle memory
#   ./scripts/bench.sh installed the release .deb: its installed size, and the installed app's start and idle memory
#   ./scripts/bench.sh charts    the 7-day scaling dashboard (4 series x 10,080 points) rendered to SVG
#   ./scripts/bench.sh chat      the Rust chat vs the Node reference (workload/scripts/bench.sh)
#   ./scripts/bench.sh balancer  the sandbox load balancer's added latency at 1,000 requests/s
#   ./scripts/bench.sh timeline  the sandbox's scale-out timeline at speed 1 and 10
#   ./scripts/bench.sh timeline-fargate  the chat service's scale-out timeline under chat load, at speed 10
#   ./scripts/bench.sh idle      the sandbox's own CPU and memory with 20 idle instances
#   ./scripts/bench.sh sim       the what-if simulator: 7 days at 1 s for 3 routes, a 500-point sweep, memory
set -euo pipefail
source "$(dirname "$0")/lib.sh"
"$ROOT/scripts/setup.sh"
case "${1:-network}" in
  network)
    cargo build -q --release --manifest-path "$ROOT/Cargo.toml" -p escala-cli -p escala-bench
    "$CARGO_TARGET_DIR/release/bench-network" --latency-ms 50 --runs 3
    ;;
  fargate)
    chat_parts
    cargo build -q --release --manifest-path "$ROOT/Cargo.toml" -p escala-cli -p escala-bench
    "$CARGO_TARGET_DIR/release/bench-network" --latency-ms 50 --runs 3 \
      --spec "$ROOT/examples/seed-fargate.yaml" --script "$ROOT/crates/escala-bench/awscli/seed-fargate.sh"
    ;;
  eks)
    cargo build -q --release --manifest-path "$ROOT/Cargo.toml" -p escala-cli -p escala-bench
    "$CARGO_TARGET_DIR/release/bench-network" --latency-ms 50 --runs "${RUNS:-2}" --eks-create-seconds 45,35 \
      --spec "$ROOT/examples/seed-eks.yaml" --script "$ROOT/crates/escala-bench/awscli/seed-eks.sh"
    ;;
  kube)
    cargo build -q --release --manifest-path "$ROOT/Cargo.toml" -p escala-bench --bin bench-kube
    "$CARGO_TARGET_DIR/release/bench-kube" --latency-ms 20 --runs 5
    ;;
  image)
    chat_parts
    cargo build -q --release --manifest-path "$ROOT/Cargo.toml" -p escala-bench --bin bench-image
    "$CARGO_TARGET_DIR/release/bench-image" --runs 5
    ;;
  desktop)
    (cd "$ROOT/ui" && npm run -s build)
    cargo build -q --release --manifest-path "$ROOT/Cargo.toml" -p escala-desktop -p escala-bench
    # A desktop session has a D-Bus session bus; without one, WebKit and GTK wait on D-Bus autolaunch.
    # Side by side on the same display and session: the app, then the bare web engine's floor.
    # Services the session bus starts (the desktop portal GTK asks for its settings) get the
    # display too, as in a desktop session; without it the first start waits on a failing portal.
    dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
      dbus-update-activation-environment DISPLAY XAUTHORITY
      "$0/release/bench-desktop" --runs 7
      echo "Baseline: a bare WebKitGTK window with the same engine settings"
      "$0/release/bench-desktop" --app "$1/crates/escala-bench/baseline/bare-webkit.py" --runs 5
    ' "$CARGO_TARGET_DIR" "$ROOT"
    ;;
  installed)
    # The packages as users get them (release build), installed with apt, measured as `desktop`
    # measures the build tree's app and beside the same baseline, then removed.
    "$ROOT/scripts/package.sh"
    cargo build -q --release --manifest-path "$ROOT/Cargo.toml" -p escala-bench --bin bench-desktop
    DEB=$(ls "$CARGO_TARGET_DIR"/release/bundle/deb/*_"$(workspace_version)"_*.deb)
    PACKAGE=$(dpkg-deb -f "$DEB" Package)
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$DEB" >/dev/null
    trap 'as_root env DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y -qq "$PACKAGE" >/dev/null' EXIT
    echo "The .deb: $(stat -c %s "$DEB") bytes; installed: $(dpkg-query -W -f '${Installed-Size}' "$PACKAGE") KiB (dpkg's Installed-Size)"
    dpkg -L "$PACKAGE" | while read -r f; do [ -f "$f" ] && echo "$f"; done | xargs du -cb | tail -1 | sed 's/total$/bytes in its files/'
    for f in /usr/bin/escala-desktop /usr/bin/escala /usr/bin/escala-chat /usr/bin/escala-chat-load; do
      echo "  $f: $(stat -c %s "$f") bytes"
    done
    dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
      dbus-update-activation-environment DISPLAY XAUTHORITY
      "$0/release/bench-desktop" --app /usr/bin/escala-desktop --runs 7
      echo "Baseline: a bare WebKitGTK window with the same engine settings"
      "$0/release/bench-desktop" --app "$1/crates/escala-bench/baseline/bare-webkit.py" --runs 5
    ' "$CARGO_TARGET_DIR" "$ROOT"
    ;;
  charts)
    cargo build -q --release --manifest-path "$ROOT/Cargo.toml" -p escala-bench --bin bench-charts
    "$CARGO_TARGET_DIR/release/bench-charts" --runs 20
    ;;
  sim)
    cargo build -q --release --manifest-path "$ROOT/Cargo.toml" -p escala-bench --bin bench-sim
    "$CARGO_TARGET_DIR/release/bench-sim" --runs 5
    ;;
  chat)
    "$ROOT/workload/scripts/bench.sh"
    ;;
  balancer)
    cargo build -q --release --manifest-path "$ROOT/Cargo.toml" -p escala-cli -p escala-bench --bin escala --bin bench-balancer
    "$CARGO_TARGET_DIR/release/bench-balancer" --rps 1000 --seconds 10 --rounds 3
    ;;
  timeline)
    cargo build -q --release --manifest-path "$ROOT/Cargo.toml" -p escala-cli -p escala-bench --bin escala --bin bench-timeline
    "$CARGO_TARGET_DIR/release/bench-timeline" --speed 10
    "$CARGO_TARGET_DIR/release/bench-timeline" --speed 1
    ;;
  timeline-fargate)
    chat_parts
    cargo build -q --release --manifest-path "$ROOT/Cargo.toml" -p escala-cli -p escala-bench --bin escala --bin bench-timeline-fargate
    "$CARGO_TARGET_DIR/release/bench-timeline-fargate" --speed 10
    ;;
  idle)
    cargo build -q --release --manifest-path "$ROOT/Cargo.toml" -p escala-cli -p escala-bench --bin escala --bin bench-idle
    "$CARGO_TARGET_DIR/release/bench-idle" --speed 1 --seconds 60
    ;;
  *)
    echo "usage: $0 [network|fargate|eks|kube|image|desktop|installed|charts|chat|balancer|timeline|timeline-fargate|idle]" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# Sets up and runs Escala in sandbox mode: the AWS emulator on this machine, the seed walkthrough's
# network planned (with its cost), applied and shown. Nothing touches a real AWS account.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
"$ROOT/scripts/setup.sh"

say "Building escala"
cargo build -q --manifest-path "$ROOT/Cargo.toml" -p escala-cli
ESCALA="$CARGO_TARGET_DIR/debug/escala"

"$ESCALA" --sandbox sandbox start
"$ESCALA" --sandbox apply -f "$ROOT/examples/seed-network.yaml" --yes
"$ESCALA" --sandbox status --stack seed
cat <<TXT

The seed network runs in the sandbox. Try:
  $ESCALA --sandbox plan -f $ROOT/examples/seed-network.yaml    # nothing to change
  $ESCALA --sandbox destroy --stack seed                         # tear it down to 0 resources
  $ESCALA sandbox stop                                           # stop the emulator
TXT

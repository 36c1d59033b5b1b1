#!/usr/bin/env bash
# Installs the .deb that scripts/package.sh built, as a user would, and checks it: its declared
# dependencies resolve from Debian's packages, its files land where the Freedesktop conventions
# say, its desktop entry validates, the installed app started from that entry opens on the Connect
# screen (under Xvfb, with a screenshot), the installed CLI runs and starts and stops a sandbox, and
# removing the package leaves none of its files. The .rpm's metadata and file list are read with
# rpm. A failed install leaves no half-installed package: `dpkg --audit` stays clean.
#
# `--debug` tests the packages that `scripts/package.sh --debug` made; without it, the release's.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

PROFILE=$(package_profile "$0" "$@")

fail() { echo "install test: $*" >&2; exit 1; }
VERSION=$(workspace_version)
BUNDLE="$CARGO_TARGET_DIR/$PROFILE/bundle"
DEB=$(ls "$BUNDLE"/deb/*_"$VERSION"_*.deb 2>/dev/null) \
  || fail "no .deb of version $VERSION in $BUNDLE/deb: run scripts/package.sh${1:+ $1} first"
RPM=$(ls "$BUNDLE"/rpm/*-"$VERSION"-*.rpm 2>/dev/null) \
  || fail "no .rpm of version $VERSION in $BUNDLE/rpm: run scripts/package.sh${1:+ $1} first"
PACKAGE=$(dpkg-deb -f "$DEB" Package)

depends=$(dpkg-deb -f "$DEB" Depends)
for lib in libwebkit2gtk-4.1 libgtk-3 libdbus-1; do
  # libdbus is the secret service's client: the keyring is reached over D-Bus.
  [[ "$depends" == *"$lib"* ]] || fail "$DEB doesn't depend on $lib (it depends on: $depends)"
done

if ! xvfb-run -a -s "-screen 0 1280x800x24" true 2>/dev/null; then
  fail "Xvfb can't start a display here (xvfb-run -a true failed): the installed app can't be opened"
fi
[ -z "$(dpkg --audit)" ] || fail "dpkg --audit reports broken packages before the install: $(dpkg --audit)"

say "Installing $DEB with apt"
if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$DEB" >/dev/null; then
  as_root dpkg --purge "$PACKAGE" >/dev/null 2>&1 || true
  [ -z "$(dpkg --audit)" ] || fail "the failed install left a broken package: $(dpkg --audit)"
  fail "apt could not install $DEB (its dependencies must resolve from Debian's packages)"
fi
FILES=$(dpkg -L "$PACKAGE")
# Whatever fails from here, the package and the installed CLI's sandbox don't stay behind.
HOME_DIR=$(mktemp -d)
cleanup() {
  ESCALA_HOME="$HOME_DIR" /usr/bin/escala sandbox stop >/dev/null 2>&1 || true
  rm -rf "$HOME_DIR"
  if dpkg -s "$PACKAGE" >/dev/null 2>&1; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y -qq "$PACKAGE" >/dev/null || true
  fi
}
trap cleanup EXIT

say "Checking where the files landed"
for f in /usr/bin/escala-desktop /usr/bin/escala /usr/bin/escala-chat /usr/bin/escala-chat-load \
         /usr/share/escala/chat-web/index.html \
         /usr/share/bash-completion/completions/escala /usr/share/zsh/vendor-completions/_escala \
         /usr/share/fish/vendor_completions.d/escala.fish /usr/share/man/man1/escala.1.gz; do
  [ -e "$f" ] || fail "$f is not installed"
done
ENTRY=$(echo "$FILES" | grep '^/usr/share/applications/.*\.desktop$') \
  || fail "no desktop entry in /usr/share/applications"
for size in 16x16 24x24 32x32 48x48 64x64 128x128 256x256 512x512; do
  grep -q "^/usr/share/icons/hicolor/$size/apps/" <<<"$FILES" || fail "no $size icon in /usr/share/icons/hicolor"
done
desktop-file-validate "$ENTRY" || fail "$ENTRY doesn't validate"
grep -q '^Comment\[es\]=' "$ENTRY" || fail "$ENTRY has no Spanish comment"
man -l /usr/share/man/man1/escala.1.gz >/dev/null 2>&1 || fail "the man page doesn't render"

say "Running the installed CLI"
[ "$(/usr/bin/escala --version)" = "escala $VERSION" ] || fail "escala --version says '$(/usr/bin/escala --version)'"
ESCALA_HOME="$HOME_DIR" /usr/bin/escala sandbox start >/dev/null || fail "the installed escala could not start a sandbox"
ESCALA_HOME="$HOME_DIR" /usr/bin/escala sandbox stop >/dev/null || fail "the installed escala could not stop its sandbox"

say "Opening the installed app from its desktop entry"
ESCALA_INSTALLED_DESKTOP="$ENTRY" xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test -q -p escala-desktop --test installed -- --ignored

say "Removing the package"
as_root env DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y -qq "$PACKAGE" >/dev/null
left=$(echo "$FILES" | while read -r f; do [ -f "$f" ] && echo "$f"; done || true)
[ -z "$left" ] || fail "files left after the removal: $left"
[ -z "$(dpkg --audit)" ] || fail "dpkg --audit after the removal: $(dpkg --audit)"

say "Reading the .rpm"
# Read whole before grep -q looks: under pipefail, grep quitting at its first match would kill
# rpm with SIGPIPE and fail a check that held.
RPM_INFO=$(rpm -qip "$RPM")
RPM_FILES=$(rpm -qlp "$RPM")
RPM_REQUIRES=$(rpm -qp --requires "$RPM")
grep -q "^Version *: $VERSION" <<<"$RPM_INFO" || fail "$RPM doesn't say version $VERSION"
for f in /usr/bin/escala-desktop /usr/bin/escala /usr/share/man/man1/escala.1.gz; do
  grep -qx "$f" <<<"$RPM_FILES" || fail "$RPM doesn't hold $f"
done
grep -q webkit2gtk <<<"$RPM_REQUIRES" || fail "$RPM doesn't require WebKitGTK"
say "The packages install, open and remove cleanly"

#!/usr/bin/env python3
"""Writes a release's SHA256SUMS and the updater's feed (latest.json) from its files.

Usage: release_feed.py ASSETS_DIR VERSION BASE_URL

ASSETS_DIR holds every file of the draft release; BASE_URL is where they are downloaded from. Each
installer that has a `.sig` beside it (made by the Tauri bundler with the release key) becomes the
feed's entry for its platforms, under the keys the updater plugin looks up: `{os}-{arch}-{bundle}`,
and `{os}-{arch}` for the bundle a platform defaults to. An installer without a signature is left
out of the feed (a user updates it by hand), and said so.
"""
import hashlib
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

# (file name ending, feed keys). The macOS app is universal: one archive serves both architectures.
PLATFORMS = [
    (".app.tar.gz", ["darwin-aarch64-app", "darwin-x86_64-app", "darwin-aarch64", "darwin-x86_64"]),
    ("-setup.exe", ["windows-x86_64-nsis", "windows-x86_64"]),
    (".msi", ["windows-x86_64-msi"]),
    ("_amd64.deb", ["linux-x86_64-deb", "linux-x86_64"]),
    (".x86_64.rpm", ["linux-x86_64-rpm"]),
]


def main(assets: Path, version: str, base: str) -> int:
    files = sorted(p for p in assets.iterdir() if p.is_file() and p.name not in ("SHA256SUMS", "latest.json"))
    if not files:
        print(f"no release files in {assets}", file=sys.stderr)
        return 1
    sums = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}" for p in files]
    (assets / "SHA256SUMS").write_text("\n".join(sums) + "\n")

    platforms = {}
    for p in files:
        for ending, keys in PLATFORMS:
            if not p.name.endswith(ending):
                continue
            sig = p.with_name(p.name + ".sig")
            if not sig.exists():
                print(f"warning: {p.name} has no signature: it is not offered as an update", file=sys.stderr)
                continue
            entry = {"url": f"{base}/{p.name}", "signature": sig.read_text().strip()}
            for key in keys:
                platforms.setdefault(key, entry)
    feed = {
        "version": version,
        "notes": f"Escala {version}",
        "pub_date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "platforms": platforms,
    }
    (assets / "latest.json").write_text(json.dumps(feed, indent=2) + "\n")
    print(f"{len(sums)} files summed; the feed offers {version} to {len(platforms)} platform keys")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1]), sys.argv[2], sys.argv[3].rstrip("/")))

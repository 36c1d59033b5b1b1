#!/usr/bin/env python3
"""Tests release_feed.py on a release's file names as the workflow's jobs upload them."""
import hashlib
import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

SCRIPT = Path(__file__).with_name("release_feed.py")


class ReleaseFeed(unittest.TestCase):
    def run_feed(self, names):
        d = Path(tempfile.mkdtemp())
        for name in names:
            (d / name).write_text(f"contents of {name}\n")
        out = subprocess.run(
            [sys.executable, SCRIPT, d, "1.2.3", "https://example.invalid/dl/"],
            capture_output=True, text=True, check=True,
        )
        return d, json.loads((d / "latest.json").read_text()), out.stderr

    def test_signed_installers_are_offered_under_the_updaters_keys(self):
        d, feed, _ = self.run_feed([
            "Escala_universal.app.tar.gz", "Escala_universal.app.tar.gz.sig",
            "Escala_1.2.3_x64-setup.exe", "Escala_1.2.3_x64-setup.exe.sig",
            "Escala_1.2.3_amd64.deb", "Escala_1.2.3_amd64.deb.sig",
        ])
        self.assertEqual(feed["version"], "1.2.3")
        p = feed["platforms"]
        self.assertEqual(p["darwin-aarch64-app"], p["darwin-x86_64"])
        self.assertEqual(p["windows-x86_64"]["url"], "https://example.invalid/dl/Escala_1.2.3_x64-setup.exe")
        self.assertEqual(p["linux-x86_64-deb"]["signature"], "contents of Escala_1.2.3_amd64.deb.sig")

    def test_unsigned_installers_are_summed_but_not_offered(self):
        d, feed, err = self.run_feed(["Escala_1.2.3_x64_en-US.msi", "Escala-1.2.3-1.x86_64.rpm"])
        self.assertEqual(feed["platforms"], {})
        self.assertIn("has no signature", err)
        sums = (d / "SHA256SUMS").read_text().splitlines()
        digest = hashlib.sha256(b"contents of Escala-1.2.3-1.x86_64.rpm\n").hexdigest()
        self.assertIn(f"{digest}  Escala-1.2.3-1.x86_64.rpm", sums)
        self.assertEqual(len(sums), 2)


if __name__ == "__main__":
    unittest.main()

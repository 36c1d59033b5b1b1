#!/usr/bin/python3
"""The desktop benchmark's baseline: a bare WebKitGTK 4.1 window showing an empty page, with the
same engine settings as the app (src-tauri/src/main.rs). It is the floor of any app on this web
engine here. Like the app, it writes "ui ready" to stderr once its page has loaded, which is when
bench-desktop starts its idle wait.

Run by `scripts/bench.sh desktop` as `bench-desktop --app crates/escala-bench/baseline/bare-webkit.py`.
"""

import os
import sys

# The app's engine settings, set before GTK and WebKit load, as the app does.
for name, value in [
    ("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
    ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
    ("GDK_GL", "disable"),
    ("JSC_useJIT", "0"),
]:
    os.environ.setdefault(name, value)

import gi  # noqa: E402

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import Gtk, WebKit2  # noqa: E402


def loaded(view, event):
    if event == WebKit2.LoadEvent.FINISHED:
        print("ui ready", file=sys.stderr, flush=True)


window = Gtk.Window(title="baseline")
window.set_default_size(1180, 780)  # the app window's size (tauri.conf.json)
view = WebKit2.WebView()
view.connect("load-changed", loaded)
window.add(view)
window.connect("destroy", Gtk.main_quit)
window.show_all()
view.load_html("<!doctype html><title>baseline</title>", "about:blank")
Gtk.main()

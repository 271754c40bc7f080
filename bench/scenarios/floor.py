"""The floor: a bare pywebview window on a static local HTML file."""

from pathlib import Path

import webview

window = webview.create_window("Flasky", (Path(__file__).parent / "floor.html").as_uri())
window.events.loaded += lambda: print("loaded", flush=True)
webview.start(gui="qt")

"""The floor: a bare pywebview window on a static local HTML file."""

import sys
from pathlib import Path

import webview

from desktop.events import PAGE_LOADED, Events
from desktop.settings import WindowGeometry

SIZE = WindowGeometry()  # the app's window at its first launch: as many pixels to render

window = webview.create_window(
    "Flasky", (Path(__file__).parent / "floor.html").as_uri(), width=SIZE.width, height=SIZE.height
)
window.events.loaded += lambda: Events(sys.stdout).emit(PAGE_LOADED)
webview.start(gui="qt")

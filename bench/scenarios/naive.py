"""The naive pattern: app.run() on a thread, sleep a second, then open the window."""

import sys
import threading
import time

import webview

from desktop.events import PAGE_LOADED, Events
from desktop.settings import WindowGeometry
from webapp import create_app

SIZE = WindowGeometry()  # the app's window at its first launch: as many pixels to render

app = create_app()
threading.Thread(target=lambda: app.run(port=5123), daemon=True).start()
time.sleep(1)
window = webview.create_window(
    "Flasky", "http://127.0.0.1:5123/", width=SIZE.width, height=SIZE.height
)
window.events.loaded += lambda: Events(sys.stdout).emit(PAGE_LOADED)
webview.start(gui="qt")

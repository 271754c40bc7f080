"""pywebview's own serving: pass the WSGI app itself as the window's URL."""

import webview

from webapp import create_app

window = webview.create_window("Flasky", create_app())
window.events.loaded += lambda: print("loaded", flush=True)
webview.start(gui="qt")

"""pywebview's own serving: pass the WSGI app itself as the window's URL."""

import sys

import webview

from desktop.events import PAGE_LOADED, Events
from webapp import create_app

window = webview.create_window("Flasky", create_app())
window.events.loaded += lambda: Events(sys.stdout).emit(PAGE_LOADED)
webview.start(gui="qt")

"""pywebview's own serving: pass the WSGI app itself as the window's URL."""

import sys

import webview

from desktop.events import PAGE_LOADED, Events
from desktop.settings import WindowGeometry
from webapp import create_app

SIZE = WindowGeometry()  # the app's window at its first launch: as many pixels to render

window = webview.create_window("Flasky", create_app(), width=SIZE.width, height=SIZE.height)
window.events.loaded += lambda: Events(sys.stdout).emit(PAGE_LOADED)
webview.start(gui="qt")

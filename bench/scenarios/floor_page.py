"""The floor for the app's own page: a bare pywebview window on a static copy of the home page
(same Bootstrap, moment.js and CSS), in a persistent profile as the app's; argv[1]: the copy."""

import shutil
import sys
import tempfile
from pathlib import Path

import webview

from desktop.events import PAGE_LOADED, Events, page_timing
from desktop.settings import WindowGeometry

SIZE = WindowGeometry()  # the app's window at its first launch: as many pixels to render

events = Events(sys.stdout)
window = webview.create_window(
    "Flasky", (Path(sys.argv[1]) / "index.html").as_uri(), width=SIZE.width, height=SIZE.height
)
window.events.shown += lambda: events.milestone("window-shown")
window.events.loaded += lambda: events.emit(PAGE_LOADED, timing=page_timing(window.run_js))
profile = tempfile.mkdtemp()  # a new one each launch, as each launch of the app gets
webview.start(gui="qt", private_mode=False, storage_path=profile)
shutil.rmtree(profile, ignore_errors=True)

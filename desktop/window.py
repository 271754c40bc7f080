"""The native window: pywebview on the app's URL, with menus, and a memory of its geometry,
zoom and theme.

On Linux the window is Qt's, and desktop/native.py gives it the menu bar, shortcuts, zoom,
theme, context menu and link handling; elsewhere (macOS, Windows) pywebview's own menus carry
what pywebview can do.
"""

import json
import logging
import platform
import sys
import threading
import time
import webbrowser
from pathlib import Path
from urllib.parse import urljoin

import webview
from webview.menu import Menu, MenuAction, MenuSeparator

from . import __version__
from .events import PAGE_LOADED, Events, page_timing
from .links import AppPlaces
from .paths import UserPaths, resource_path
from .qt_enums import copy_only_the_enums_the_window_uses
from .settings import MIN_HEIGHT, MIN_WIDTH, AutosavedSettings

log = logging.getLogger(__name__)

TITLE = "Flasky"
QT = sys.platform.startswith("linux")  # pywebview's Qt backend; elsewhere, the system's own
MACOS = sys.platform == "darwin"
LICENCES = (
    "Flasky Desktop: MIT licence. Flask, Werkzeug, Jinja, Click: BSD-3-Clause. "
    "pywebview: BSD-3-Clause. Bootstrap: MIT. Moment.js: MIT."
)
QT_LICENCES = "Qt and Qt WebEngine: LGPL-3.0 (Chromium: BSD-3-Clause and others). PyQt6: GPL-3.0."

# What a page shows, for the page-loaded event: its flashed messages, its numbered lists (the
# names given so far), each Flask-Moment time as the UTC value it came with and the text the
# web engine rendered from it (in the user's zone and language), and how the page was reached
# (a form answered with a redirect has one redirect); its zoom (devicePixelRatio, 1 at 100 %
# on this screen) and its colour scheme (the media query the window answers, the theme Bootstrap
# was given).
PAGE_STATE = """JSON.stringify({
    alerts: [...document.querySelectorAll("[role=alert]")].map(alert => alert.innerText.trim()),
    lists: [...document.querySelectorAll("main ol")].map(
        list => [...list.children].map(item => item.innerText.trim())
    ),
    times: [...document.querySelectorAll("[data-timestamp]")].map(
        time => ({utc: time.dataset.timestamp, shown: time.innerText})
    ),
    navigation: performance.getEntriesByType("navigation").map(
        entry => ({type: entry.type, redirects: entry.redirectCount})
    )[0],
    zoom: window.devicePixelRatio,
    prefersDark: matchMedia("(prefers-color-scheme: dark)").matches,
    theme: document.documentElement.dataset.bsTheme ?? null,
})"""


class AppWindow:
    """The app's one window on ``url``; its geometry, zoom and theme are kept in ``saved``."""

    def __init__(
        self,
        url: str,
        saved: AutosavedSettings,
        paths: UserPaths,
        title: str = TITLE,
        events: Events | None = None,
        debug: bool = False,
    ):
        self.saved = saved
        self.places = AppPlaces(
            home_url=url,
            tour_url=urljoin(url, "/tour"),
            log_folder=paths.log,
            kept_session=paths.kept_session,
        )
        self.events = events or Events()
        self.debug = debug
        initial = saved.settings.window
        self.window = webview.create_window(
            title,
            url,
            width=initial.width,
            height=initial.height,
            x=initial.x,
            y=initial.y,
            min_size=(MIN_WIDTH, MIN_HEIGHT),
            text_select=True,
            zoomable=True,
        )
        self.window.events.resized += self._remember_size
        self.window.events.moved += self._remember_position
        self.window.events.loaded += self._log_page
        self.window.events.shown += lambda: self.events.milestone("window-shown")
        if QT:
            self.window.events.before_show += self._add_native_parts

    def run(self, storage: Path | None) -> None:
        """Show the window and run the GUI loop until it closes; ``storage`` keeps cookies."""
        webview.settings["OPEN_EXTERNAL_LINKS_IN_BROWSER"] = True
        if QT:
            copy_only_the_enums_the_window_uses()
        webview.start(
            gui="qt" if QT else None,
            debug=self.debug,
            private_mode=storage is None,
            storage_path=str(storage) if storage else None,
            menu=[] if QT else self._menu(),
            icon=str(resource_path("webapp", "static", "flasky.svg")),
        )

    def close(self) -> None:
        """Close the window from any thread or a signal handler."""
        threading.Thread(target=self.window.destroy, name="flasky-close").start()

    def bring_to_front(self) -> None:
        """Un-minimize and show the window. (pywebview's only way to raise it, toggling "on
        top", makes Qt re-create the native window twice: a flicker, and lost input.)"""
        self.window.restore()
        self.window.show()

    def _add_native_parts(self) -> None:
        from .native import NativeWindow  # Qt's: imported on the GUI thread, once Qt runs

        native = NativeWindow(self.window.native, self.places, self.saved, about_text, self.debug)
        self.window.events.closing += native.remember_zoom

    def _menu(self) -> list[Menu]:
        """pywebview's menus, where the window is not Qt's: what pywebview can do of the Qt
        window's (desktop/menus.py). On macOS, About goes to the application menu, which has
        Quit (Cmd+Q) and the Edit menu's shortcuts already."""

        def run(script: str):
            return lambda: self.window.run_js(script)

        about = MenuAction("About Flasky", self._show_about)
        menus = [
            Menu("View", [MenuAction("Reload", run("location.reload()"))]),
            Menu(
                "Go",
                [
                    MenuAction("Back", run("history.back()")),
                    MenuAction("Forward", run("history.forward()")),
                    MenuAction("Home", lambda: self.window.load_url(self.places.home_url)),
                ],
            ),
            Menu(
                "Help",
                [
                    MenuAction("The Book Tour", lambda: self.window.load_url(self.places.tour_url)),
                    MenuAction(
                        "Open the Log Folder",
                        lambda: webbrowser.open(self.places.log_folder.as_uri()),
                    ),
                    *([] if MACOS else [MenuSeparator(), about]),
                ],
            ),
        ]
        if MACOS:
            return [Menu("__app__", [about]), *menus]
        return [Menu("File", [MenuAction("Quit", self.window.destroy)]), *menus]

    def _show_about(self) -> None:
        self.window.create_confirmation_dialog("About Flasky", about_text())

    def _remember_size(self, width: int, height: int) -> None:
        self.saved.change_geometry(width=width, height=height)

    def _remember_position(self, x: int, y: int) -> None:
        self.saved.change_geometry(x=x, y=y)

    def _log_page(self) -> None:
        # run_js, not evaluate_js: the latter wraps the script in eval(), which the CSP forbids.
        loaded_at = time.monotonic()
        title = self.window.run_js("document.title")
        url = self.window.get_current_url()
        log.info("Page loaded: %s (%s)", url, title)
        if self.events.enabled:
            shows = json.loads(self.window.run_js(PAGE_STATE))
            timing = page_timing(self.window.run_js)
            self.events.emit(
                PAGE_LOADED, at=loaded_at, url=url, title=title, shows=shows, timing=timing
            )


def about_text(engine: str = "") -> str:
    """Help → About: what Flasky is, the versions it runs on (``engine``: the web engine's, when
    known) and their licences."""

    from importlib.metadata import PackageNotFoundError, version  # for About only

    def installed(name: str) -> str:
        try:
            return f"{name} {version(name)}"
        except PackageNotFoundError:  # a frozen build keeps only some packages' metadata
            return name

    python = f"Python {platform.python_version()}"
    versions = " · ".join([python, installed("Flask"), installed("pywebview")])
    licences = f"{LICENCES} {QT_LICENCES}" if QT else LICENCES
    return (
        f"Flasky Desktop {__version__}\n\n"
        "The Flasky app of Flask Web Development, chapters 1–4, as a desktop app.\n\n"
        + "\n".join(filter(None, [versions, engine]))
        + f"\n\n{licences}"
    )

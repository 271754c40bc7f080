"""The native window: pywebview on the app's URL, with a menu, and a memory of its geometry."""

import json
import logging
import sys
import threading
import time
from importlib.metadata import version
from pathlib import Path

import webview
from webview.menu import Menu, MenuAction, MenuSeparator

from . import __version__
from .events import MILESTONE, PAGE_LOADED, Events
from .paths import resource_path
from .settings import MIN_HEIGHT, MIN_WIDTH, AutosavedGeometry

log = logging.getLogger(__name__)

TITLE = "Flasky"

# What a page shows, for the page-loaded event: its flashed messages, its numbered lists (the
# names given so far), each Flask-Moment time as the UTC value it came with and the text the
# web engine rendered from it (in the user's zone and language), and how the page was reached
# (a form answered with a redirect has one redirect).
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
})"""

# When the web engine fetched, answered, parsed, painted and loaded the page, in milliseconds
# of the page's clock, with that clock's "now" to place them on the monotonic one.
PAGE_TIMING = """JSON.stringify((() => {
    const page = performance.getEntriesByType("navigation")[0] || {};
    const paint = performance.getEntriesByName("first-contentful-paint")[0] || {};
    return {
        now: performance.now(),
        fetch_start: page.fetchStart,
        response_end: page.responseEnd,
        dom_content_loaded: page.domContentLoadedEventEnd,
        first_contentful_paint: paint.startTime,
        load_end: page.loadEventEnd,
    };
})())"""


class AppWindow:
    """The app's one window on ``url``; its geometry is kept (and saved) as the user moves it."""

    def __init__(
        self,
        url: str,
        geometry: AutosavedGeometry,
        title: str = TITLE,
        events: Events | None = None,
    ):
        self.url = url
        self.saved_geometry = geometry
        self.events = events or Events()
        initial = geometry.geometry
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
        self.window.events.shown += lambda: self.events.emit(MILESTONE, name="window-shown")

    def run(self, storage: Path | None) -> None:
        """Show the window and run the GUI loop until it closes; ``storage`` keeps cookies."""
        webview.settings["OPEN_EXTERNAL_LINKS_IN_BROWSER"] = True
        webview.start(
            gui="qt" if sys.platform.startswith("linux") else None,
            private_mode=storage is None,
            storage_path=str(storage) if storage else None,
            menu=self._menu(),
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

    def _menu(self) -> list[Menu]:
        return [
            Menu(
                "Flasky",
                [
                    MenuAction("Home", lambda: self.window.load_url(self.url)),
                    MenuAction("About Flasky", self._show_about),
                    MenuSeparator(),
                    MenuAction("Quit", self.window.destroy),
                ],
            )
        ]

    def _show_about(self) -> None:
        self.window.create_confirmation_dialog(
            "About Flasky",
            f"Flasky Desktop {__version__}\n\n"
            "The Flasky app of Flask Web Development, chapters 1–4, as a desktop app.\n"
            f"Flask {version('flask')} · pywebview {version('pywebview')}",
        )

    def _remember_size(self, width: int, height: int) -> None:
        self.saved_geometry.change(width=width, height=height)

    def _remember_position(self, x: int, y: int) -> None:
        self.saved_geometry.change(x=x, y=y)

    def _log_page(self) -> None:
        # run_js, not evaluate_js: the latter wraps the script in eval(), which the CSP forbids.
        loaded_at = time.monotonic()
        title = self.window.run_js("document.title")
        url = self.window.get_current_url()
        log.info("Page loaded: %s (%s)", url, title)
        if self.events.enabled:
            shows = json.loads(self.window.run_js(PAGE_STATE))
            timing = self._page_timing()
            self.events.emit(
                PAGE_LOADED, at=loaded_at, url=url, title=title, shows=shows, timing=timing
            )

    def _page_timing(self) -> dict[str, float | None]:
        """PAGE_TIMING on the monotonic clock (None for what has not happened)."""
        before = time.monotonic()
        page = json.loads(self.window.run_js(PAGE_TIMING))
        now = (before + time.monotonic()) / 2  # when the page read its clock, give or take
        page_now = page.pop("now")
        return {
            name: round(now - (page_now - value) / 1000, 4) if value else None
            for name, value in page.items()
        }

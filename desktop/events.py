"""What the app tells a program that drives it (the tests, the benchmarks): one JSON object per
line on standard output, with ``--events``. The one definition of them: every reader imports it.

    {"event": "serving", "at": 12.5, "url": "http://127.0.0.1:PORT/", "entry_url": "...?token=..."}
    {"event": "page-loaded", "at": 13.1, "url": "...", "title": "...", "shows": {...},
     "timing": {"fetch_start": 12.9, ...}}
    {"event": "milestone", "at": 12.4, "name": "app-built"}
    {"event": "request", "at": 12.8, "end": 12.9, "method": "GET", "path": "/", "status": 200}

``at`` is when it happened on the system's monotonic clock (``time.monotonic()``, shared by
every process on Linux), so a reader can time it without counting the time it took to tell.
"""

import json
import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

SERVING = "serving"  # the server listens (requests wait for the app); entry_url lets one in
PAGE_LOADED = "page-loaded"  # the window loaded a page; shows: what it shows (PAGE_STATE)
MILESTONE = "milestone"  # a step of the launch (MILESTONES), for a timeline of where time goes
REQUEST = "request"  # the server answered a request: from ``at`` to ``end``; never the query

# The steps of a launch, in the order they usually come, and what each one means.
MILESTONES = {
    "command-line": "Python started, launcher imported",
    "prepared": "user's files, log and config ready",
    "app-built": "Flask imported, app built (its own thread)",
    "window-shown": "window shown (Qt started)",
}


class Events:
    """The events of one launch, written to ``stream`` (standard output), or nowhere."""

    def __init__(self, stream: TextIO | None = None):
        self._stream = stream
        self._lock = threading.Lock()

    @classmethod
    def to_stdout(cls, enabled: bool) -> "Events":
        return cls(sys.stdout if enabled else None)

    @property
    def enabled(self) -> bool:
        return self._stream is not None

    def milestone(self, name: str, at: float | None = None) -> None:
        """A step of the launch: one of MILESTONES (anything else is a programming error)."""
        if name not in MILESTONES:
            raise ValueError(f"{name!r} is not a milestone")
        self.emit(MILESTONE, at=at, name=name)

    def emit(self, event: str, at: float | None = None, **fields) -> None:
        """Write ``event`` with ``fields``; ``at`` (``time.monotonic()``) defaults to now."""
        if self._stream is None:
            return
        at = time.monotonic() if at is None else at
        line = json.dumps({"event": event, "at": at, **fields}, ensure_ascii=False)
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()


class ReportedRequests:
    """WSGI middleware: a ``request`` event for each request ``app`` answers, with its path
    (never the query string, which may hold the entry token). ``end`` is when the body was
    handed to the server: at once for a list or a file (kept as they are, so that the server
    still sends them with their length, or from the file), else once it has been iterated."""

    def __init__(self, app, events: Events):
        self.app = app
        self.events = events

    def __call__(self, environ, start_response):
        started = time.monotonic()
        statuses = []

        def record_status(status, headers, exc_info=None):
            statuses.append(int(status.split()[0]))
            return start_response(status, headers, exc_info)

        def report() -> None:
            self.events.emit(
                REQUEST,
                at=started,
                end=time.monotonic(),
                method=environ["REQUEST_METHOD"],
                path=environ.get("PATH_INFO", ""),
                status=statuses[-1] if statuses else None,
            )

        body = self.app(environ, record_status)
        file_wrapper = environ.get("wsgi.file_wrapper")
        if isinstance(body, list) or (file_wrapper and isinstance(body, file_wrapper)):
            report()
            return body
        return _Answer(body, report)


class _Answer:
    """A WSGI answer's body that calls ``on_close`` once the server has iterated it."""

    def __init__(self, body, on_close):
        self._body = body
        self._on_close = on_close

    def __iter__(self):
        return iter(self._body)

    def close(self) -> None:
        try:
            if hasattr(self._body, "close"):
                self._body.close()
        finally:
            self._on_close()


# When the web engine fetched, answered, parsed, painted and loaded the page, in milliseconds
# of the page's clock, with that clock's "now" to place them on the monotonic one.
PAGE_TIMING = """JSON.stringify((() => {
    const page = performance.getEntriesByType("navigation")[0] || {};
    const paint = performance.getEntriesByName("first-contentful-paint")[0] || {};
    return {
        now: performance.now(),
        fetch_start: page.fetchStart ?? null,
        response_end: page.responseEnd ?? null,
        dom_content_loaded: page.domContentLoadedEventEnd ?? null,
        first_contentful_paint: paint.startTime ?? null,
        load_end: page.loadEventEnd ?? null,
    };
})())"""


def page_timing(run_js: Callable[[str], str]) -> dict[str, float | None]:
    """PAGE_TIMING of the page that ``run_js`` runs scripts in, on the monotonic clock (None
    for what has not happened yet), and ``uncertainty``: how far off those times may be, in
    seconds (half the round trip it took to ask)."""
    before = time.monotonic()
    page = json.loads(run_js(PAGE_TIMING))
    after = time.monotonic()
    now = (before + after) / 2  # when the page read its clock, within ``uncertainty``
    page_now = page.pop("now")
    return {
        **{
            name: round(now - (page_now - value) / 1000, 4) if value else None
            for name, value in page.items()
        },
        "uncertainty": round((after - before) / 2, 4),
    }


def parse_event(line: str) -> dict | None:
    """The event a line of the app's standard output carries, or None for any other line."""
    if not line.startswith("{"):
        return None
    try:
        event = json.loads(line)
    except ValueError:
        return None
    return event if isinstance(event, dict) and "event" in event else None

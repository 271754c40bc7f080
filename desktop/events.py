"""What the app tells a program that drives it (the tests, the benchmarks): one JSON object per
line on standard output, with ``--events``. The one definition of them: every reader imports it.

    {"event": "serving", "at": 12.5, "url": "http://127.0.0.1:PORT/", "entry_url": "...?token=..."}
    {"event": "page-loaded", "at": 13.1, "url": "...", "title": "...", "shows": {...}}

``at`` is when it happened on the system's monotonic clock (``time.monotonic()``, shared by
every process on Linux), so a reader can time it without counting the time it took to tell.
"""

import json
import sys
import threading
import time
from typing import TextIO

SERVING = "serving"  # the server listens (requests wait for the app); entry_url lets one in
PAGE_LOADED = "page-loaded"  # the window loaded a page; shows: what it shows (PAGE_STATE)


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

    def emit(self, event: str, at: float | None = None, **fields) -> None:
        """Write ``event`` with ``fields``; ``at`` (``time.monotonic()``) defaults to now."""
        if self._stream is None:
            return
        at = time.monotonic() if at is None else at
        line = json.dumps({"event": event, "at": at, **fields}, ensure_ascii=False)
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()


def parse_event(line: str) -> dict | None:
    """The event a line of the app's standard output carries, or None for any other line."""
    if not line.startswith("{"):
        return None
    try:
        event = json.loads(line)
    except ValueError:
        return None
    return event if isinstance(event, dict) and "event" in event else None

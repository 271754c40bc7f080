"""SIGTERM and Ctrl-C as a clean request to stop, whatever thread or GUI loop is running."""

import logging
import os
import signal
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class StopSignals:
    """SIGTERM and Ctrl-C, taken as a request to stop from the moment the launch begins.

    The signal handler itself does nothing: Python's wakeup file descriptor carries the
    signal to a watcher thread, which may take locks and touch the window safely.

    A Ctrl-C that the process was started ignoring stays ignored, as Python leaves it: a shell
    without job control ignores it for the commands it runs in the background, which share the
    terminal with the one that it is meant for. SIGTERM, which no shell ignores, always stops
    the app.
    """

    def __init__(self):
        self.requested = threading.Event()
        self._action: Callable[[], None] | None = None
        self._previous: dict[int, object] = {}

    def __enter__(self) -> "StopSignals":
        read_end, write_end = os.pipe()
        os.set_blocking(write_end, False)
        self._pipe = (read_end, write_end)
        self._previous_wakeup = signal.set_wakeup_fd(write_end)
        stopping = [signal.SIGTERM]
        if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
            stopping.append(signal.SIGINT)
        for number in stopping:
            self._previous[number] = signal.signal(number, lambda *_: None)
        threading.Thread(target=self._watch, name="flasky-signals", daemon=True).start()
        return self

    def __exit__(self, *exc_info) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        signal.set_wakeup_fd(self._previous_wakeup)
        os.close(self._pipe[1])

    @property
    def takes_ctrl_c(self) -> bool:
        """Whether Ctrl-C stops the app (it does unless the process was started ignoring it)."""
        return signal.SIGINT in self._previous

    def on_stop(self, action: Callable[[], None]) -> None:
        """Call ``action`` when a stop is requested (at once if it already was)."""
        self._action = action
        if self.requested.is_set():
            action()

    def _watch(self) -> None:
        with os.fdopen(self._pipe[0], "rb", buffering=0) as signals:
            while received := signals.read(1):
                log.info("Received signal %d; stopping.", received[0])
                self.requested.set()
                if self._action:
                    self._action()

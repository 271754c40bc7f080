"""The WSGI server: Waitress on a daemon thread, bound to 127.0.0.1 only."""

import errno
import logging
import mimetypes
import threading
import time
from collections.abc import Callable

from waitress.server import create_server
from waitress.wasyncore import close_all, loop

log = logging.getLogger(__name__)

HOST = "127.0.0.1"


# The types of the files the pages load, over any the system gives them (on Windows, Python
# still reads the registry's, which has called a stylesheet application/x-css). The script
# type is RFC 9239's, which Python's own table gives from 3.12.
PAGE_FILE_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}


def use_pythons_own_file_types() -> None:
    """Send files with the types of Python's own table, not of the system's files
    (/etc/mime.types and others): reading those held up the page's first file by a few
    milliseconds, and one of them may call a script ``text/plain``."""
    mimetypes.knownfiles = []  # the system's files, read by init()
    mimetypes.init()
    for extension, kind in PAGE_FILE_TYPES.items():
        mimetypes.add_type(kind, extension)


class ServerNotReady(RuntimeError):
    """The server did not answer in time."""


class BuiltInBackground:
    """A WSGI app that ``build`` makes on a thread of its own, started at once or, without
    ``start``, by ``start()``; requests that arrive before it is built wait for it. So a server
    can listen from the first moment (the kernel queues connections until it accepts them: no
    race), and the window can start while Flask is imported and the app built."""

    def __init__(self, build: Callable[[], Callable], start: bool = True):
        self._build = build
        self._built = threading.Event()
        self._app: Callable | None = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._make, name="flasky-build", daemon=True)
        if start:
            self.start()

    def start(self) -> None:
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Whether the app is built (or failed to be) within ``timeout`` seconds."""
        return self._built.wait(timeout)

    def _make(self) -> None:
        try:
            self._app = self._build()
        except Exception as error:
            log.exception("The app could not be built.")
            self.error = error
        finally:
            self._built.set()

    def __call__(self, environ, start_response):
        self._built.wait()
        if self._app is None:
            body = b"Flasky could not start. Its log file has the details."
            start_response(
                "503 Service Unavailable",
                [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return self._app(environ, start_response)


class Server:
    """A Waitress server for ``app``, listening from the moment it is created; as a context
    manager, it stops on leaving the block."""

    def __init__(self, app, port: int = 0, threads: int = 8):
        self._server = create_server(
            app,
            host=HOST,
            port=port,
            threads=threads,
            ident="Flasky",
            clear_untrusted_proxy_headers=True,
        )
        self.port = int(self._server.effective_port)
        self.url = f"http://{HOST}:{self.port}/"
        # Waitress keeps its listening socket and connections in this map (not a public
        # attribute); serving it here, rather than with server.run(), lets stop() end the
        # loop first and close the sockets afterwards, from one thread at a time.
        self._sockets = self._server._map
        self._stopping = threading.Event()
        self._thread = threading.Thread(
            target=self._serve_until_stopped, name="flasky-server", daemon=True
        )

    def start(self) -> "Server":
        self._thread.start()
        log.info("Serving on %s", self.url)
        return self

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def wait_until_ready(
        self, timeout: float = 10.0, headers: dict[str, str] | None = None
    ) -> None:
        """Return once the app answers an HTTP request; raise ServerNotReady otherwise."""
        import http.client  # here, not at the top: a window's launch does not wait this way

        deadline = time.monotonic() + timeout
        while True:
            connection = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
            try:
                connection.request("GET", "/", headers=headers or {})
                status = connection.getresponse().status
                if status < 500:
                    return
                problem = f"status {status}"
            except OSError as error:
                problem = str(error)
            finally:
                connection.close()
            if time.monotonic() >= deadline:
                raise ServerNotReady(f"The server on {self.url} did not answer: {problem}.")
            time.sleep(0.01)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, let running requests finish and send their answers, then close."""
        deadline = time.monotonic() + timeout
        self._server.accepting = False
        self._server.pull_trigger()
        self._server.task_dispatcher.shutdown(cancel_pending=False, timeout=timeout)
        while self._unsent_output() and time.monotonic() < deadline:
            time.sleep(0.01)
        self._stopping.set()
        self._server.pull_trigger()
        if self._thread.is_alive():
            self._thread.join(max(0.0, deadline - time.monotonic()))
        close_all(self._sockets)
        log.info("Server on %s stopped", self.url)

    def _serve_until_stopped(self) -> None:
        adjustments = self._server.adj
        while not self._stopping.is_set():
            loop(
                timeout=adjustments.asyncore_loop_timeout,
                map=self._sockets,
                use_poll=adjustments.asyncore_use_poll,
                count=1,
            )

    def _unsent_output(self) -> bool:
        return any(
            getattr(channel, "total_outbufs_len", 0) for channel in list(self._sockets.values())
        )


def start_server(app, port: int = 0) -> Server:
    """Start serving ``app`` on ``port``, or on a free port when ``port`` is 0 or taken."""
    try:
        server = Server(app, port)
    except OSError as error:
        if port == 0 or error.errno not in (errno.EADDRINUSE, errno.EACCES):
            raise
        log.warning("Port %d is not available (%s); using a free port instead.", port, error)
        server = Server(app, 0)
    return server.start()

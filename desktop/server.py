"""The WSGI server: Waitress on a daemon thread, bound to 127.0.0.1 only."""

import errno
import http.client
import logging
import threading
import time

from waitress.server import create_server
from waitress.wasyncore import close_all

log = logging.getLogger(__name__)

HOST = "127.0.0.1"


class ServerNotReady(RuntimeError):
    """The server did not answer in time."""


class Server:
    """A Waitress server for ``app``, listening from the moment it is created."""

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
        self._thread = threading.Thread(target=self._server.run, name="flasky-server", daemon=True)

    def start(self) -> "Server":
        self._thread.start()
        log.info("Serving on %s", self.url)
        return self

    def wait_until_ready(self, timeout: float = 10.0, path: str = "/") -> None:
        """Return once the app answers an HTTP request; raise ServerNotReady otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            connection = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
            try:
                connection.request("GET", path)
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
        self._run_in_loop(self._stop_accepting)
        self._server.task_dispatcher.shutdown(cancel_pending=False, timeout=timeout)
        while self._unsent_output() and time.monotonic() < deadline:
            time.sleep(0.01)
        self._run_in_loop(lambda: close_all(self._server._map))
        if self._thread.is_alive():
            self._thread.join(max(0.0, deadline - time.monotonic()))
        log.info("Server on %s stopped", self.url)

    def _run_in_loop(self, action) -> None:
        """Run ``action`` on the server's own thread, where its sockets may be touched."""
        if self._thread.is_alive():
            self._server.trigger.pull_trigger(action)
        else:
            action()

    def _stop_accepting(self) -> None:
        self._server.accepting = False

    def _unsent_output(self) -> bool:
        # Waitress keeps its connections in the server's socket map (not a public attribute).
        return any(
            getattr(channel, "total_outbufs_len", 0) for channel in list(self._server._map.values())
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

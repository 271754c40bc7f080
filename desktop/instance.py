"""One running app per user: a second launch asks the first to show its window, then exits."""

import hashlib
import hmac
import logging
import sys
import threading
from collections.abc import Callable
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Listener
from pathlib import Path

log = logging.getLogger(__name__)

SHOW = "show"


def instance_address(data_dir: Path) -> str:
    """The local socket (or pipe) name shared by every launch that uses ``data_dir``."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    if sys.platform == "win32":
        return rf"\\.\pipe\flasky-{digest}"
    if sys.platform.startswith("linux"):
        return f"\0flasky-{digest}"  # abstract socket: no file, gone when the process is
    return str(data_dir / f"instance-{digest}.sock")


class SingleInstance:
    """Holds the app's local socket while it runs; ``acquire`` fails when another launch has it.

    As a context manager it tries to acquire on entry (``acquired`` tells) and releases on exit.
    """

    def __init__(self, address: str, secret_key: str):
        self.address = address
        self.acquired = False
        self._authkey = hmac.new(secret_key.encode(), b"single-instance", "sha256").digest()
        self._listener: Listener | None = None

    def __enter__(self) -> "SingleInstance":
        self.acquired = self.acquire()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()

    def acquire(self) -> bool:
        try:
            self._listener = Listener(self.address, authkey=self._authkey)
        except OSError:
            if not self._remove_stale_socket():
                return False
            self._listener = Listener(self.address, authkey=self._authkey)
        return True

    def ask_running_instance_to_show(self) -> bool:
        """Tell the running launch to show its window; False if it did not listen."""
        try:
            with Client(self.address, authkey=self._authkey) as connection:
                connection.send(SHOW)
        except (OSError, EOFError, AuthenticationError) as error:
            log.warning("The running instance did not take the message: %s", error)
            return False
        return True

    def listen(self, on_show: Callable[[], None]) -> None:
        """Call ``on_show`` whenever another launch asks, on a daemon thread."""
        threading.Thread(
            target=self._serve, args=(on_show,), name="flasky-instance", daemon=True
        ).start()

    def release(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def _serve(self, on_show: Callable[[], None]) -> None:
        while (listener := self._listener) is not None:
            try:
                with listener.accept() as connection:
                    message = connection.recv()
            except OSError:
                return  # the listener was closed
            except (EOFError, AuthenticationError) as error:
                log.warning("Ignored a message from another launch: %s", error)
                continue
            if message == SHOW:
                on_show()
                log.info("Another launch asked to show the window.")

    def _remove_stale_socket(self) -> bool:
        """Remove a socket file left by a crashed launch; False if a launch still answers."""
        path = Path(self.address)
        if self.address.startswith(("\0", "\\\\")) or not path.exists():
            return False
        try:
            Client(self.address, authkey=self._authkey).close()
        except ConnectionRefusedError:
            path.unlink(missing_ok=True)
            return True
        except (OSError, EOFError, AuthenticationError):
            return False
        return False

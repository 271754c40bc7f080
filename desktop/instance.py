"""One running app per user: a second launch asks the first to show its window, then exits.

Threat model: other users of the machine, and a launch that froze. The launches meet where only
this user can reach: on Linux and macOS a Unix socket in a folder of mode 0700 that belongs to
the user, and on Linux each end also checks the other's user id (SO_PEERCRED); on Windows a
named pipe. The launch that asks proves it knows the secret key (an HMAC of a fresh challenge),
and each exchange is bounded by ANSWER_TIMEOUT, so nothing that holds the socket but does not
answer can make a launch hang.
"""

import contextlib
import errno
import hashlib
import hmac
import logging
import os
import secrets
import socket
import stat
import struct
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path

log = logging.getLogger(__name__)

ANSWER_TIMEOUT = 2.0  # seconds for a whole exchange: connect, challenge, signature, answer
SHOW, SHOWN, REFUSED = b"show", b"shown", b"refused"
LONGEST_MESSAGE = 64


def instance_address(data_dir: Path, runtime_dir: Path | None) -> str:
    """Where the launches that use ``data_dir`` meet: a named pipe on Windows; elsewhere a
    socket in ``runtime_dir``/flasky if ``runtime_dir`` is private to this user, else in
    ``data_dir``/instance (``acquire`` creates either folder with mode 0700)."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    if sys.platform == "win32":
        return rf"\\.\pipe\flasky-{digest}"
    if runtime_dir is not None:
        problem = folder_problem(runtime_dir)
        if problem is None:
            return str(runtime_dir / "flasky" / f"{digest}.sock")
        log.warning("Not using the runtime folder for the single-instance socket: %s.", problem)
    # Short: a socket's path may have at most 107 bytes.
    return str(data_dir / "instance" / "socket")


def folder_problem(folder: Path) -> str | None:
    """Why ``folder`` is not a folder of this user's that no one else may enter, or None."""
    try:
        status = folder.lstat()
    except OSError as error:
        return f"cannot read {folder}: {error.strerror}"
    if not stat.S_ISDIR(status.st_mode):
        return f"{folder} is not a folder"
    if status.st_uid != os.getuid():
        return f"{folder} belongs to user id {status.st_uid}"
    if status.st_mode & 0o077:
        return f"{folder} is open to other users (mode {stat.S_IMODE(status.st_mode):o})"
    return None


class SingleInstance:
    """Holds the app's local socket while it runs; ``acquire`` fails when another launch has it.

    As a context manager it tries to acquire on entry (``acquired`` tells) and releases on exit.
    """

    def __init__(self, address: str, secret_key: str):
        self.address = address
        self.acquired = False
        self._authkey = hmac.new(secret_key.encode(), b"single-instance", "sha256").digest()
        self._listener: socket.socket | Listener | None = None
        self._on_show: Callable[[], None] | None = None

    def __enter__(self) -> "SingleInstance":
        self.acquired = self.acquire()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()

    def acquire(self) -> bool:
        """Hold the address and answer other launches from now on; False if a running launch
        holds it. A launch that cannot listen at all (no private folder for the socket, say)
        logs why and runs unguarded: refusing to start would lock the user out."""
        try:
            self._listener = _listen(self.address)
        except OSError as error:
            log.warning(
                "Not checking for another launch: cannot listen on %s: %s", self.address, error
            )
            return True
        if self._listener is None:
            return False
        threading.Thread(target=self._serve, name="flasky-instance", daemon=True).start()
        return True

    def ask_running_instance_to_show(self) -> bool:
        """Ask the launch holding the address to show its window; False, logged, if it does
        not say it did within ANSWER_TIMEOUT seconds."""
        deadline = time.monotonic() + ANSWER_TIMEOUT
        try:
            with _connect(self.address, ANSWER_TIMEOUT) as connection:
                challenge = _receive(connection, deadline)
                connection.send_bytes(self._sign(challenge))
                answer = _receive(connection, deadline)
        except (OSError, EOFError) as error:
            log.warning("The launch holding %s did not answer: %r", self.address, error)
            return False
        if answer != SHOWN:
            log.warning("The launch holding %s refused this one's key.", self.address)
            return False
        return True

    def listen(self, on_show: Callable[[], None]) -> None:
        """Call ``on_show`` whenever another launch asks. Until then, a launch that asks is
        told the window is shown: it is about to be."""
        self._on_show = on_show

    def release(self) -> None:
        listener, self._listener = self._listener, None
        if isinstance(listener, socket.socket):
            # Unlinked first, so that a launch starting now binds a file of its own.
            Path(self.address).unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)  # wakes the thread in accept() (Linux)
        if listener is not None:
            listener.close()

    def _serve(self) -> None:
        while (listener := self._listener) is not None:
            try:
                with _accept(listener) as connection:
                    self._answer(connection)
            except (EOFError, ConnectionError):
                log.info("A launch looked for this one and hung up.")
            except OSError as error:
                if self._listener is not None:  # else released: accept() was cut short
                    log.warning("Ignored a connection to the single-instance socket: %r", error)

    def _answer(self, connection: Connection) -> None:
        challenge = secrets.token_bytes(32)
        connection.send_bytes(challenge)
        signature = _receive(connection, time.monotonic() + ANSWER_TIMEOUT)
        if not hmac.compare_digest(signature, self._sign(challenge)):
            connection.send_bytes(REFUSED)
            log.warning("Refused a launch that does not know the secret key.")
            return
        if self._on_show is not None:
            self._on_show()
        connection.send_bytes(SHOWN)
        log.info("Another launch asked to show the window.")

    def _sign(self, challenge: bytes) -> bytes:
        return hmac.new(self._authkey, SHOW + challenge, "sha256").digest()


def _listen(address: str) -> socket.socket | Listener | None:
    """Listen on ``address``; None if a running launch holds it."""
    if sys.platform == "win32":
        try:
            return Listener(address)
        except PermissionError:  # the pipe exists: another process holds it
            return None
    path = Path(address)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    problem = folder_problem(path.parent)
    if problem:
        raise PermissionError(problem)
    if path.exists():
        if _is_listening(address):
            return None
        log.info("Removing the socket of a launch that ended: %s", address)
        path.unlink(missing_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(address)
        listener.listen()
    except OSError as error:
        listener.close()
        if error.errno == errno.EADDRINUSE:  # another launch bound it in the meantime
            return None
        raise
    return listener


def _is_listening(address: str) -> bool:
    """Whether a process listens on the socket file at ``address``, rather than only the
    file being left behind."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(ANSWER_TIMEOUT)
        try:
            probe.connect(address)
        except (ConnectionRefusedError, FileNotFoundError):
            return False
        except OSError:  # a full backlog, say: someone listens, but does not accept
            return True
    return True


def _connect(address: str, timeout: float) -> Connection:
    if sys.platform == "win32":
        return Client(address)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(address)
        sock.setblocking(True)  # from here on, _receive bounds the waits
        return _checked_connection(sock)


def _accept(listener: socket.socket | Listener) -> Connection:
    if isinstance(listener, Listener):
        return listener.accept()
    sock, _ = listener.accept()
    with sock:
        return _checked_connection(sock)


def _checked_connection(sock: socket.socket) -> Connection:
    """multiprocessing's messages over ``sock``, once its other end is known to be this user.
    Where the system does not tell (SO_PEERCRED is Linux's), the private folder alone keeps
    other users out."""
    if hasattr(socket, "SO_PEERCRED"):
        credentials = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        _, uid, _ = struct.unpack("3i", credentials)
        if uid != os.getuid():
            raise PermissionError(f"the other end belongs to user id {uid}")
    return Connection(sock.detach())


def _receive(connection: Connection, deadline: float) -> bytes:
    """The next message, or TimeoutError once ``deadline`` (``time.monotonic()``) has passed."""
    if not connection.poll(max(0.0, deadline - time.monotonic())):
        raise TimeoutError(f"no answer within {ANSWER_TIMEOUT} s")
    return connection.recv_bytes(LONGEST_MESSAGE)

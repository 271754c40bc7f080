"""One running app per user: a second launch asks the first to show its window, then exits.

Threat model: other users of the machine, and a launch that froze. The launches meet where only
this user can reach: on Linux and macOS a Unix socket in a folder of mode 0700 that belongs to
the user, and on Linux each end also checks the other's user id (SO_PEERCRED); on Windows a
named pipe. The launch that asks proves it knows the secret key (an HMAC of a fresh challenge),
and each exchange is bounded by ANSWER_TIMEOUT, so nothing that holds the socket but does not
answer can make a launch hang. (Windows, not tested here: connecting to a busy pipe may wait
longer, and the pipe has neither the private folder nor the user id check.)
"""

import contextlib
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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if sys.platform != "win32":
    import fcntl

if TYPE_CHECKING:  # Windows' pipes: imported where used, not at every launch elsewhere
    from multiprocessing.connection import Listener, PipeConnection

log = logging.getLogger(__name__)

ANSWER_TIMEOUT = 2.0  # seconds for a whole exchange: connect, challenge, signature, answer
SHOW = b"show"  # what the signature signs, with the challenge
CHALLENGE_SIZE = SIGNATURE_SIZE = 32
SHOWN, REFUSED = b"+", b"-"


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
        self._inode: int | None = None  # of the socket file this launch bound
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
        if isinstance(self._listener, socket.socket):
            self._inode = Path(self.address).stat().st_ino
        threading.Thread(target=self._serve, name="flasky-instance", daemon=True).start()
        return True

    def ask_running_instance_to_show(self) -> bool:
        """Ask the launch holding the address to show its window; False, logged, if it does
        not say it did within ANSWER_TIMEOUT seconds."""
        try:
            with _connect(self.address) as channel:
                challenge = channel.receive(CHALLENGE_SIZE)
                channel.send(self._sign(challenge))
                answer = channel.receive(len(SHOWN))
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
            # Unlinked first, so that a launch starting now binds a file of its own; and only
            # if it is still ours, not the socket of a launch that took over a stale file.
            with _address_lock(self.address), contextlib.suppress(OSError):
                if Path(self.address).stat().st_ino == self._inode:
                    Path(self.address).unlink()
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)  # wakes the thread in accept() (Linux)
        if listener is not None:
            listener.close()

    def _serve(self) -> None:
        while (listener := self._listener) is not None:
            try:
                channel = _accept(listener)
            except OSError as error:
                if self._listener is not None:  # else released: accept() was cut short
                    log.warning("Ignored a connection to the single-instance socket: %r", error)
                continue
            # A thread each, so that one that never answers cannot keep the next one waiting.
            threading.Thread(target=self._answer, args=(channel,), daemon=True).start()

    def _answer(self, channel: "_Channel") -> None:
        with channel:
            try:
                self._answer_on(channel)
            except (EOFError, OSError) as error:
                log.info("A launch looked for this one and did not finish: %r", error)
            except Exception:  # showing the window failed: the next launch is answered still
                log.exception("Could not show the window for another launch.")

    def _answer_on(self, channel: "_Channel") -> None:
        challenge = secrets.token_bytes(CHALLENGE_SIZE)
        channel.send(challenge)
        signature = channel.receive(SIGNATURE_SIZE)
        if not hmac.compare_digest(signature, self._sign(challenge)):
            channel.send(REFUSED)
            log.warning("Refused a launch that does not know the secret key.")
            return
        if self._on_show is not None:
            self._on_show()
        channel.send(SHOWN)
        log.info("Another launch asked to show the window.")

    def _sign(self, challenge: bytes) -> bytes:
        return hmac.new(self._authkey, SHOW + challenge, "sha256").digest()


class _Channel:
    """Fixed-size messages over a connected Unix socket (or, on Windows, a pipe), every wait
    bounded by one deadline: ANSWER_TIMEOUT seconds from the connection."""

    def __init__(self, connection: "socket.socket | PipeConnection"):
        self._connection = connection
        self._deadline = time.monotonic() + ANSWER_TIMEOUT

    def __enter__(self) -> "_Channel":
        return self

    def __exit__(self, *exc_info) -> None:
        self._connection.close()

    def _time_left(self) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no answer within {ANSWER_TIMEOUT} s")
        return left

    def send(self, message: bytes) -> None:
        if not isinstance(self._connection, socket.socket):  # a Windows pipe
            self._connection.send_bytes(message)
            return
        self._connection.settimeout(self._time_left())
        self._connection.sendall(message)

    def receive(self, size: int) -> bytes:
        """The next ``size`` bytes; EOFError if the other end hangs up first."""
        if not isinstance(self._connection, socket.socket):  # a Windows pipe
            if not self._connection.poll(self._time_left()):
                raise TimeoutError(f"no answer within {ANSWER_TIMEOUT} s")
            return self._connection.recv_bytes(size)
        received = b""
        while len(received) < size:
            self._connection.settimeout(self._time_left())
            chunk = self._connection.recv(size - len(received))
            if not chunk:
                raise EOFError("the other end hung up")
            received += chunk
        return received


@contextlib.contextmanager
def _address_lock(address: str) -> Iterator[None]:
    """Hold the lock that launches take to look at, replace or remove the socket file, so that
    two launches finding a stale one cannot both take its place."""
    with Path(f"{address}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _listen(address: str) -> "socket.socket | Listener | None":
    """Listen on ``address``; None if a running launch holds it."""
    if sys.platform == "win32":
        from multiprocessing.connection import Listener

        try:
            return Listener(address)
        except PermissionError:  # the pipe exists: another process holds it
            return None
    path = Path(address)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    problem = folder_problem(path.parent)
    if problem:
        raise PermissionError(problem)
    with _address_lock(address):
        if path.exists():
            if _is_listening(address):
                return None
            log.info("Removing the socket of a launch that ended: %s", address)
            path.unlink(missing_ok=True)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(address)
            listener.listen()
        except OSError:
            listener.close()
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


def _connect(address: str) -> _Channel:
    if sys.platform == "win32":
        from multiprocessing.connection import Client

        return _Channel(Client(address))
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(ANSWER_TIMEOUT)
        sock.connect(address)
        _check_peer(sock)
    except BaseException:
        sock.close()
        raise
    return _Channel(sock)


def _accept(listener: "socket.socket | Listener") -> _Channel:
    if not isinstance(listener, socket.socket):  # a Windows pipe's Listener
        return _Channel(listener.accept())
    sock, _ = listener.accept()
    try:
        _check_peer(sock)
    except BaseException:
        sock.close()
        raise
    return _Channel(sock)


def _check_peer(sock: socket.socket) -> None:
    """Refuse the other end of ``sock`` unless it is this user. Where the system does not tell
    (SO_PEERCRED is Linux's), the private folder alone keeps other users out."""
    if hasattr(socket, "SO_PEERCRED"):
        credentials = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("iII"))
        _, uid, _ = struct.unpack("iII", credentials)
        if uid != os.getuid():
            raise PermissionError(f"the other end belongs to user id {uid}")

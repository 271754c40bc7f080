"""Run ``python main.py`` (or the frozen app) as a user would, in a home folder of its own,
and follow what it does through its events (``desktop.events``) and its log file."""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import psutil

from desktop.client import AppClient
from desktop.events import SERVING, parse_event

ROOT = Path(__file__).resolve().parents[1]


class AppFailed(AssertionError):
    """The app did not do what was waited for: it exited, or it took too long."""


ENVIRONMENT_TO_DROP = {
    "DISPLAY",
    "WAYLAND_DISPLAY",
    "QT_QPA_PLATFORM",
    "FLASKY_SECRET_KEY",
    "SECRET_KEY",
}
SOURCE_COMMAND = (sys.executable, str(ROOT / "main.py"))


def user_environment(home: Path, display: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a user whose files all live under ``home`` (its login session's
    runtime folder made, private, as the system makes it)."""
    env = {key: value for key, value in os.environ.items() if key not in ENVIRONMENT_TO_DROP}
    (home / "runtime").mkdir(mode=0o700, parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_RUNTIME_DIR=str(home / "runtime"),
    )
    if display:
        env["DISPLAY"] = display
    env.update(extra)
    return env


def run_main(
    *args: str,
    env: dict[str, str],
    timeout: float = 60,
    command: Sequence[str] = SOURCE_COMMAND,
) -> subprocess.CompletedProcess:
    """Run the app to its end and return what it printed."""
    return subprocess.run(
        [*command, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


class AppProcess:
    """A running launch of the app with ``--events`` (or of any program that writes the same
    events), followed through its events and its log file. As a context manager, it is killed
    with its whole process tree on leaving the block, if it is still running."""

    def __init__(
        self,
        *args: str,
        env: dict[str, str],
        command: Sequence[str] = SOURCE_COMMAND,
    ):
        self.log_file = Path(env["XDG_STATE_HOME"]) / "Flasky" / "log" / "flasky.log"
        self.log_start = self.log_file.stat().st_size if self.log_file.exists() else 0
        self._arrivals: list[tuple[float, dict]] = []  # (time.monotonic() when read, event)
        self._text: list[str] = []  # every other line it printed, stdout and stderr
        self._changed = threading.Condition()
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [*command, "--events", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            start_new_session=True,  # a process group of its own, killed as one
        )
        self._readers = [
            threading.Thread(target=self._read, args=(stream,), daemon=True)
            for stream in (self.process.stdout, self.process.stderr)
        ]
        for reader in self._readers:
            reader.start()

    def __enter__(self) -> "AppProcess":
        return self

    def __exit__(self, *exc_info) -> None:
        self.kill()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _read(self, stream) -> None:
        for line in stream:
            event = parse_event(line)
            with self._changed:
                if event is None:
                    self._text.append(line)
                else:
                    self._arrivals.append((time.monotonic(), event))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def events(self, kind: str | None = None) -> list[dict]:
        """The events it wrote so far, of ``kind`` if given, in order."""
        with self._changed:
            return [event for _, event in self._arrivals if kind in (None, event["event"])]

    def wait_for_event(self, kind: str, timeout: float = 60, **fields) -> dict:
        """The first event of ``kind`` whose fields have the given values, once written."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for _, event in self._arrivals:
                    if event["event"] == kind and all(
                        event.get(name) == value for name, value in fields.items()
                    ):
                        return event
                if self.process.poll() is not None and not any(
                    reader.is_alive() for reader in self._readers
                ):
                    raise AppFailed(
                        f"the app exited before a {kind} event {fields}:\n"
                        f"{''.join(self._text)}\n{self.log()}"
                    )
                if time.monotonic() >= deadline:
                    raise AppFailed(f"no {kind} event {fields} within {timeout}s:\n{self.log()}")
                self._changed.wait(0.1)

    def seconds_until(self, event: dict) -> float:
        """Seconds from starting the process to ``event``: to when it happened, by its ``at``
        (the monotonic clock every process shares), else to when it was read."""
        if "at" in event:
            return event["at"] - self.started
        with self._changed:
            return next(at for at, seen in self._arrivals if seen is event) - self.started

    @property
    def entry_url(self) -> str:
        return self.wait_for_event(SERVING)["entry_url"]

    @property
    def port(self) -> int:
        return int(self.wait_for_event(SERVING)["url"].rsplit(":", 1)[1].rstrip("/"))

    def client(self, cookies: dict[str, str] | None = None) -> AppClient:
        """A client let in through the app's entry URL, keeping ``cookies``."""
        return AppClient.enter(self.entry_url, cookies)

    def log(self) -> str:
        """What this launch wrote to its log file."""
        if not self.log_file.exists():
            return ""
        with self.log_file.open(encoding="utf-8") as file:
            file.seek(self.log_start)
            return file.read()

    def wait_for_log(self, text: str, timeout: float = 60) -> None:
        """Wait until the log of this launch has ``text``."""
        deadline = time.monotonic() + timeout
        while text not in self.log():
            if self.process.poll() is not None and text not in self.log():
                raise AppFailed(f"the app exited early:\n{self.output()}\n{self.log()}")
            if time.monotonic() >= deadline:
                raise AppFailed(f"no {text!r} in the log within {timeout}s:\n{self.log()}")
            time.sleep(0.05)

    def descendants(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children(recursive=True)

    def send(self, signal_number: int = signal.SIGTERM) -> None:
        self.process.send_signal(signal_number)

    def wait(self, timeout: float = 20) -> int:
        """Its exit status; killed, and AppFailed, if it runs on past ``timeout``."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AppFailed(f"the app did not exit within {timeout}s:\n{self.log()}") from None

    def output(self) -> str:
        """Everything but events that it printed, once it has exited."""
        self.process.wait(10)
        for reader in self._readers:
            reader.join(10)
        with self._changed:
            return "".join(self._text)

    def kill(self) -> None:
        """Kill its whole process group at once with SIGKILL, as a crash or a power cut would:
        the app and every process it started, even those that outlived it."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

"""Run ``python main.py`` (or the frozen app) as a user would, in a home folder of its own."""

import functools
import os
import re
import select
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
ENVIRONMENT_TO_DROP = {
    "DISPLAY",
    "WAYLAND_DISPLAY",
    "QT_QPA_PLATFORM",
    "FLASKY_SECRET_KEY",
    "SECRET_KEY",
}
SOURCE_COMMAND = (sys.executable, str(ROOT / "main.py"))


def user_environment(home: Path, display: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a user whose files all live under ``home``."""
    env = {key: value for key, value in os.environ.items() if key not in ENVIRONMENT_TO_DROP}
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
    return subprocess.run(
        [*command, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


class AppProcess:
    """A running launch of the app, watched through its log file."""

    def __init__(
        self,
        home: Path,
        *args: str,
        env: dict[str, str],
        command: Sequence[str] = SOURCE_COMMAND,
    ):
        self.home = home
        self.log_file = Path(env["XDG_STATE_HOME"]) / "Flasky" / "log" / "flasky.log"
        self.log_start = self.log_file.stat().st_size if self.log_file.exists() else 0
        self._stdout_read: list[str] = []
        self.process = subprocess.Popen(
            [*command, *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )

    def log(self) -> str:
        if not self.log_file.exists():
            return ""
        with self.log_file.open(encoding="utf-8") as file:
            file.seek(self.log_start)
            return file.read()

    def wait_for_log(self, pattern: str, timeout: float = 60) -> re.Match:
        """Wait until the log of this launch has a line matching ``pattern``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if match := re.search(pattern, self.log()):
                return match
            if self.process.poll() is not None:
                raise AssertionError(f"the app exited early:\n{self.output()}\n{self.log()}")
            time.sleep(0.05)
        raise AssertionError(f"no log line matching {pattern!r} within {timeout}s:\n{self.log()}")

    @property
    def port(self) -> int:
        return int(self.wait_for_log(r"Serving on http://127\.0\.0\.1:(\d+)/").group(1))

    @functools.cached_property
    def entry_url(self) -> str:
        """The tokenized address that ``--serve`` prints first."""
        ready, _, _ = select.select([self.process.stdout], [], [], 60)
        assert ready, f"nothing printed within 60s:\n{self.log()}"
        line = self.process.stdout.readline()
        self._stdout_read.append(line)
        match = re.search(r"serving on (http://\S+) ", line)
        assert match, f"no address in {line!r}:\n{self.log()}"
        return match.group(1)

    def descendants(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children(recursive=True)

    def send(self, signal_number: int = signal.SIGTERM) -> None:
        self.process.send_signal(signal_number)

    def wait(self, timeout: float = 20) -> int:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"the app did not exit within {timeout}s:\n{self.log()}") from None

    def output(self) -> str:
        stdout, stderr = self.process.communicate(timeout=10)
        return "".join(self._stdout_read) + stdout + stderr

    def kill(self) -> None:
        for process in [*self.descendants(), psutil.Process(self.process.pid)]:
            process.kill()


class Browser:
    """A minimal browser: keeps cookies, follows redirects, submits the name form."""

    def __init__(self, entry_url: str, cookies: urllib.request.HTTPCookieProcessor | None = None):
        self.cookies = cookies or urllib.request.HTTPCookieProcessor()
        self.opener = urllib.request.build_opener(self.cookies)
        self.base = entry_url.split("?")[0]
        self.opener.open(entry_url, timeout=10).read()

    def get(self, path: str = "/") -> str:
        return self.opener.open(self.base.rstrip("/") + path, timeout=10).read().decode()

    def submit_name(self, name: str) -> str:
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get()).group(1)
        data = f"name={name}&csrf_token={token}".encode()
        return self.opener.open(self.base, data=data, timeout=10).read().decode()

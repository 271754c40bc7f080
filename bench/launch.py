"""Launch, memory and shutdown of the app's window against the usual ways of doing it.

Every scenario is a process that opens a window called "Flasky" and reports the page's load
event; we time process start -> load event, sum the memory of its whole process tree once the
page is loaded, then ask the window to close (as a window manager does) and time the exit.
"""

import contextlib
import os
import select
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from tests.app_process import user_environment
from tests.x11 import Screen

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "bench" / "scenarios"


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    command: list[str]
    loaded_marker: str


def scenarios() -> list[Scenario]:
    python = sys.executable
    return [
        Scenario(
            "floor",
            "bare pywebview window on a static local HTML file",
            [python, str(SCENARIOS / "floor.py")],
            "loaded",
        ),
        Scenario(
            "flasky",
            "this app: `python main.py`",
            [python, str(ROOT / "main.py"), "--debug"],
            "Page loaded",
        ),
        Scenario(
            "naive",
            "`app.run()` on a thread, `time.sleep(1)`, then the window",
            [python, str(SCENARIOS / "naive.py")],
            "loaded",
        ),
        Scenario(
            "builtin",
            "pywebview serving the app itself: `create_window(url=app)`",
            [python, str(SCENARIOS / "builtin.py")],
            "loaded",
        ),
    ]


def tree_rss_mib(process: psutil.Process) -> float:
    members = [process, *process.children(recursive=True)]
    total = 0
    for member in members:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += member.memory_info().rss
    return total / 2**20


def wait_for_line(process: subprocess.Popen, marker: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    buffer = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.05)
        if ready:
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                raise RuntimeError(
                    f"exited before loading: {buffer.decode(errors='replace')[-2000:]}"
                )
            buffer += chunk
            if marker.encode() in buffer:
                return
    raise RuntimeError(f"no {marker!r} within {timeout}s")


def drain(process: subprocess.Popen) -> None:
    while select.select([process.stdout], [], [], 0)[0] and os.read(process.stdout.fileno(), 65536):
        pass


def run_once(
    scenario: Scenario, screen: Screen, command: list[str] | None = None, cache: Path | None = None
) -> dict[str, float]:
    """One launch: seconds to the load event, tree RSS in MiB, seconds from close to exit.

    Each launch gets a new home folder; ``cache``, if given, is its cache folder instead.
    """
    with tempfile.TemporaryDirectory() as home:
        env = user_environment(Path(home), display=screen.name, PYTHONPATH=str(ROOT))
        if cache:
            env["XDG_CACHE_HOME"] = str(cache)
        if os.geteuid() == 0:  # as the app itself does: Chromium's sandbox cannot run as root
            env["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
        started = time.perf_counter()
        process = subprocess.Popen(
            command or scenario.command,
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_line(process, scenario.loaded_marker)
            loaded = time.perf_counter() - started
            time.sleep(0.5)  # let the page settle before weighing the process tree
            rss = tree_rss_mib(psutil.Process(process.pid))
            drain(process)
            window = screen.find_window("Flasky")
            closing = time.perf_counter()
            screen.ask_to_close(window)
            while process.poll() is None:
                drain(process)
                time.sleep(0.005)
                if time.perf_counter() - closing > 30:
                    raise RuntimeError("did not exit within 30s of the close request")
            closed = time.perf_counter() - closing
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
    return {"load_s": loaded, "rss_mib": rss, "close_s": closed}


def import_seconds(statement: str, runs: int = 3) -> float:
    """The fastest, over ``runs`` fresh interpreters, of the imports ``statement`` makes."""
    times = []
    for _ in range(runs):
        report = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", statement],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stderr
        top_level = [
            int(cumulative)
            for _, cumulative, name in (line.split("|") for line in report.splitlines()[1:])
            if not name.startswith("   ")  # nested imports are indented under their importer
        ]
        times.append(sum(top_level) / 1e6)
    return min(times)

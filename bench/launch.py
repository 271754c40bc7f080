"""Launch, memory and shutdown of the app's window against the usual ways of doing it.

Every scenario is a process that opens a window called "Flasky" and reports the page's load
as a page-loaded event (``desktop.events``); we time process start -> that event and -> the
first frame of the page on screen (from the X server), sum the memory of its whole process
tree once the page is loaded, then ask the window to close (as a window manager does) and time
the exit. The app's own events (milestones, requests, the engine's timing) place each step of
its launch on the same clock: ``launch_steps``.
"""

import contextlib
import fcntl
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import psutil

from desktop.events import MILESTONE, MILESTONES, PAGE_LOADED, REQUEST, SERVING
from desktop.selftest import page_resources
from freeze.cache import APP_NAME, UNPACK_LOCK
from harness.process import ROOT, AppFailed, AppProcess, user_environment
from harness.x11 import FirstPaint, Screen

SCENARIOS = ROOT / "bench" / "scenarios"
SETTLED_WITHIN = 60  # seconds for a one file's first launch to put its build on disk


class LaunchFailed(Exception):
    """A launch did not load its page, or did not close cleanly."""


FLOOR_PAGE = "floor-page"  # the scenario every launch is compared with


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    command: list[str]


def scenarios(home_page_copy: Path) -> list[Scenario]:
    """The launches to compare; ``home_page_copy``: a folder made by ``copy_home_page``."""
    python = sys.executable
    return [
        Scenario(
            "floor",
            "bare pywebview window on a one-line static HTML file",
            [python, str(SCENARIOS / "floor.py")],
        ),
        Scenario(
            FLOOR_PAGE,
            "bare pywebview window on a static copy of the app's home page, persistent profile",
            [python, str(SCENARIOS / "floor_page.py"), str(home_page_copy)],
        ),
        Scenario("flasky", "this app: `python main.py`", [python, str(ROOT / "main.py")]),
        Scenario(
            "naive",
            "`app.run()` on a thread, `time.sleep(1)`, then the window",
            [python, str(SCENARIOS / "naive.py")],
        ),
        Scenario(
            "builtin",
            "pywebview serving the app itself: `create_window(url=app)`",
            [python, str(SCENARIOS / "builtin.py")],
        ),
    ]


def copy_home_page(folder: Path) -> Path:
    """A static copy in ``folder`` of the home page the app serves now, with every file it
    loads, at the same relative places: the page of the floor-page scenario."""
    with (
        tempfile.TemporaryDirectory() as home,
        AppProcess("--serve", env=user_environment(Path(home))) as app,
    ):
        client = app.client()
        page = client.get("/").text
        for resource in page_resources(page).resources:
            path = urlsplit(resource).path
            answer = client.get(path)
            if answer.status != 200:
                raise LaunchFailed(f"{path} answered {answer.status} while copying the home page")
            (folder / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
            (folder / path.lstrip("/")).write_bytes(answer.body)
            page = page.replace(f'"{resource}"', f'"{path.lstrip("/")}"')
        client.close()
    (folder / "index.html").write_text(page, encoding="utf-8")
    return folder


def tree_rss_mib(process: psutil.Process) -> float:
    members = [process, *process.children(recursive=True)]
    total = 0
    for member in members:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += member.memory_info().rss
    return total / 2**20


def run_once(command: list[str], screen: Screen, cache: Path | None = None) -> dict:
    """One launch of ``command`` with ``--events``: seconds to the page-loaded event and to the
    page's first frame on screen, tree RSS in MiB, seconds from the close request to the exit,
    and the seconds to each step of the launch (``launch_steps``). Raises LaunchFailed.

    Each launch gets a new home folder; ``cache``, if given, is its cache folder instead. A
    one file's first launch is over once its build is settled on disk: its writes must not
    slow the launch after it.
    """
    with tempfile.TemporaryDirectory() as home:
        env = user_environment(Path(home), display=screen.name, PYTHONPATH=str(ROOT))
        if cache:
            env["XDG_CACHE_HOME"] = str(cache)
        builds = Path(env["XDG_CACHE_HOME"]) / APP_NAME / "builds"
        if os.geteuid() == 0:  # as the app itself does: Chromium's sandbox cannot run as root
            env["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
        with (
            settled_at_the_end(builds),
            FirstPaint(screen.name, "Flasky") as watch,
            AppProcess(env=env, command=command) as app,
        ):
            try:
                loaded = app.wait_for_event(PAGE_LOADED)
                painted = watch.first_paint()  # once the page settled: then weigh the tree
                if painted is None:
                    raise LaunchFailed(f"{' '.join(command)}: its page never showed on screen")
                process = psutil.Process(app.pid)
                rss = tree_rss_mib(process)
                steps = launch_steps(app, process, loaded, painted)
                window = screen.find_window("Flasky")
                closing = time.perf_counter()
                screen.ask_to_close(window)
                status = app.wait(30)
                closed = time.perf_counter() - closing
            except AppFailed as error:
                raise LaunchFailed(str(error).splitlines()[0]) from None
    if status != 0:
        raise LaunchFailed(f"{' '.join(command)} exited with {status} after closing")
    return {
        "load_s": steps["page loaded (load event)"],
        "paint_s": steps["page on screen (X server)"],
        "rss_mib": rss,
        "close_s": closed,
        "steps": steps,
    }


@contextlib.contextmanager
def settled_at_the_end(builds: Path) -> Iterator[None]:
    """On leaving the block, however, wait until no launch unpacks into the one file's
    ``builds`` folder or puts a build it unpacked on disk (the process doing that holds the
    unpacking lock), if there is one; LaunchFailed after ``SETTLED_WITHIN`` seconds."""
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError), (builds / UNPACK_LOCK).open() as unpacking:
            deadline = time.monotonic() + SETTLED_WITHIN
            while not locked(unpacking):
                if time.monotonic() > deadline:
                    raise LaunchFailed(f"a build in {builds} not on disk in {SETTLED_WITHIN} s")
                time.sleep(0.05)


def locked(file: IO) -> bool:
    """Whether a shared lock on ``file`` was taken at once."""
    try:
        fcntl.flock(file, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def started_at(pid: int) -> float:
    """When process ``pid`` started, on the monotonic clock, to the kernel's tick (10 ms).
    (psutil's create_time() goes through the boot time in whole seconds.)"""
    stat = Path(f"/proc/{pid}/stat").read_text()
    ticks = int(stat.rsplit(")", 1)[1].split()[19])  # field 22, after the command's name
    since_boot = ticks / os.sysconf("SC_CLK_TCK")
    return since_boot - (time.clock_gettime(time.CLOCK_BOOTTIME) - time.monotonic())


def launch_steps(
    app: AppProcess, process: psutil.Process, loaded: dict, painted: float
) -> dict[str, float]:
    """Seconds from process start to each step of the launch that the app told or that shows
    from outside, in the order they happen in a launch of this app; a step that a scenario
    does not tell (a bare window has no server) is left out."""
    at = {MILESTONES[event["name"]]: event["at"] for event in app.events(MILESTONE)}
    serving = app.events(SERVING)
    if serving:
        at["server listening"] = serving[0]["at"]
    engine = [
        started_at(child.pid)
        for child in process.children(recursive=True)
        if "QtWebEngine" in child.name()
    ]
    if engine:
        at["web engine process started"] = min(engine)
    requests = app.events(REQUEST)
    if requests:
        at["first request arrives"] = requests[0]["at"]
        page = next((r for r in requests if r["path"] == "/" and r["status"] == 200), requests[0])
        at["home page request arrives"] = page["at"]
        at["home page answered"] = page["end"]
    timing = loaded.get("timing") or {}
    for name, step in (
        ("fetch_start", "page requested (engine)"),
        ("response_end", "page received (engine)"),
        ("dom_content_loaded", "page parsed, scripts run (DOMContentLoaded)"),
        ("first_contentful_paint", "first contentful paint (engine)"),
    ):
        if timing.get(name):
            at[step] = timing[name]
    at["page loaded (load event)"] = loaded["at"]
    at["page on screen (X server)"] = painted
    return {
        step: round(moment - app.started, 3)
        for step, moment in sorted(at.items(), key=lambda item: item[1])
    }


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

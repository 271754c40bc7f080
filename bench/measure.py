"""Size and launch time of the frozen builds (``make measure``): the README's figures.

Each launch opens the real window on a virtual X screen, in a new home folder, and is timed from
process start to its page-loaded event; launches of the builds take turns, so a busy
machine slows them alike. Each build is timed twice over: at a first launch, with an empty cache
(where the one file unpacks its folder build), and at later launches, with the cache of the
launches before (the one file runs its build from there), and compared with the folder build
launched the same way. For each way, the time to its first window on screen as well: the
splash, on a one file's first launch.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.launch import LaunchFailed, run_once
from freeze.splash import TITLE as SPLASH
from harness.x11 import Screen, WindowsShown, virtual_screen

FIRST_WINDOW = "first window shown (the splash, at a first launch)"
SPLASH_HIDDEN = "splash hidden (the folder build takes over)"
APP_WINDOW = "app's window shown"
LOADED = "page loaded (load event)"  # as run_once names it


def launch_seconds(command: list[str], screen: Screen, cache: Path | None = None) -> float:
    """Seconds from starting ``command`` to the app page loaded in its window."""
    return run_once(command, screen, cache=cache)["load_s"]


def launch_steps(command: list[str], screen: Screen, cache: Path | None = None) -> dict:
    """Seconds from starting ``command`` to each step of its launch (``run_once``), and to its
    first window on screen (``FIRST_WINDOW``, from just before the start)."""
    with WindowsShown(screen.name) as shown:
        started = time.monotonic()
        steps = run_once(command, screen, cache=cache)["steps"]
    windows = {
        FIRST_WINDOW: shown.windows[0][0],
        SPLASH_HIDDEN: shown.first(SPLASH, hidden=True),
        APP_WINDOW: shown.first("Flasky"),
    }
    return steps | {step: round(at - started, 3) for step, at in windows.items() if at}


def size_mib(path: Path) -> float:
    """The size of a file, or of a folder's files (its links to them not counted again)."""
    files = [path] if path.is_file() else [file for file in path.rglob("*") if file.is_file()]
    return sum(file.lstat().st_size for file in files if not file.is_symlink()) / 2**20


INSTALLED_DEB = "Debian package, installed"


def launches(
    one_file: Path, one_folder: Path, cache: Path, installed_deb: Path | None = None
) -> dict[str, tuple[list[str], Path | None]]:
    """The ways the builds are launched, by name: each command and its cache folder (None: a
    new, empty one). ``cache`` is the user's cache of the launches before, where the one
    file's build is unpacked already: a later launch; an empty one: a first launch. With
    ``installed_deb``, the Debian package's program as installed, at a later launch too."""
    ways = {
        "one-folder": ([str(one_folder)], cache),
        "one-folder, first": ([str(one_folder)], None),
        "one-file": ([str(one_file)], cache),
        "one-file, first": ([str(one_file)], None),
    }
    if installed_deb:
        ways[INSTALLED_DEB] = ([str(installed_deb)], cache)
    return ways


def folder_way(name: str) -> str:
    """The launch of the folder build that the launch ``name`` compares with: the same way (the
    Debian package installs the folder build)."""
    return "one-folder" if name == INSTALLED_DEB else name.replace("one-file", "one-folder")


def launch_runs(
    one_file: Path,
    one_folder: Path,
    screen: Screen,
    runs: int,
    installed_deb: Path | None = None,
    baselines: dict[str, tuple[list[str], Path]] | None = None,
) -> dict:
    """The steps (``launch_steps``) of ``runs`` launches of each way of launching the builds
    (``launches``), and of each of ``baselines`` (by name: a command and the cache folder it
    keeps), all taking turns."""
    baselines = baselines or {}
    with tempfile.TemporaryDirectory() as cache:
        ways = baselines | launches(one_file, one_folder, Path(cache), installed_deb)
        for command, kept_cache in baselines.values():
            launch_seconds(command, screen, kept_cache)  # its cache as a user's
        launch_seconds([str(one_folder)], screen)  # warm the page cache
        if installed_deb:
            launch_seconds([str(installed_deb)], screen)  # the package's files too
        launch_seconds([str(one_file)], screen, Path(cache))  # and unpack into the kept cache
        steps: dict[str, list[dict]] = {name: [] for name in ways}
        for _ in range(runs):
            for name, (command, kept_cache) in ways.items():
                steps[name].append(launch_steps(command, screen, kept_cache))
    return steps


def loaded_seconds(steps: dict[str, list[dict]]) -> dict[str, list[float]]:
    """The seconds to the loaded page of each launch in ``steps`` (``launch_runs``), by way."""
    return {name: [each[LOADED] for each in runs_of] for name, runs_of in steps.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("one_file", type=Path)
    parser.add_argument("one_folder", type=Path, help="the folder build's executable")
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    try:
        with virtual_screen() as display:
            screen = Screen(display)
            runs = launch_runs(options.one_file, options.one_folder, screen, options.runs)
    except LaunchFailed as failed:
        print(f"bench.measure: a launch failed: {failed}", file=sys.stderr)
        return 1
    medians = {name: statistics.median(each[LOADED] for each in runs[name]) for name in runs}
    for name, steps in runs.items():
        seconds = [each[LOADED] for each in steps]
        median = medians[name]
        shown = statistics.median(each[FIRST_WINDOW] for each in steps)
        is_folder = name.startswith("one-folder")
        size = size_mib(options.one_folder.parent if is_folder else options.one_file)
        print(
            f"{name}: {size:.1f} MiB; launch to loaded page: median {median:.2f} s "
            f"(min {min(seconds):.2f}, max {max(seconds):.2f}, {len(seconds)} runs), "
            f"{median / medians[folder_way(name)]:.2f}× {folder_way(name)}; "
            f"first window on screen: {shown:.2f} s"
        )
    print("Median seconds from process start to each step:", " / ".join(runs))
    for step in runs["one-file, first"][0]:
        medians = [
            f"{statistics.median(seen):.3f}" if seen else "-"
            for seen in ([each[step] for each in steps if step in each] for steps in runs.values())
        ]
        print(f"  {step}: " + " / ".join(medians))
    return 0


if __name__ == "__main__":
    sys.exit(main())

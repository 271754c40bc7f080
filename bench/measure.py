"""Size and launch time of the frozen builds (``make measure``): the README's figures.

Each launch opens the real window on a virtual X screen, in a new home folder, and is timed from
process start to its page-loaded event; launches of the builds take turns, so a busy
machine slows them alike. The one file is timed twice over: at a first launch, which unpacks its
folder build into an empty cache, and at later launches, which run it from there.
"""

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from bench.launch import LaunchFailed, run_once
from harness.x11 import Screen, virtual_screen


def launch_seconds(executable: Path, screen: Screen, cache: Path | None = None) -> float:
    """Seconds from starting ``executable`` to the app page loaded in its window."""
    return run_once([str(executable)], screen, cache=cache)["load_s"]


def size_mib(path: Path) -> float:
    """The size of a file, or of a folder's files (its links to them not counted again)."""
    files = [path] if path.is_file() else [file for file in path.rglob("*") if file.is_file()]
    return sum(file.lstat().st_size for file in files if not file.is_symlink()) / 2**20


def launches(one_file: Path, one_folder: Path, cache: Path) -> dict[str, tuple[Path, Path | None]]:
    """The ways the builds are launched, by name: each executable and its cache folder (None:
    a new, empty one). ``cache`` is where the one file's build is unpacked already."""
    return {
        "one-folder": (one_folder, None),
        "one-file": (one_file, cache),
        "one-file, first": (one_file, None),
    }


def launch_times(one_file: Path, one_folder: Path, screen: Screen, runs: int) -> dict:
    """Launch times in seconds of each way of launching the builds (``launches``)."""
    with tempfile.TemporaryDirectory() as cache:
        ways = launches(one_file, one_folder, Path(cache))
        launch_seconds(one_folder, screen)  # warm the page cache
        launch_seconds(one_file, screen, Path(cache))  # and unpack into the kept cache
        times: dict[str, list[float]] = {name: [] for name in ways}
        for _ in range(runs):
            for name, (executable, kept_cache) in ways.items():
                times[name].append(launch_seconds(executable, screen, kept_cache))
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("one_file", type=Path)
    parser.add_argument("one_folder", type=Path, help="the folder build's executable")
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    try:
        with virtual_screen() as display:
            screen = Screen(display)
            times = launch_times(options.one_file, options.one_folder, screen, options.runs)
    except LaunchFailed as failed:
        print(f"bench.measure: a launch failed: {failed}", file=sys.stderr)
        return 1
    folder = statistics.median(times["one-folder"])
    for name, seconds in times.items():
        median = statistics.median(seconds)
        size = size_mib(options.one_folder.parent if name == "one-folder" else options.one_file)
        print(
            f"{name}: {size:.1f} MiB; launch to loaded page: median {median:.2f} s "
            f"(min {min(seconds):.2f}, max {max(seconds):.2f}, {len(seconds)} runs), "
            f"{median / folder:.2f}× the one folder"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

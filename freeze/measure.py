"""Size and launch time of frozen builds (``make measure``): the README's figures.

Each launch opens the real window on a virtual X screen, in a new home folder, and is timed from
process start to the log line "Page loaded: ..."; launches of the builds take turns, so a busy
machine slows them alike.
"""

import argparse
import statistics
from pathlib import Path

from bench.launch import Scenario, run_once
from tests.x11 import Screen, virtual_screen


def launch_seconds(executable: Path, screen: Screen) -> float:
    """Seconds from starting ``executable`` to the app page loaded in its window."""
    scenario = Scenario(
        executable.name, str(executable), [str(executable), "--debug"], "Page loaded"
    )
    return run_once(scenario, screen)["load_s"]


def size_mib(path: Path) -> float:
    """The size of a file, or of a folder's files (its links to them not counted again)."""
    files = [path] if path.is_file() else [file for file in path.rglob("*") if file.is_file()]
    return sum(file.lstat().st_size for file in files if not file.is_symlink()) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("executables", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    with virtual_screen() as display:
        screen = Screen(display)
        for executable in options.executables:
            launch_seconds(executable, screen)  # warm the disk cache
        times: dict[Path, list[float]] = {executable: [] for executable in options.executables}
        for _ in range(options.runs):
            for executable in options.executables:
                times[executable].append(launch_seconds(executable, screen))
    for executable, seconds in times.items():
        one_folder = (executable.parent / "_internal").is_dir()
        bundle = executable.parent if one_folder else executable
        print(
            f"{executable}: {size_mib(bundle):.1f} MiB; launch to loaded page: median "
            f"{statistics.median(seconds):.2f} s (min {min(seconds):.2f}, max {max(seconds):.2f},"
            f" {len(seconds)} runs)"
        )


if __name__ == "__main__":
    main()

"""The frozen builds: start of the one file, and of the Debian package as installed, against the
folder build they carry, launched the same way (a first launch, with an empty cache, or a later
one), cold and warm; warm, against floor-page as well, launched in the same rounds; and what the
one file is made of."""

import os
import tempfile
from contextlib import nullcontext
from pathlib import Path

from bench.launch import FLOOR_PAGE
from bench.measure import (
    folder_way,
    launch_runs,
    launch_seconds,
    launches,
    loaded_seconds,
    size_mib,
)
from bench.stats import ratio, round_by_round, summarize
from freeze.bundle import folder_sizes
from freeze.section import find_section
from harness.deb import PROGRAM, installed_package
from harness.x11 import Screen

PARTS = [
    ("Qt WebEngine (Chromium)", ("WebEngine", "qtwebengine", "resources/")),
    ("rest of Qt and PyQt6", ("Qt6", "PyQt6", "libicu")),
    ("Python and the libraries (libpython, extensions)", ("libpython", "lib-dynload", "base_lib")),
    ("templates and static files", ("webapp/", "flask_bootstrap/", "webview/")),
]


def breakdown(one_folder: Path) -> list[dict]:
    """The folder build's files grouped into parts: MiB of each."""
    totals = {name: 0 for name, _ in PARTS} | {"other system libraries": 0}
    for name, size in folder_sizes(one_folder.parent).items():
        part = next(
            (part for part, keys in PARTS if any(key in name for key in keys)),
            "other system libraries",
        )
        totals[part] += size
    return [
        {"part": part, "mib": round(size / 2**20, 1)}
        for part, size in sorted(totals.items(), key=lambda item: -item[1])
    ]


def drop_caches() -> bool:
    """Empty the kernel's page cache, so the next launch reads from disk; False if not allowed."""
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def cold_launches(
    one_file: Path, one_folder: Path, screen: Screen, installed_deb: Path | None
) -> tuple[dict, bool]:
    """One launch each way after dropping the page cache; whether it could be dropped."""
    cold, dropped = {}, True
    with tempfile.TemporaryDirectory() as cache:
        launch_seconds([str(one_file)], screen, Path(cache))  # unpacks, for the later launch
        ways = launches(one_file, one_folder, Path(cache), installed_deb)
        for name, (command, kept_cache) in ways.items():
            dropped &= drop_caches()
            cold[name] = round(launch_seconds(command, screen, kept_cache), 3)
    return cold, dropped


def benchmark_frozen(
    screen: Screen,
    one_file: Path,
    one_folder: Path,
    runs: int,
    floor_page: list[str],
    deb: Path | None = None,
) -> dict:
    """The launches of the builds (and of the package ``deb`` installed, if given), taking
    turns with floor-page's (``floor_page``: its command), and their sizes."""
    with (
        installed_package(deb) if deb else nullcontext() as root,
        tempfile.TemporaryDirectory() as floor_page_cache,
    ):
        installed_deb = root / PROGRAM if root else None
        cold, dropped = cold_launches(one_file, one_folder, screen, installed_deb)
        baselines = {FLOOR_PAGE: (floor_page, Path(floor_page_cache))}
        times = loaded_seconds(
            launch_runs(one_file, one_folder, screen, runs, installed_deb, baselines)
        )
    floor_page_times = times.pop(FLOOR_PAGE)
    warm = {name: summarize(seconds) for name, seconds in times.items()}
    _, compressed, _ = find_section(one_file)
    one_file_mib = size_mib(one_file)
    return {
        "cold_is_after_dropping_caches": dropped,
        "sizes_mib": {
            "one-file": round(one_file_mib, 1),
            "one-folder": round(size_mib(one_folder.parent), 1),
            "compressed folder build": round(compressed / 2**20, 1),
            "program": round(one_file_mib - compressed / 2**20, 1),
        }
        | ({"Debian package": round(size_mib(deb), 1)} if deb else {}),
        "cold_s": cold,
        "warm_s": warm,
        "warm_ratios": {name: ratio(warm[name], warm[folder_way(name)]) for name in warm},
        # floor-page, launched in the same rounds: each build against it, as medians and round
        # by round.
        "floor_page_s": summarize(floor_page_times),
        "rounds_to_floor_page": {
            name: round_by_round(seconds, floor_page_times) for name, seconds in times.items()
        },
        "cold_ratios": {name: round(cold[name] / cold[folder_way(name)], 2) for name in cold},
        "folder_parts": breakdown(one_folder),
    }

"""The frozen builds: start of the one-file against the one-folder executable, cold and warm,
and what the one file is made of."""

import json
import os
import subprocess
from pathlib import Path

from bench.stats import ratio, summarize
from freeze.measure import launch_seconds, size_mib
from tests.x11 import Screen

ROOT = Path(__file__).resolve().parents[1]
BUILD_PYTHON = ROOT / "build" / "venv" / "bin" / "python"

# Published sizes of a minimal app, for scale (neither ships what this one does: Tauri
# uses the system's web view; Electron ships Chromium and Node.js, as this app ships Qt WebEngine).
PUBLISHED = [
    ("Tauri, minimal app", "< 0.6 MiB (plus the system web view)", "https://v2.tauri.app/start/"),
    (
        "Electron, empty app packaged with electron-builder --dir",
        "about 121 MB",
        "https://besthub.dev/articles/how-does-electron-builder-turn-your-web-app-into-a-standalone-executable-cc8dede9b229",
    ),
]

PARTS = [
    ("Qt WebEngine (Chromium)", ("WebEngine", "qtwebengine", "resources/")),
    ("rest of Qt and PyQt6", ("Qt6", "PyQt6", "libicu")),
    (
        "Python, the libraries and the app (PYZ, libpython, extensions)",
        ("PYZ", "libpython", "lib-dynload", "base_library"),
    ),
    ("templates and static files", ("webapp/", "flask_bootstrap/", "webview/")),
]


def breakdown(executable: Path) -> list[dict]:
    """The one file's contents grouped into parts: packed and unpacked MiB of each."""
    toc = json.loads(
        subprocess.run(
            [str(BUILD_PYTHON), "-m", "freeze.bundle", str(executable), "--sizes"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    totals = {name: [0, 0] for name, _ in PARTS} | {"other system libraries": [0, 0]}
    for name, (packed, unpacked) in toc.items():
        part = next(
            (part for part, keys in PARTS if any(key in name for key in keys)),
            "other system libraries",
        )
        totals[part][0] += packed
        totals[part][1] += unpacked
    return [
        {
            "part": part,
            "packed_mib": round(packed / 2**20, 1),
            "unpacked_mib": round(unpacked / 2**20, 1),
        }
        for part, (packed, unpacked) in sorted(totals.items(), key=lambda item: -item[1][0])
    ]


def drop_caches() -> bool:
    """Empty the kernel's page cache, so the next launch reads from disk; False if not allowed."""
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def benchmark_frozen(screen: Screen, one_file: Path, one_folder: Path, runs: int) -> dict:
    builds = {"one-file": one_file, "one-folder": one_folder}
    cold, cold_is_cold = {}, True
    for name, executable in builds.items():
        cold_is_cold &= drop_caches()
        cold[name] = launch_seconds(executable, screen)
    warm = {name: [] for name in builds}
    for _ in range(runs):
        for name, executable in builds.items():
            warm[name].append(launch_seconds(executable, screen))
    results = {
        "cold_is_after_dropping_caches": cold_is_cold,
        "sizes_mib": {
            "one-file": round(size_mib(one_file), 1),
            "one-folder": round(size_mib(one_folder.parent), 1),
        },
        "cold_s": {name: round(seconds, 3) for name, seconds in cold.items()},
        "warm_s": {name: summarize(seconds) for name, seconds in warm.items()},
        "one_file_parts": breakdown(one_file),
        "published_sizes": [
            {"what": what, "size": size, "source": source} for what, size, source in PUBLISHED
        ],
    }
    results["warm_ratio_one_file_to_one_folder"] = ratio(
        results["warm_s"]["one-file"], results["warm_s"]["one-folder"]
    )
    results["cold_ratio_one_file_to_one_folder"] = round(cold["one-file"] / cold["one-folder"], 2)
    return results

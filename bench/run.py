"""`make bench`: every benchmark in one run, written to docs/benchmarks.md and .json.

Absolute times on a shared machine are noise; each figure is compared with its baseline,
measured in the same run, on the same machine, and reported as a ratio of medians.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench.frozen import benchmark_frozen
from bench.keeper import KeeperFailed, benchmark_keeper
from bench.launch import (
    FLOOR_PAGE,
    LaunchFailed,
    Scenario,
    copy_home_page,
    import_seconds,
    run_once,
    scenarios,
)
from bench.measure import INSTALLED_DEB
from bench.server import ServerFailed, benchmark_servers
from bench.stats import ratio, round_by_round, summarize
from desktop.settings import WindowGeometry
from harness.deb import InstallFailed
from harness.x11 import Screen, virtual_screen

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SIZE = WindowGeometry()  # every window of the benchmark opens at this size (the scenarios)


FIGURES = ("load_s", "paint_s", "rss_mib", "close_s")


def median_steps(runs: list[dict[str, float]]) -> dict[str, float]:
    """Each step's median over the runs that had it, in the order of the medians."""
    steps = {name for run in runs for name in run}
    medians = {name: statistics.median(run[name] for run in runs if name in run) for name in steps}
    return {name: round(medians[name], 3) for name in sorted(steps, key=medians.get)}


def benchmark_launches(screen: Screen, launches: list[Scenario], runs: int) -> dict:
    """Each scenario launched ``runs`` times, in a new home each time but with a cache folder
    of its own kept from launch to launch, as a user's (after one launch to warm it)."""
    with tempfile.TemporaryDirectory() as caches:
        cache = {scenario.name: Path(caches) / scenario.name for scenario in launches}
        for scenario in launches:
            run_once(scenario.command, screen, cache=cache[scenario.name])
        measured = {scenario.name: [] for scenario in launches}
        for _ in range(runs):  # interleaved, so that a slow moment hits every scenario alike
            for scenario in launches:
                measured[scenario.name].append(
                    run_once(scenario.command, screen, cache=cache[scenario.name])
                )
    results = {}
    for scenario in launches:
        runs_of = measured[scenario.name]
        results[scenario.name] = {
            "description": scenario.description,
            **{key: summarize([run[key] for run in runs_of]) for key in FIGURES},
            "steps": median_steps([run["steps"] for run in runs_of]),
        }
    for name, figures in results.items():
        for key in FIGURES:
            figures[key]["ratio_to_floor"] = ratio(figures[key], results["floor"][key])
            figures[key]["ratio_to_floor_page"] = ratio(figures[key], results[FLOOR_PAGE][key])
            figures[key]["rounds_to_floor_page"] = round_by_round(
                [run[key] for run in measured[name]], [run[key] for run in measured[FLOOR_PAGE]]
            )
    return results


def machine() -> str:
    cpus = os.cpu_count()
    return (
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"{cpus} CPUs, Xvfb, software rendering"
    )


def write_markdown(results: dict) -> str:
    launches = results["launch"]
    lines = [
        "# Benchmarks",
        "",
        f"Run by `make bench` on {results['date']} ({results['machine']}).",
        "Each figure: median (min–max) over the runs, and the ratio of medians to its baseline in",
        "the same run. The raw figures are in `benchmarks.json`.",
        "",
        "## Time to the loaded page, memory, shutdown",
        "",
        "Process start → the page's load event; → the first frame of the page on screen (grabbed",
        "from the X server every 10 ms: the first whose top rows match the loaded page's); total",
        "RSS of the process tree (Python plus the web engine's helper processes) with the page",
        "loaded; close request → process gone. Each launch in a new home, with the cache folder",
        "of the launches before it. Every window opens at the app's first size,",
        f"{SIZE.width} × {SIZE.height} (pywebview's default, 800 × 600, is less to render).",
        "",
        "× floor-page: the ratio to the bare window on a static copy of the app's home page;",
        "× floor: to the bare window on a one-line page.",
        "",
        "| launch | load (s) | × floor-page | × floor | on screen (s) | × floor-page "
        "| memory (MiB) | × floor-page | shutdown (s) | × floor-page |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, figures in launches.items():
        cells = [f"**{name}**: {figures['description']}"]
        for key, digits in (("load_s", 2), ("paint_s", 2), ("rss_mib", 0), ("close_s", 2)):
            median, low, high = (
                f"{figures[key][part]:.{digits}f}" for part in ("median", "min", "max")
            )
            cells += [f"{median} ({low}–{high})", str(figures[key]["ratio_to_floor_page"])]
            if key == "load_s":
                cells.append(str(figures[key]["ratio_to_floor"]))
        lines.append("| " + " | ".join(cells) + " |")
    lines += where_the_time_goes(results)
    lines += [
        "",
        "## Server throughput",
        "",
        "Requests per second and latency per path and number of concurrent clients.",
        "",
    ]
    servers = results["server"]
    ours, baseline = servers["waitress (this app)"], servers["flask run (baseline)"]
    lines += [
        "| path @ clients | this app: req/s | p50 ms | p99 ms "
        "| flask run: req/s | p50 ms | p99 ms | × req/s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key in ours:
        a, b = ours[key], baseline[key]
        lines.append(
            f"| {key} | {a['requests_per_second']} | {a['p50_ms']} | {a['p99_ms']} "
            f"| {b['requests_per_second']} | {b['p50_ms']} | {b['p99_ms']} "
            f"| {round(a['requests_per_second'] / b['requests_per_second'], 2)} |"
        )
    keeper = results["keeper"]
    lines += [
        "",
        "## Keeping the session on disk",
        "",
        f"The name form's POST, each changing the session ({keeper['posts']} POSTs, alternating "
        "rounds): the launch's middleware with the session keeper, which writes the new cookie "
        "to disk and flushes it before the answer leaves, against the same without it.",
        "",
        "| without (ms) | with (ms) | extra (ms) | × |",
        "|---|---|---|---|",
        f"| {keeper['without_ms']} | {keeper['with_ms']} | {keeper['extra_ms']} "
        f"| {keeper['ratio']} |",
    ]
    if "frozen" in results:
        lines += frozen_markdown(results["frozen"])
    return "\n".join(lines) + "\n"


def where_the_time_goes(results: dict) -> list[str]:
    launches, imports = results["launch"], results["imports_s"]
    ours, floor = launches["flasky"]["load_s"], launches[FLOOR_PAGE]["load_s"]
    rounds = ours["rounds_to_floor_page"]
    imported = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in imports.items())
    floor_steps = launches[FLOOR_PAGE]["steps"]
    return [
        "",
        "### Where the launch time goes",
        "",
        f"- This app's page loads {ours['median'] - floor['median']:.2f} s after the same page "
        f"in a bare window ({ours['ratio_to_floor_page']}× floor-page), at "
        f"{ratio(ours, launches['naive']['load_s'])}× the naive pattern and "
        f"{ratio(ours, launches['builtin']['load_s'])}× pywebview's own serving.",
        f"  Round by round (each launch against floor-page's in the same round): "
        f"{rounds['median']:.2f}× ({rounds['min']:.2f}×–{rounds['max']:.2f}×): the spread shows "
        "how much of one run's ratio is the machine.",
        f"- Imports, in fresh interpreters (`python -X importtime`): {imported}.",
        "",
        "One launch, step by step: the median over the runs of the seconds from process start",
        "to each step, from the app's events (`--events`: milestones, the requests its server",
        "answered, the web engine's navigation timing), the web engine's processes and the X",
        "server; floor-page tells only what a bare window has.",
        "",
        "| step | flasky (s) | floor-page (s) |",
        "|---|---|---|",
        *(
            f"| {step} | {seconds:.3f} | "
            + (f"{floor_steps[step]:.3f}" if step in floor_steps else "")
            + " |"
            for step, seconds in launches["flasky"]["steps"].items()
        ),
        "",
        "What these figures mean, and the experiments tried so far, are in "
        "[performance.md](performance.md).",
    ]


def frozen_markdown(frozen: dict) -> list[str]:
    warm, cold, sizes = frozen["warm_s"], frozen["cold_s"], frozen["sizes_mib"]
    floor_page, rounds = frozen["floor_page_s"], frozen["rounds_to_floor_page"]
    cold_note = (
        "after dropping the page cache"
        if frozen["cold_is_after_dropping_caches"]
        else "the page cache could not be dropped here"
    )
    lines = [
        "",
        "## Frozen executables",
        "",
        "Process start → the page's load event, for the PyInstaller builds. The one file carries",
        "the folder build and unpacks it into the user's cache at its first launch; later",
        'launches run it from there. A first launch (", first") runs with an empty cache, a',
        "later one with the cache of the launches before it (compiled templates, the unpacked",
        "build); each is compared with the folder build launched the same way, and with",
        "floor-page (the bare window on a static copy of the home page), launched in turn with",
        f"them: {floor_page['median']:.2f} s ({floor_page['min']:.2f}–{floor_page['max']:.2f}).",
        "",
    ]
    if INSTALLED_DEB in warm:
        lines += [
            "The Debian package is installed by dpkg into a throwaway root (without loading its",
            "AppArmor profile) and runs the folder build from there (`/usr/bin/flasky`); its size",
            "is the .deb file's (installed, it takes the folder build's).",
            "",
        ]
    lines += [
        f"| build | size (MiB) | cold (s, {cold_note}) | warm (s) | warm ÷ the folder build "
        "| warm × floor-page | round by round × floor-page |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, figure in warm.items():
        size = sizes[name.split(",")[0]]  # "one-file, first": the one file's
        each = rounds[name]
        lines.append(
            f"| {name} | {size} | {cold[name]:.2f} "
            f"| {figure['median']:.2f} ({figure['min']:.2f}–{figure['max']:.2f}) "
            f"| {frozen['warm_ratios'][name]:.2f}× | {ratio(figure, floor_page):.2f}× "
            f"| {each['median']:.2f}× ({each['min']:.2f}×–{each['max']:.2f}×) |"
        )
    lines += [
        "",
        "Cold ÷ the folder build launched the same way: "
        + ", ".join(f"{name} {value}×" for name, value in frozen["cold_ratios"].items())
        + ".",
        "",
        "### What the one file holds",
        "",
        f"The one file is its own small program ({sizes['program']} MiB: "
        "Python, zstandard, platformdirs and the one file's own modules) and the folder build, "
        f"compressed as one tar ({sizes['compressed folder build']} MiB). The folder build holds:",
        "",
        "| part | MiB |",
        "|---|---|",
    ]
    lines += [f"| {p['part']} | {p['mib']} |" for p in frozen["folder_parts"]]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument(
        "--frozen", nargs=2, type=Path, metavar=("ONE_FILE", "ONE_FOLDER"), help="frozen builds"
    )
    parser.add_argument("--deb", type=Path, help="the Debian package of the folder build")
    options = parser.parse_args()
    try:
        results = run_benchmarks(options)
    except (LaunchFailed, InstallFailed, ServerFailed, KeeperFailed) as failed:
        print(f"bench: {failed}; nothing was written.", file=sys.stderr)
        return 1
    DOCS.mkdir(exist_ok=True)
    (DOCS / "benchmarks.json").write_text(json.dumps(results, indent=2) + "\n")
    (DOCS / "benchmarks.md").write_text(write_markdown(results))
    print(write_markdown(results))
    return 0


def run_benchmarks(options: argparse.Namespace) -> dict:
    with virtual_screen() as display, tempfile.TemporaryDirectory() as copy:
        screen = Screen(display)
        launches = scenarios(copy_home_page(Path(copy)))
        results = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(),
            "launch": benchmark_launches(screen, launches, options.runs),
            "imports_s": {
                "the launcher (no Flask)": import_seconds("import desktop.cli"),
                "Flask and its extensions": import_seconds("import webapp.extensions"),
                "pywebview and Qt": import_seconds("import webview, webview.platforms.qt"),
            },
        }
        if options.frozen:
            (floor_page,) = [scenario for scenario in launches if scenario.name == FLOOR_PAGE]
            results["frozen"] = benchmark_frozen(
                screen, *options.frozen, options.runs, floor_page.command, options.deb
            )
        screen.close()
    with tempfile.TemporaryDirectory() as home:
        results["server"] = benchmark_servers(Path(home), options.requests)
    results["keeper"] = benchmark_keeper()
    return results


if __name__ == "__main__":
    sys.exit(main())

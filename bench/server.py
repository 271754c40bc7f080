"""Requests per second and latency of the app's server against `flask run`'s development server."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil

from bench.load import access_cookie, run_load, start_serving

ROOT = Path(__file__).resolve().parents[1]
PATHS = {"page": "/", "static": "/static/flasky.css"}
CONCURRENCY = (1, 8, 16)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_flask_run(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "webapp", "run", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("flask run did not start")


def measure(url: str, process: psutil.Process, headers: dict[str, str], requests: int) -> dict:
    figures = {}
    run_load(url, process, 200, 4, headers=headers)  # warm up
    for kind, path in PATHS.items():
        for concurrency in CONCURRENCY:
            result = run_load(url, process, requests, concurrency, paths=[path], headers=headers)
            figures[f"{kind}@{concurrency}"] = {
                "requests_per_second": round(result.requests_per_second, 1),
                "p50_ms": round(result.percentile(0.50), 2),
                "p99_ms": round(result.percentile(0.99), 2),
                "errors": result.errors,
            }
    return figures


def benchmark_servers(home: Path, requests: int) -> dict:
    flasky, entry_url = start_serving(home)
    try:
        ours = measure(
            entry_url.split("?")[0],
            psutil.Process(flasky.pid),
            {"Cookie": access_cookie(entry_url)},
            requests,
        )
    finally:
        flasky.terminate()
        flasky.wait(30)
    port = free_port()
    development = start_flask_run(port)
    try:
        baseline = measure(
            f"http://127.0.0.1:{port}/", psutil.Process(development.pid), {}, requests
        )
    finally:
        development.terminate()
        development.wait(30)
    return {"waitress (this app)": ours, "flask run (baseline)": baseline}

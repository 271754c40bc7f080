"""Requests per second and latency of the app's server against `flask run`'s development server."""

import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil

from bench.load import PATHS as ANSWERS
from bench.load import run_load
from desktop.client import AppClient
from harness.process import ROOT, AppProcess, user_environment

PATHS = {"page": "/", "static": "/static/flasky.css"}
CONCURRENCY = (1, 8, 16)


class ServerFailed(Exception):
    """A server did not start, or did not answer every request of a run as it should."""


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
    raise ServerFailed("flask run did not start")


def measure(name: str, new_client: Callable[[], AppClient], pid: int, requests: int) -> dict:
    """Throughput of each path at each concurrency; ServerFailed if any request failed."""
    server = psutil.Process(pid)
    figures = {}
    warm_up = run_load(new_client, server, 200, 4)
    if problem := warm_up.problem():
        raise ServerFailed(f"{name}, warming up: {problem}")
    for kind, path in PATHS.items():
        for concurrency in CONCURRENCY:
            result = run_load(new_client, server, requests, concurrency, {path: ANSWERS[path]})
            if problem := result.problem():
                raise ServerFailed(f"{name}, {kind}@{concurrency}: {problem}")
            figures[f"{kind}@{concurrency}"] = {
                "requests_per_second": round(result.requests_per_second, 1),
                "p50_ms": round(result.percentile(0.50), 2),
                "p99_ms": round(result.percentile(0.99), 2),
                "errors": result.errors,
            }
    return figures


def benchmark_servers(home: Path, requests: int) -> dict:
    with AppProcess("--serve", env=user_environment(home)) as flasky:
        entry_url = flasky.entry_url
        ours = measure("this app", lambda: AppClient.enter(entry_url), flasky.pid, requests)
        flasky.send()
        if status := flasky.wait(30):
            raise ServerFailed(f"this app exited with {status} after the run")
    port = free_port()
    development = start_flask_run(port)
    try:
        baseline = measure(
            "flask run",
            lambda: AppClient(f"http://127.0.0.1:{port}/"),
            development.pid,
            requests,
        )
    finally:
        development.terminate()
        development.wait(30)
    return {"waitress (this app)": ours, "flask run (baseline)": baseline}

"""The load tool (``make load``) on the real threaded server: it measures the app serving its
pages, and fails loudly when it measured anything else."""

import json
import subprocess
import sys

import psutil
import pytest

from bench.load import run_load
from desktop.client import AppClient
from harness.process import ROOT


def load(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bench.load", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_load_of_the_real_app_gets_no_errors_and_memory_settles():
    result = load("--requests", "2000", "--concurrency", "16")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["errors"] == 0
    assert summary["answers"] == {"200 text/html": 1200, "200 text/css": 800}
    assert summary["server_exit_status"] == 0
    after_warm_up, at_end = summary["rss_mib"][2], summary["rss_mib"][-1]
    assert at_end - after_warm_up < 20, summary["rss_mib"]


def test_load_without_the_token_fails_in_one_line(start_app, env):
    app = start_app("--serve", env=env)
    result = load("--requests", "100", "--entry-url", app.entry_url.split("?")[0])
    assert result.returncode == 1
    assert result.stderr == "bench.load: the entry URL answered 403 without an access cookie.\n"


@pytest.mark.parametrize(
    ("let_in", "paths", "answer"),
    [
        (False, {"/": ("text/html", "Hello")}, "403 text/html without 'Hello'"),
        (True, {"/no/such/page": ("text/html", "Flasky")}, "404 text/html"),
        (True, {"/user/Dave": ("text/html", "Hello, Eve!")}, "200 text/html without 'Hello, Eve!'"),
    ],
    ids=["refused", "missing-page", "another-page"],
)
def test_refused_missing_or_wrong_pages_are_errors_not_throughput(
    start_app, env, let_in, paths, answer
):
    app = start_app("--serve", env=env)
    entry_url = app.entry_url

    def new_client() -> AppClient:
        return AppClient.enter(entry_url) if let_in else AppClient(entry_url)

    result = run_load(new_client, psutil.Process(app.pid), 200, 4, paths=paths)
    assert result.errors == 200
    assert result.answers == {answer: 200}
    assert f"200 of 200 requests failed (answers: 200 × {answer})" == result.problem()


MISSING_PAGES_ONLY = """
import sys
from bench import load
load.PATHS = {"/no/such/page": ("text/html", "Page not found")}
sys.argv[1:] = ["--requests", "100", "--concurrency", "4"]
sys.exit(load.main())
"""


def test_load_that_measured_errors_exits_1_with_the_reason():
    result = subprocess.run(
        [sys.executable, "-c", MISSING_PAGES_ONLY], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stderr == (
        "bench.load: 100 of 100 requests failed (answers: 100 × 404 text/html).\n"
    )

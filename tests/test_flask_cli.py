"""The web app also runs on its own with Flask's command line."""

import subprocess
import sys

from harness.process import ROOT


def flask(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "webapp", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_flask_routes_lists_every_page():
    result = flask("routes")
    assert result.returncode == 0, result.stderr
    for rule in ["/user/<name>", "/user/<int:id>", "/bad-request", "/response", "/redirect"]:
        assert rule in result.stdout


def test_flask_run_help_works():
    result = flask("run", "--help")
    assert result.returncode == 0
    assert "--port" in result.stdout

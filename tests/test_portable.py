"""The tests marked ``portable`` are those CI also runs on Windows and macOS
(.github/workflows/build.yml), where there is no X server and no Qt: the web app through Flask's
test client. Here that selection is planned the same way: no display, Qt not importable."""

import os
import re
import subprocess
import sys

from .helpers import ROOT

# Qt is Linux-only in pyproject.toml: on Windows and macOS pywebview uses the system's browser
# engine, and neither PyQt6 nor QtPy is installed.
NO_QT = """
import sys

class NoQt:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {"PyQt6", "qtpy"}:
            raise ImportError(f"no {name} where the portable tests run")

sys.meta_path.insert(0, NoQt())
"""
# The fixtures that need an X server, a running app or a build.
NOT_PORTABLE = {"xvfb", "screen", "window_env", "env", "start_app", "open_window", "frozen"}


def test_portable_tests_import_without_qt_and_use_no_display_app_process_or_build(tmp_path):
    (tmp_path / "sitecustomize.py").write_text(NO_QT)
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DISPLAY", "WAYLAND_DISPLAY"}
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-m",
            "portable",
            "--setup-plan",
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
        env=environment | {"PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    planned = re.findall(r"^ +(tests/\S+::\S+) \(fixtures used: (.*)\)$", result.stdout, re.M)
    assert len(planned) > 100
    for test, fixtures in planned:
        assert not NOT_PORTABLE & set(fixtures.split(", ")), test

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from desktop.events import PAGE_LOADED
from harness.process import ROOT, SOURCE_COMMAND, AppProcess, user_environment
from harness.x11 import Screen, virtual_screen
from webapp import create_app
from webapp.config import TestingConfig

from .helpers import EXECUTABLE

# `make test` runs a quick profile; `make fuzz` passes --hypothesis-profile=fuzz.
settings.register_profile("quick", max_examples=60, deadline=None)
settings.register_profile("fuzz", max_examples=2100, deadline=None)
settings.load_profile("quick")

STRANGER = "Hello, Stranger! · Flasky"


def pytest_configure(config):
    # The tests start the app as a terminal starts a command in the foreground, with Ctrl-C's
    # SIGINT not ignored. A shell without job control that runs the tests in the background
    # ignores it for them, and every process they start would inherit that (and keep it: see
    # desktop/signals.py).
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def app():
    config = TestingConfig()
    config.SECRET_KEY = "a key for tests only"
    return create_app(config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def xvfb():
    """A virtual X screen for real windows; its display name, like ``:1``."""
    with virtual_screen() as display:
        yield display


def pytest_terminal_summary(terminalreporter):
    fuzzing = sys.modules.get("tests.test_fuzz")
    if fuzzing and fuzzing.requests_sent:
        terminalreporter.write_line(f"Fuzzing: {fuzzing.requests_sent} requests sent to the app.")


@pytest.fixture
def screen(xvfb):
    """The virtual X screen, to find, move and close windows on it as a user would."""
    screen = Screen(xvfb)
    yield screen
    screen.close()


@pytest.fixture
def home(tmp_path) -> Path:
    """The home folder of a user of the app, empty at first."""
    return tmp_path / "home"


@pytest.fixture
def env(home) -> dict[str, str]:
    """The environment of that user, with no display."""
    return user_environment(home)


@pytest.fixture
def window_env(home, xvfb) -> dict[str, str]:
    """The environment of that user, on the virtual screen."""
    return user_environment(home, display=xvfb)


@pytest.fixture
def start_app():
    """Start the app as a real process; whatever is still running when the test ends, passed
    or failed, is killed with every process it started."""
    started: list[AppProcess] = []

    def start(*args: str, env: dict[str, str], command=SOURCE_COMMAND) -> AppProcess:
        started.append(AppProcess(*args, env=env, command=command))
        return started[-1]

    yield start
    for app in started:
        app.kill()


@pytest.fixture
def open_window(start_app):
    """Start the app in its window, and wait until it shows the page called ``title``."""

    def open_(env: dict[str, str], title: str = STRANGER, command=SOURCE_COMMAND) -> AppProcess:
        app = start_app(env=env, command=command)
        app.wait_for_event(PAGE_LOADED, title=title)
        return app

    return open_


@pytest.fixture(scope="session")
def frozen() -> list[str]:
    """The command that runs the frozen app, once `make dist` has built it."""
    result = subprocess.run(
        ["make", "--no-print-directory", "dist"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, f"make dist failed:\n{result.stdout}\n{result.stderr}"
    return [str(EXECUTABLE)]

import os
import shutil
import subprocess
import sys

import pytest
from hypothesis import settings

from webapp import create_app
from webapp.config import TestingConfig

# `make test` runs a quick profile; `make fuzz` passes --hypothesis-profile=fuzz.
settings.register_profile("quick", max_examples=60, deadline=None)
settings.register_profile("fuzz", max_examples=2100, deadline=None)
settings.load_profile("quick")


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
    if not shutil.which("Xvfb"):
        pytest.fail("Xvfb is missing: `make test` installs it.")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write_end),
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        pass_fds=[write_end],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as announcement:
        number = announcement.readline().strip()
    if not number:
        server.kill()
        pytest.fail("Xvfb did not start.")
    yield f":{number}"
    server.terminate()
    server.wait(10)


def pytest_terminal_summary(terminalreporter):
    fuzzing = sys.modules.get("tests.test_fuzz")
    if fuzzing and fuzzing.requests_sent:
        terminalreporter.write_line(f"Fuzzing: {fuzzing.requests_sent} requests sent to the app.")

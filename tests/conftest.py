import os
import shutil
import subprocess

import pytest

from webapp import create_app
from webapp.config import TestingConfig

from .x11 import Screen


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


@pytest.fixture
def screen(xvfb):
    """The virtual X screen, to find, move and close windows on it as a user would."""
    screen = Screen(xvfb)
    yield screen
    screen.close()

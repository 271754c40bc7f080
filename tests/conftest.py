import sys

import pytest
from hypothesis import settings

from webapp import create_app
from webapp.config import TestingConfig

from .x11 import Screen, virtual_screen

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

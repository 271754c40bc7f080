"""Uncaught exceptions are never lost: wherever one is raised in the real app (planted there
through ``sitecustomize``), it reaches the log file with its traceback, and the user is told in
one line, never with a traceback."""

import os
import textwrap
import time

import pytest

from desktop.events import PAGE_LOADED
from harness.process import ROOT
from harness.x11 import Geometry

from .helpers import close_and_wait


@pytest.fixture
def plant(tmp_path, env, window_env):
    """Plant ``code`` in every launch of the app, run before the app's own code."""

    def plant_(code: str) -> None:
        folder = tmp_path / "planted"
        folder.mkdir()
        (folder / "sitecustomize.py").write_text(textwrap.dedent(code))
        for environment in (env, window_env):  # the app's own folder, for what it imports
            environment["PYTHONPATH"] = os.pathsep.join([str(folder), str(ROOT)])

    return plant_


def wait_for_traceback(app, planted: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while not ("Traceback" in app.log() and planted in app.log()):
        assert time.monotonic() < deadline, f"no traceback of {planted!r} in:\n{app.log()}"
        time.sleep(0.05)
    return app.log()


def test_an_exception_in_a_request_is_logged_and_answered_with_the_error_page(
    plant, start_app, env
):
    plant("""
        import webapp

        create_app = webapp.create_app

        def create_failing_app(config=None):
            app = create_app(config)
            app.add_url_rule("/fail", "fail", lambda: 1 / 0)
            return app

        webapp.create_app = create_failing_app
    """)
    app = start_app("--serve", env=env)
    page = app.client().get("/fail")
    assert page.status == 500
    assert "Something went wrong" in page.text and "Traceback" not in page.text
    assert "ZeroDivisionError" in wait_for_traceback(app, "1 / 0")


def test_an_exception_in_the_server_thread_is_logged_and_told_in_one_line(plant, start_app, env):
    plant("""
        from desktop.server import Server

        def crash(self):
            raise RuntimeError("planted in the server thread")

        Server._serve_until_stopped = crash
    """)
    app = start_app("--serve", env=env)
    assert app.wait(60) == 1
    wait_for_traceback(app, "planted in the server thread")
    output = app.output()
    assert "Flasky hit an unexpected error; the log file" in output
    assert "Traceback" not in output


def test_an_exception_in_the_main_thread_is_logged_and_told_in_one_line(plant, start_app, env):
    plant("""
        import desktop.launcher

        def crash(*args):
            raise RuntimeError("planted in the main thread")

        desktop.launcher.serve_until_stopped = crash
    """)
    app = start_app("--serve", env=env)
    assert app.wait() == 1
    wait_for_traceback(app, "planted in the main thread")
    output = app.output()
    assert output.strip().splitlines()[-1].startswith("Flasky hit an unexpected error;")
    assert "Traceback" not in output


def test_an_exception_in_a_window_callback_is_logged_and_the_window_goes_on(
    plant, open_window, screen, window_env
):
    plant("""
        from desktop.window import AppWindow

        def crash(self, width, height):
            raise RuntimeError("planted in a window callback")

        AppWindow._remember_size = crash
    """)
    app = open_window(window_env)
    window = screen.find_window("Flasky")
    screen.move_and_resize(window, Geometry(x=10, y=10, width=700, height=600))
    wait_for_traceback(app, "planted in a window callback")
    screen.type_into(window, "Alice")
    app.wait_for_event(PAGE_LOADED, title="Hello, Alice! · Flasky")


def test_an_app_that_cannot_be_built_says_so_in_the_window_and_exits_1(
    plant, start_app, screen, window_env
):
    plant("""
        import webapp

        def broken(config=None):
            raise RuntimeError("planted in the app's build")

        webapp.create_app = broken
    """)
    app = start_app(env=window_env)
    app.wait_for_event(PAGE_LOADED)
    wait_for_traceback(app, "planted in the app's build")
    assert close_and_wait(screen, app) == 1
    assert "Flasky could not start. The log file has the details." in app.output()

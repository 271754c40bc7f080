"""The real app in a real window: pywebview's Qt backend on a virtual X screen.

Each launch is its own process: Qt cannot start a second GUI loop in one process.
"""

import json
import signal
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psutil
import pytest

from desktop.access import find_cookie
from desktop.events import PAGE_LOADED
from harness.process import ROOT, run_main
from harness.x11 import Geometry
from webapp import create_app
from webapp.config import DesktopConfig
from webapp.security import OPENER_POLICY, SECURITY_HEADERS

from .helpers import close_and_wait, port_is_free
from .moment_formats import english_lll

pytestmark = pytest.mark.window

ARTIFACTS = ROOT / "tests" / "artifacts"


def stored_session(home: Path) -> dict:
    """The session cookie kept on disk (desktop/keeper.py), decoded with the app's key. (The
    web engine's own cookie store is written on a timer, and not at all when the app ends
    at once after closing its window: the keeper's file is what the next launch restores.)"""
    data = home / "data" / "Flasky"
    value = find_cookie((data / "session_cookie").read_text(), "flasky_session").value
    config = DesktopConfig()
    config.SECRET_KEY = (data / "secret_key").read_text()
    app = create_app(config)
    return app.session_interface.get_signing_serializer(app).loads(value)


def test_window_shows_the_app_and_closing_it_ends_everything(open_window, screen, window_env):
    app = open_window(window_env)
    port = app.port
    helpers = app.descendants()
    assert any("QtWebEngineProcess" in process.name() for process in helpers)
    screen.screenshot(ARTIFACTS / "window.png")

    assert close_and_wait(screen, app) == 0
    assert "Window closed; exiting." in app.log()
    assert port_is_free(port)
    _, alive = psutil.wait_procs(helpers, timeout=5)
    assert alive == []


def test_sigterm_closes_the_window_and_exits_cleanly(open_window, screen, window_env):
    app = open_window(window_env)
    helpers = app.descendants()
    app.send(signal.SIGTERM)
    assert app.wait() == 0
    assert port_is_free(app.port)
    assert psutil.wait_procs(helpers, timeout=5)[1] == []


def test_greeting_and_name_history_survive_a_restart(open_window, screen, home, window_env):
    first = open_window(window_env)
    screen.type_into(screen.find_window("Flasky"), "Alice")
    first.wait_for_event(PAGE_LOADED, title="Hello, Alice! · Flasky")
    assert close_and_wait(screen, first) == 0
    assert stored_session(home)["names"] == ["Alice"]

    second = open_window(window_env, title="Hello, Alice! · Flasky")
    screen.type_into(screen.find_window("Flasky"), "Bob")
    second.wait_for_event(PAGE_LOADED, title="Hello, Bob! · Flasky")
    assert close_and_wait(screen, second) == 0
    session = stored_session(home)
    assert session["name"] == "Bob"
    assert session["names"] == ["Alice", "Bob"]


def test_window_geometry_survives_a_restart(open_window, screen, home, window_env):
    first = open_window(window_env)
    moved = Geometry(x=40, y=30, width=900, height=640)
    screen.move_and_resize(screen.find_window("Flasky"), moved)
    # X delivers the configure before the close request, so Qt sees the move first.
    assert close_and_wait(screen, first) == 0
    saved = json.loads((home / "config" / "Flasky" / "settings.json").read_text())["window"]
    assert saved == {"width": 900, "height": 640, "x": 40, "y": 30}

    second = open_window(window_env)
    assert screen.geometry(screen.find_window("Flasky")) == moved
    assert close_and_wait(screen, second) == 0


def test_window_geometry_is_saved_soon_after_a_move_and_survives_a_kill(
    open_window, screen, home, window_env
):
    first = open_window(window_env)
    moved = Geometry(x=60, y=50, width=880, height=620)
    screen.move_and_resize(screen.find_window("Flasky"), moved)
    settings = home / "config" / "Flasky" / "settings.json"
    expected = {"width": 880, "height": 620, "x": 60, "y": 50}
    deadline = time.monotonic() + 1.5  # saved SAVE_DELAY (0.5 s) after the last change
    while not (settings.exists() and json.loads(settings.read_text())["window"] == expected):
        assert time.monotonic() < deadline, "the geometry was not saved after the move"
        time.sleep(0.05)
    first.kill()  # SIGKILL: no close, no chance to save anything more

    second = open_window(window_env)
    assert screen.geometry(screen.find_window("Flasky")) == moved
    assert close_and_wait(screen, second) == 0


def test_the_window_is_not_sent_the_opener_policy_that_a_browser_is(
    open_window, start_app, window_env, env
):
    # In the window it would cost a second renderer process and protect nothing (launcher.py).
    window = open_window(window_env).client().get()
    browser = start_app("--serve", env=env).client().get()
    assert "Hello, Stranger!" in window.text and "Hello, Stranger!" in browser.text
    assert browser.headers[OPENER_POLICY] == "same-origin"
    assert OPENER_POLICY not in window.headers
    for header, value in SECURITY_HEADERS.items():
        assert window.headers[header] == browser.headers[header] == value


def test_second_launch_shows_the_first_window_and_exits_0(open_window, screen, window_env):
    first = open_window(window_env)
    second = run_main(env=window_env)
    assert second.returncode == 0
    assert "Flasky is already running; its window is shown again." in second.stderr
    first.wait_for_log("Another launch asked to show the window")
    assert close_and_wait(screen, first) == 0


def test_missing_web_view_backend_gives_a_clear_message(window_env, tmp_path):
    broken = tmp_path / "broken" / "PyQt6"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text(
        "raise ImportError('libQt6WebEngineCore.so.6: cannot open shared object file')\n"
    )
    window_env["PYTHONPATH"] = str(broken.parent)
    result = run_main(env=window_env)
    assert result.returncode == 3
    assert "no usable web view backend" in result.stderr
    assert "--browser" in result.stderr
    assert "Traceback" not in result.stderr


def test_corrupt_settings_are_ignored_and_replaced_on_close(open_window, screen, home, window_env):
    settings = home / "config" / "Flasky" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_bytes(b'{"window": [\xff')
    app = open_window(window_env)
    assert "Ignoring the unreadable settings file" in app.log()
    assert close_and_wait(screen, app) == 0
    assert json.loads(settings.read_text())["window"]["width"] == 1100


def test_links_to_other_sites_open_in_the_system_browser(open_window, screen, window_env, tmp_path):
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n')
    browser.chmod(0o755)
    window_env["BROWSER"] = str(browser)
    app = open_window(window_env)
    # The name field has the focus; Tab passes Submit and the (scrollable, so focusable)
    # view source, and reaches the documentation link.
    screen.press(screen.find_window("Flasky"), "Tab", "Tab", "Tab", "Return")
    deadline = time.monotonic() + 30
    while not (opened.exists() and opened.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert opened.read_text().startswith("https://flask.palletsprojects.com/")
    assert len(app.events(PAGE_LOADED)) == 1
    assert close_and_wait(screen, app) == 0


def test_name_form_and_local_time_work_in_the_window(open_window, screen, home, window_env):
    window_env.update(TZ="Asia/Kolkata", LANG="en_US.UTF-8")
    app = open_window(window_env)
    window = screen.find_window("Flasky")
    screen.type_into(window, "")  # an empty name: the web engine's own validation stops it
    screen.type_into(window, "Alice")
    app.wait_for_event(PAGE_LOADED, title="Hello, Alice! · Flasky")
    screen.type_into(window, "Bob")
    app.wait_for_event(PAGE_LOADED, title="Hello, Bob! · Flasky")
    assert close_and_wait(screen, app) == 0

    shown = [(page["title"], page["shows"]) for page in app.events(PAGE_LOADED)]
    # No page between the first and Alice's: the empty name never reached the server.
    assert [title for title, _ in shown] == [
        "Hello, Stranger! · Flasky",
        "Hello, Alice! · Flasky",
        "Hello, Bob! · Flasky",
    ]
    (_, stranger), (_, alice), (_, bob) = shown
    local_time, relative_time = stranger["times"]
    utc = datetime.fromisoformat(local_time["utc"])
    assert local_time["shown"] == english_lll(utc.astimezone(ZoneInfo("Asia/Kolkata")))
    assert relative_time == {"utc": local_time["utc"], "shown": "a few seconds ago"}

    assert alice["navigation"] == {"type": "navigate", "redirects": 1}
    assert alice["alerts"] == []
    assert bob["navigation"] == {"type": "navigate", "redirects": 1}
    assert bob["alerts"] == ["Looks like you have changed your name!"]
    assert stored_session(home)["names"] == ["Alice", "Bob"]

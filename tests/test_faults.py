"""Things going wrong around the running app: it explains, keeps working or exits cleanly,
and never loses what it saved."""

import http.client
import re
import signal
from urllib.parse import urlsplit

import pytest

from .app_process import AppProcess, Browser, user_environment


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


@pytest.fixture
def env(home):
    return user_environment(home)


def serve(home, env) -> AppProcess:
    return AppProcess(home, "--serve", env=env)


def stop(app: AppProcess) -> str:
    app.send(signal.SIGTERM)
    assert app.wait() == 0
    return app.output()


def test_corrupt_secret_key_file_is_replaced_and_the_app_serves(home, env):
    key_file = home / "data" / "Flasky" / "secret_key"
    key_file.parent.mkdir(parents=True)
    key_file.write_bytes(b"\x00garbage\xff")
    app = serve(home, env)
    try:
        assert "Hello, Stranger!" in Browser(app.entry_url).get()
    finally:
        stop(app)
    assert "is corrupt; setting it aside" in app.log()
    assert re.fullmatch(r"[0-9a-f]{64}", key_file.read_text())
    assert (key_file.parent / "secret_key.corrupt").read_bytes() == b"\x00garbage\xff"


def test_sigterm_in_the_middle_of_a_post_exits_cleanly_and_keeps_the_session(home, env):
    first = serve(home, env)
    browser = Browser(first.entry_url)
    assert "Hello, Alice!" in browser.submit_name("Alice")
    key = (home / "data" / "Flasky" / "secret_key").read_text()

    parts = urlsplit(first.entry_url)
    half_sent = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    half_sent.putrequest("POST", "/")
    half_sent.putheader("Content-Type", "application/x-www-form-urlencoded")
    half_sent.putheader("Content-Length", "1000")
    half_sent.endheaders(b"name=Bo")
    output = stop(first)
    half_sent.close()
    assert "Flasky stopped." in output
    assert "Traceback" not in output

    second = serve(home, env)
    try:
        again = Browser(second.entry_url, cookies=browser.cookies)
        assert "Hello, Alice!" in again.get()
    finally:
        stop(second)
    assert (home / "data" / "Flasky" / "secret_key").read_text() == key

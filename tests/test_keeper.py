"""The session keeper, on a real server: the latest session cookie the app handed out is on
disk before the answer leaves, and the next launch's entry hands it back to a window that
lost it."""

import stat
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from flask import session

from desktop.access import ACCESS_COOKIE, AccessGuard, entry_url
from desktop.client import AppClient
from desktop.keeper import FORGOTTEN, SessionKeeper
from desktop.server import start_server

from .helpers import submit_name

TOKEN = "launch-token-for-tests"


@pytest.fixture
def kept(tmp_path):
    return tmp_path / "data" / "session_cookie"


@pytest.fixture
def launch(app, kept):
    """``launch()`` serves the app as a launch does, behind the guard and the keeper, and
    lets in a new window (holding ``cookies``, if given); every server stops after the test."""

    @app.route("/forget")
    def forget():
        session.clear()
        return "forgotten"

    servers = []

    def launch_(cookies: dict[str, str] | None = None) -> AppClient:
        server = start_server(SessionKeeper(AccessGuard(app, TOKEN), kept, "flasky_session"))
        servers.append(server)
        return AppClient.enter(entry_url(server.url, TOKEN), cookies)

    yield launch_
    for server in servers:
        server.stop()


def say_alice(window: AppClient) -> None:
    assert submit_name(window, "Alice").status == 302


def greeting(window: AppClient) -> str:
    return "Alice" if "Hello, Alice!" in window.get("/").text else "Stranger"


def test_the_session_is_kept_on_disk_and_private_before_the_answer_leaves(launch, kept):
    say_alice(launch())
    assert kept.read_text().startswith("flasky_session=")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_a_window_that_lost_its_cookies_gets_the_session_back_at_the_next_entry(launch):
    say_alice(launch())
    assert greeting(launch()) == "Alice"


def test_a_window_that_kept_its_session_is_not_given_it_again(launch):
    window = launch()
    say_alice(window)
    again = launch(cookies={"flasky_session": window.cookies["flasky_session"]})
    entry = again.get(f"/?token={TOKEN}")
    assert [cookie.split("=")[0] for cookie in entry.headers.get_all("Set-Cookie")] == [
        "flasky_access"
    ]
    assert greeting(again) == "Alice"


def test_a_first_visit_with_no_session_does_not_replace_the_kept_one(launch):
    window = launch()
    say_alice(window)
    # As the launch's readiness check does: the app makes a session for the form's CSRF
    # token, with no expiry; it is not what the user was told is saved.
    first_visit = AppClient(window.base_url, cookies={ACCESS_COOKIE: TOKEN}).get("/")
    assert "flasky_session=" in first_visit.headers["Set-Cookie"]
    assert greeting(launch()) == "Alice"


def test_a_page_that_only_renews_the_cookie_does_not_write_it_again(launch, kept):
    window = launch()
    say_alice(window)
    for path in ("/", "/request"):  # a first visit changes the session: the tour marks it seen
        window.get(path)
    written = kept.stat()
    time.sleep(0.01)  # so that a write would show in the time of the last change
    window.get("/")
    window.get("/request")
    again = kept.stat()
    assert (again.st_ino, again.st_mtime_ns) == (written.st_ino, written.st_mtime_ns)


def test_a_tampered_kept_session_is_rejected_by_the_app(launch, kept):
    say_alice(launch())
    value = kept.read_text()
    at = value.index("=") + 5
    kept.write_text(value[:at] + ("A" if value[at] != "A" else "B") + value[at + 1 :])
    assert greeting(launch()) == "Stranger"


def test_a_cleared_session_is_forgotten_on_disk_too(launch, kept):
    window = launch()
    say_alice(window)
    assert window.get("/forget").status == 200
    assert kept.read_text() == FORGOTTEN
    assert greeting(launch()) == "Stranger"


def test_a_forgotten_session_the_engine_still_had_on_disk_is_expired_at_the_entry(launch):
    window = launch()
    say_alice(window)
    alice = window.cookies["flasky_session"]
    assert window.get("/forget").status == 200
    # The engine wrote its cookies before the session was cleared, then the app was killed.
    again = launch(cookies={"flasky_session": alice})
    assert greeting(again) == "Stranger"


@pytest.mark.parametrize(
    "content", [b"", b"\xff\xfe garbage", b"other=1; Path=/"], ids=["empty", "garbage", "foreign"]
)
def test_an_unreadable_or_foreign_kept_file_is_ignored(launch, kept, content):
    kept.parent.mkdir(parents=True)
    kept.write_bytes(content)
    assert greeting(launch()) == "Stranger"


def handing_out(cookies: list[str]):
    """A WSGI app that hands out the next of ``cookies`` as its Set-Cookie, request by request."""
    left = iter(cookies)

    def app(environ, start_response):
        start_response("200 OK", [("Set-Cookie", next(left))])
        return [b""]

    return app


def session_cookie(data: str, expires: datetime) -> str:
    expiry = format_datetime(expires, usegmt=True)
    return f"flasky_session={data}.timestamp.signature; Expires={expiry}"


def test_the_kept_cookie_is_renewed_a_day_later_even_with_the_same_data(kept):
    now = datetime.now(UTC).replace(microsecond=0)
    handed_out = [
        session_cookie("alice", now + timedelta(days=365)),
        session_cookie("alice", now + timedelta(days=365, hours=1)),
        session_cookie("alice", now + timedelta(days=366)),
    ]
    app = SessionKeeper(handing_out(handed_out), kept, "flasky_session")
    kept_each_time = []
    for _ in handed_out:
        app({}, lambda status, headers, exc_info=None: None)
        kept_each_time.append(kept.read_text())
    assert kept_each_time == [handed_out[0], handed_out[0], handed_out[2]]

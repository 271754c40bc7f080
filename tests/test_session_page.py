"""The session cookie page: the cookie split into its parts, and tamper, reload, restore."""

import json
import re
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import TimestampSigner
from itsdangerous.encoding import base64_encode

from webapp.main.session_cookie import decode_data

from .helpers import csrf_token, submit_name

pytestmark = pytest.mark.portable

SESSION = "flasky_session"
SET_ASIDE = "flasky_session_set_aside"


def cookie(client, name=SESSION):
    found = client.get_cookie(name)
    return found and found.value


def press(client, action: str):
    """Press a button of the session page, as a user does."""
    return client.post(f"/session/{action}", data={"csrf_token": csrf_token(client, "/session")})


def tamper(client):
    """Press "tamper"; the response, and the session cookie the browser sent with it (Flask
    signs a lasting session again on every page, so it is read just before)."""
    token = csrf_token(client, "/session")
    sent = cookie(client)
    return client.post("/session/tamper", data={"csrf_token": token}), sent


def set_cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def greeting(client) -> str:
    return re.search(r"<h1>(.*?)</h1>", client.get("/").text).group(1)


@pytest.fixture
def alice(client):
    """A client that gave its name, then opened the session page (which the tour notes in the
    session the first time)."""
    submit_name(client, "Alice")
    client.get("/session")
    return client


def test_the_page_shows_the_cookie_as_the_browser_sent_it_split_in_three(alice):
    value = cookie(alice)
    page = alice.get("/session").text
    data, timestamp, signature = value.rsplit(".", 2)
    assert f"<code>{value}</code>" in page
    assert f"<code>{data}</code>" in page and f"<code>{timestamp}</code>" in page
    assert f"<code>{signature}</code>" in page
    assert "&#34;name&#34;: &#34;Alice&#34;" in page
    signed_at = re.search(r"when it was signed: ([\d-]+ [\d:]+) UTC", page).group(1)
    age = datetime.now(UTC) - datetime.fromisoformat(signed_at).replace(tzinfo=UTC)
    assert timedelta(0) <= age < timedelta(seconds=5)
    assert "Flask accepted this cookie" in page


def test_tampering_changes_one_character_of_the_data_and_keeps_the_signature(alice):
    response, original = tamper(alice)
    assert response.status_code == 302
    assert set(set_cookies(response)) == {SESSION, SET_ASIDE}  # Flask's own did not replace it
    changed = cookie(alice)
    assert changed.rsplit(".", 2)[1:] == original.rsplit(".", 2)[1:]
    before, after = decode_data(original.rsplit(".", 2)[0]), decode_data(changed.rsplit(".", 2)[0])
    assert len(before) == len(after)
    assert sum(a != b for a, b in zip(before, after, strict=True)) == 1
    assert json.loads(after)["name"] == "Alicf"


def test_after_tampering_the_session_is_empty(alice):
    press(alice, "tamper")
    page = alice.get("/session").text
    assert "Flask refused this cookie: the signature does not match" in page
    assert '<p class="session-now">An empty session' in page
    assert greeting(alice) == "Hello, Stranger!"


def test_restore_gives_back_the_very_cookie_and_the_session(alice):
    _response, original = tamper(alice)
    alice.get("/session")
    response = press(alice, "restore")
    assert cookie(alice) == original
    assert "Expires=" in set_cookies(response)[SESSION]
    assert cookie(alice, SET_ASIDE) is None
    assert "Your session is back" in alice.get("/session?restored=1").text
    assert greeting(alice) == "Hello, Alice!"


def test_the_set_aside_cookie_lasts_as_long_as_the_session_and_the_tampered_one_does_not(alice):
    cookies = set_cookies(press(alice, "tamper"))
    expires = re.search(r"Expires=([^;]+)", cookies[SET_ASIDE]).group(1)
    lasts = datetime.strptime(expires, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC)
    assert lasts - datetime.now(UTC) > timedelta(days=364)
    assert "Expires" not in cookies[SESSION]


def test_a_name_given_after_tampering_is_kept_or_replaced_as_the_user_chooses(client):
    submit_name(client, "Alice")
    press(client, "tamper")
    submit_name(client, "Bob")
    page = client.get("/session").text
    assert "in place of the session your" in page
    assert "Restore my session" in page and "Keep the session I have now" in page
    press(client, "keep")
    assert cookie(client, SET_ASIDE) is None
    assert greeting(client) == "Hello, Bob!"


def test_restore_wins_over_a_session_made_after_tampering(alice):
    _response, original = tamper(alice)
    submit_name(alice, "Bob")  # a lasting session, which Flask refreshes on every response
    response = press(alice, "restore")
    assert list(set_cookies(response)) == [SESSION, SET_ASIDE]
    assert cookie(alice) == original
    assert greeting(alice) == "Hello, Alice!"


def test_a_second_tamper_never_replaces_the_session_set_aside(alice):
    press(alice, "tamper")
    set_aside = cookie(alice, SET_ASIDE)
    submit_name(alice, "Bob")
    response = press(alice, "tamper")
    assert SET_ASIDE not in set_cookies(response)
    assert "already set aside" in alice.get("/session").text
    assert cookie(alice, SET_ASIDE) == set_aside
    press(alice, "restore")
    assert greeting(alice) == "Hello, Alice!"


def test_every_other_page_reminds_of_a_session_set_aside(alice):
    press(alice, "tamper")
    assert "The tamper demo has set your session aside" in alice.get("/request").text
    assert "The tamper demo has set your session aside" not in alice.get("/session").text


def test_without_a_session_there_is_nothing_to_tamper_with(client):
    page = client.get("/session").text
    assert "Your browser sent no <code>flasky_session</code> cookie" in page
    assert "Tamper with my session cookie" not in page


def test_without_csrf_a_tamper_with_no_valid_cookie_is_refused_with_a_message(app):
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.set_cookie(SESSION, "not-a-session-cookie")
    client.post("/session/tamper")
    assert cookie(client, SET_ASIDE) is None
    assert "no valid session cookie to tamper with" in client.get("/session").text


def forged(data: bytes, compressed: bool = False) -> str:
    """A cookie with ``data`` in its first part, and a timestamp and signature of nothing."""
    encoded = base64_encode(zlib.compress(data) if compressed else data).decode()
    return f"{'.' if compressed else ''}{encoded}.abc.def"


@pytest.mark.parametrize(
    "value",
    [
        *["hello", "a.b", "..", ".", "a..b", "x" * 4000, "%ff.%fe.%fd", "é.ü.ß", "a.b.c", ".a.b.c"],
        forged(b'{"name": "\\ud800"}'),  # a lone surrogate
        forged(b"[" * 3000),  # nested deeper than Python's JSON reader goes
        forged(b"[" * 3_000_000, compressed=True),  # 3 MB in a 4 KB cookie
    ],
)
def test_a_cookie_that_is_not_a_session_cookie_gets_a_clear_message(client, value):
    client.set_cookie(SESSION, value)
    response = client.get("/session")
    assert response.status_code == 200
    assert re.search(r"is not a Flask session cookie|Flask refused this cookie", response.text)
    assert "Tamper with my session cookie" not in response.text
    client.set_cookie(SESSION, value)
    forged = client.post("/session/tamper", data={"csrf_token": "not-a-token"})
    assert forged.status_code == 400
    assert cookie(client, SET_ASIDE) is None


def test_a_session_set_aside_under_another_key_cannot_be_restored(alice):
    value = cookie(alice)
    alice.set_cookie(SET_ASIDE, TimestampSigner("another key").sign(value).decode())
    assert "it cannot be restored" in alice.get("/session").text
    press(alice, "restore")
    assert "no session set aside that this app can restore" in alice.get("/session").text
    press(alice, "keep")
    assert cookie(alice, SET_ASIDE) is None
    assert greeting(alice) == "Hello, Alice!"


def test_other_cookies_are_listed_and_the_access_cookie_is_masked(alice):
    alice.set_cookie("flasky_access", "the-launch-token-value")
    alice.get("/response")
    page = alice.get("/session").text
    assert "<code>answer</code>" in page and "<code>42</code>" in page
    assert "the-launch-token-value" not in page


@pytest.mark.filterwarnings("ignore:The 'flasky_session' cookie is too large")
def test_a_cookie_that_inflates_to_megabytes_is_not_shown(client):
    client.set_cookie(SESSION, forged(b"[" * 3_000_000, compressed=True))
    response = client.get("/session")
    assert "nothing that decodes" in response.text
    assert len(response.data) < 100_000

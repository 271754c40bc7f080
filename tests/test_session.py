import pytest

from webapp import create_app
from webapp.config import TestingConfig

from .helpers import submit_name

pytestmark = pytest.mark.portable


def session_cookie(client):
    return client.get_cookie("flasky_session")


def test_tampered_session_cookie_gives_empty_session(client):
    submit_name(client, "Alice")
    value = session_cookie(client).value
    position = len(value) // 2
    flipped = "A" if value[position] != "A" else "B"
    client.set_cookie("flasky_session", value[:position] + flipped + value[position + 1 :])
    assert "Hello, Stranger!" in client.get("/").text


def test_cookie_signed_with_another_key_gives_empty_session(client):
    other_config = TestingConfig()
    other_config.SECRET_KEY = "another key"
    other = create_app(other_config).test_client()
    submit_name(other, "Mallory")
    client.set_cookie("flasky_session", session_cookie(other).value)
    assert "Hello, Stranger!" in client.get("/").text


def test_session_cookie_is_persistent_httponly_and_samesite(client):
    submit_name(client, "Alice")
    cookie = session_cookie(client)
    assert cookie.expires is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"

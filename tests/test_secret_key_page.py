"""The secret key page: where the key came from, what a new key does, and never the key."""

import pytest

from webapp import create_app
from webapp.config import load_config

from .app_pages import every_page_text
from .helpers import submit_name

pytestmark = pytest.mark.portable

PLANTED_KEY = "Zq8Xw3Lm5Rt7Vb2Nc4Kp6Jh9Gf1Ds0"


def app_with_key_from(environ, stored_key=None):
    config = load_config("testing", environ, stored_key)
    return create_app(config)


@pytest.mark.parametrize(
    ("environ", "stored_key", "origin"),
    [
        ({"FLASKY_SECRET_KEY": PLANTED_KEY}, None, "from the environment"),
        ({}, lambda: PLANTED_KEY, "from this installation&#39;s own file"),
        ({}, lambda: None, "made for this run only"),
    ],
    ids=["environment", "per-install-file", "ephemeral"],
)
def test_the_page_says_where_the_key_came_from(environ, stored_key, origin):
    page = app_with_key_from(environ, stored_key).test_client().get("/secret-key").text
    assert f'class="key-origin">{origin}</strong>' in page


def test_a_key_set_in_code_is_named_as_such(client):
    assert 'class="key-origin">set directly on the config object</strong>' in (
        client.get("/secret-key").text
    )


def test_the_session_cookie_is_accepted_by_this_key_and_refused_by_a_new_one(client):
    submit_name(client, "Alice")
    page = client.get("/secret-key").text
    assert '<td class="key-check-current">accepted</td>' in page
    assert (
        '<td class="key-check-new">refused: the signature does not match the data and timestamp'
        in page
    )


def test_a_cookie_from_another_key_is_refused_by_this_one(client):
    other = app_with_key_from({"FLASKY_SECRET_KEY": "another key"}).test_client()
    submit_name(other, "Mallory")
    client.set_cookie("flasky_session", other.get_cookie("flasky_session").value)
    page = client.get("/secret-key").text
    assert '<td class="key-check-current">refused: the signature does not match' in page


def test_without_a_session_cookie_the_page_asks_for_a_name(client):
    assert "Your browser has no session cookie yet" in client.get("/secret-key").text


def test_no_page_shows_the_key_nor_any_part_of_it():
    app = app_with_key_from({"FLASKY_SECRET_KEY": PLANTED_KEY})
    client = app.test_client()
    submit_name(client, "Alice")
    parts = {PLANTED_KEY[start : start + 6] for start in range(len(PLANTED_KEY) - 5)}
    for path, text in every_page_text(client, app).items():
        assert not {part for part in parts if part in text}, path

import re

import pytest
from flask import Flask
from itsdangerous import TimestampSigner

from webapp import create_app
from webapp.config import load_config

from .helpers import csrf_token

pytestmark = pytest.mark.portable


def test_unknown_path_gets_the_custom_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'class="navbar' in response.text
    assert re.search(r'<a [^>]*href="/"[^>]*>Back to the home page</a>', response.text)


def test_post_without_csrf_token_gets_a_friendly_400(client):
    response = client.post("/", data={"name": "Alice"})
    assert response.status_code == 400
    assert "The form has expired" in response.text
    assert 'class="navbar' in response.text


def test_post_with_a_wrong_csrf_token_gets_a_friendly_400(client):
    token = csrf_token(client)
    response = client.post("/", data={"name": "Alice", "csrf_token": token[:-2] + "xx"})
    assert response.status_code == 400
    assert "The form has expired" in response.text


def test_wrong_method_gets_an_error_page(client):
    response = client.delete("/")
    assert response.status_code == 405
    assert "Method Not Allowed" in response.text


@pytest.fixture
def failing_app(app: Flask):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/fail")
    def fail():
        raise RuntimeError("a bug")

    return app


def test_unhandled_error_gets_the_500_page_without_a_traceback(failing_app):
    response = failing_app.test_client().get("/fail")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "Traceback" not in response.text
    assert "a bug" not in response.text


@pytest.fixture
def clock(monkeypatch):
    """Move the clock that signs and checks CSRF tokens: ``clock.move(seconds)``."""

    class Clock:
        offset = 0

        def move(self, seconds: int) -> None:
            self.offset += seconds

    clock = Clock()
    now = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now(self) + clock.offset)
    return clock


@pytest.mark.parametrize("config", ["testing", "desktop"])
def test_a_form_left_open_for_days_still_submits(clock, config):
    client = create_app(load_config(config, {"FLASKY_SECRET_KEY": "a key"})).test_client()
    token = csrf_token(client)
    clock.move(3 * 24 * 3600)
    response = client.post("/", data={"name": "Alice", "csrf_token": token})
    assert response.status_code == 302
    assert "Hello, Alice!" in client.get("/").text


def test_a_refused_name_form_comes_back_with_what_was_typed(client):
    response = client.post("/", data={"name": "Alice", "csrf_token": "stale"})
    assert response.status_code == 400
    assert "The form has expired, so it was not sent." in response.text
    assert re.search(r'<input [^>]*name="name"[^>]*value="Alice"', response.text)
    fresh = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.text).group(1)
    assert client.post("/", data={"name": "Alice", "csrf_token": fresh}).status_code == 302

import re

import pytest
from flask import Flask

from .helpers import csrf_token


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

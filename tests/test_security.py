"""The web app's own defences: headers, no inline script, CSRF on every write, robust sessions."""

import re

import pytest

from desktop.selftest import page_resources
from webapp import create_app
from webapp.config import load_config
from webapp.security import OPENER_POLICY, SECURITY_HEADERS

from .helpers import submit_name

pytestmark = pytest.mark.portable

PAGES = [
    "/",
    "/user/Dave",
    "/user/1",
    "/request",
    "/context",
    "/routes",
    "/routes/main.user",
    "/bad-request",
    "/response",
    "/responses",
    "/wsgi",
    "/threads",
    "/threads?size=8",
    "/command-line",
    "/secret-key",
    "/csrf",
    "/session",
    "/tour",
    "/missing",
]
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def visited(client):
    submit_name(client, "Alice")
    return client


@pytest.mark.parametrize("path", [*PAGES, "/static/flasky.css", "/flask-moment.js"])
def test_every_response_carries_the_security_headers(visited, path):
    response = visited.get(path)
    for header, value in SECURITY_HEADERS.items():
        assert response.headers[header] == value
    assert response.headers[OPENER_POLICY] == "same-origin"


def test_csp_allows_only_the_apps_own_origin():
    policy = SECURITY_HEADERS["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "http" not in policy


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_inline_script_or_event_handler(visited, path):
    page = visited.get(path).text
    assert len(re.findall(r"<script\b", page)) == len(re.findall(r"<script\b[^>]*\bsrc=", page))
    assert not re.search(r"\son[a-z]+\s*=", page)
    assert set(re.findall(r'\sstyle="([^"]*)"', page)) <= {"display: none"}
    assert page_resources(page).resources


@pytest.fixture(params=["testing", "desktop"])
def configured_app(request):
    """The app under each config it runs with: the tests' own, and the desktop launcher's."""
    return create_app(load_config(request.param, {"FLASKY_SECRET_KEY": "a key for tests only"}))


def test_every_rule_that_accepts_writes_rejects_a_request_without_a_csrf_token(configured_app):
    app, client = configured_app, configured_app.test_client()
    rules = [rule for rule in app.url_map.iter_rules() if rule.methods & WRITE_METHODS]
    assert rules, "the app has no writable rule"
    for rule in rules:
        path = rule.rule.replace("<name>", "Dave").replace("<int:id>", "1")
        for method in sorted(rule.methods & WRITE_METHODS):
            for token in [None, "not-a-token"]:
                data = {"name": "Mallory"} | ({"csrf_token": token} if token else {})
                response = client.open(path, method=method, data=data)
                assert response.status_code == 400, (method, path, token)
                assert "The form has expired" in response.text
    with client.session_transaction() as session:
        assert "name" not in session


def session_cookie(client) -> str:
    return client.get_cookie("flasky_session").value


@pytest.mark.filterwarnings("ignore:The 'flasky_session' cookie is too large")
@pytest.mark.parametrize(
    "spoil",
    [
        lambda value: value[: len(value) // 2],
        lambda value: value + "x",
        lambda value: "." + value,
        lambda value: value.replace(".", "", 1),
        lambda value: "x" * 5000,
        lambda value: "",
        lambda value: "%ff%fe",
        lambda value: "eyJuYW1lIjoiTWFsbG9yeSJ9.abc.def",
    ],
    ids=[
        "truncated",
        "appended",
        "leading-dot",
        "no-separator",
        "huge",
        "empty",
        "percent-bytes",
        "forged-payload",
    ],
)
def test_spoilt_session_cookie_gives_an_empty_session_not_an_error(visited, spoil):
    visited.set_cookie("flasky_session", spoil(session_cookie(visited)))
    response = visited.get("/")
    assert response.status_code == 200
    assert "Hello, Stranger!" in response.text


def test_non_utf8_session_cookie_gives_an_empty_session(app):
    client = app.test_client()
    response = client.get(
        "/",
        headers={
            "Cookie": "flasky_session=\udcff\udcfe".encode("utf-8", "surrogateescape").decode(
                "latin-1"
            )
        },
    )
    assert response.status_code == 200
    assert "Hello, Stranger!" in response.text


def test_request_body_over_the_limit_gets_413(client):
    response = client.post("/", data={"name": "x" * (1024 * 1024 + 1)})
    assert response.status_code == 413
    assert "Request Entity Too Large" in response.text

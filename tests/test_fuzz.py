"""Hypothesis throws arbitrary paths, queries, forms, headers and cookies at the real app.

Whatever arrives, the answer is never a server error and never shows a traceback.
``make fuzz`` runs the big profile (over 10,000 requests); ``make test`` a small one.
"""

import re
import string
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import Client

from desktop.access import ACCESS_COOKIE, AccessGuard
from webapp import create_app
from webapp.config import DesktopConfig

pytestmark = pytest.mark.portable

TOKEN = "fuzz-token"
requests_sent = 0  # reported at the end of the run by conftest.py

any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
latin1_text = st.text(
    st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f"), max_size=300
)
header_names = st.text(string.ascii_letters + string.digits + "-", min_size=1, max_size=40).filter(
    lambda name: name.lower() not in {"host", "content-length", "cookie", "transfer-encoding"}
)
huge_values = st.builds(
    lambda character, size: character * size,
    st.characters(exclude_categories=("Cs",)),
    st.integers(0, 1_100_000),
)
form_values = st.one_of(any_text, st.just("\x00"), huge_values)


@pytest.fixture(scope="module")
def app():
    config = DesktopConfig()
    config.SECRET_KEY = "a key for fuzzing only"
    return create_app(config)


@pytest.fixture(scope="module")
def guarded(app):
    """The whole stack the window talks to, minus the socket: guard, then Flask."""
    return Client(AccessGuard(app, TOKEN), use_cookies=False)


def check(response) -> None:
    global requests_sent
    requests_sent += 1
    body = response.get_data()
    assert response.status_code < 500, body[:500]
    assert b"Traceback" not in body


def access(cookies: str = "") -> dict[str, str]:
    return {"Cookie": f"{ACCESS_COOKIE}={TOKEN}" + (f"; {cookies}" if cookies else "")}


fuzz = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@fuzz
@given(
    segments=st.lists(any_text, max_size=5),
    prefix=st.sampled_from(["", "user", "static", "bootstrap"]),
)
def test_any_path_gets_a_page_not_an_error(guarded, segments, prefix):
    path = "/" + "/".join(quote(part, safe="") for part in [prefix, *segments] if part)
    check(guarded.get(path, headers=access()))


@fuzz
@given(
    arguments=st.lists(st.tuples(any_text, any_text), max_size=8),
    path=st.sampled_from(["/", "/request", "/context", "/user/1"]),
)
def test_any_query_string_gets_a_page_not_an_error(guarded, arguments, path):
    check(guarded.get(path, query_string=urlencode(arguments), headers=access()))


@fuzz
@given(
    headers=st.dictionaries(header_names, latin1_text, max_size=8),
    path=st.sampled_from(["/", "/request", "/response"]),
)
def test_any_headers_get_a_page_not_an_error(guarded, headers, path):
    check(guarded.get(path, headers=headers | access()))


@fuzz
@given(
    cookies=latin1_text, raw=st.binary(max_size=200).map(lambda raw: re.sub(rb"[\r\n;]", b"", raw))
)
def test_any_cookies_get_a_page_not_an_error(guarded, cookies, raw):
    check(guarded.get("/", headers=access(cookies)))
    check(
        guarded.get("/", headers=access("flasky_session=" + raw.decode("latin-1").replace(";", "")))
    )


@fuzz
@given(name=form_values, extra=st.dictionaries(any_text, form_values, max_size=3))
def test_any_form_gets_an_answer_not_an_error(app, name, extra):
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/").text).group(1)
    response = client.post("/", data=extra | {"name": name, "csrf_token": token})
    check(response)
    assert response.status_code in (200, 302, 400, 413)

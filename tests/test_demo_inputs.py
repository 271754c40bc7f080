"""Whatever the demos are given, they answer with a page, never a server error; and the tamper
demo changes exactly one character of any session's data."""

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import Client

from webapp import create_app
from webapp.config import TestingConfig
from webapp.main.session_cookie import (
    decode_data,
    session_serializer,
    signature_problem,
    tampered,
)

pytestmark = pytest.mark.portable

cookie_text = st.text(
    st.characters(min_codepoint=33, max_codepoint=255, exclude_characters=';\\"\x7f'),
    max_size=400,
)
names = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=64)
quick = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def app():
    config = TestingConfig()
    config.SECRET_KEY = "a key for tests only"
    config.TESTING = False  # errors become the app's 500 page, as in the desktop app
    return create_app(config)


@pytest.fixture(scope="module")
def browser(app):
    return Client(app, use_cookies=False)


def answered(response) -> int:
    assert b"Traceback" not in response.get_data()
    return response.status_code


@quick
@given(data=cookie_text, set_aside=cookie_text)
def test_any_session_cookie_gets_the_session_page(browser, data, set_aside):
    cookies = f"flasky_session={data}; flasky_session_set_aside={set_aside}"
    assert answered(browser.get("/session", headers={"Cookie": cookies})) == 200
    assert answered(browser.get("/secret-key", headers={"Cookie": cookies})) == 200


@quick
@given(size=st.text(max_size=50) | st.integers().map(str))
def test_any_burst_size_gets_the_threads_page(browser, size):
    assert answered(browser.get("/threads", query_string={"size": size})) == 200


@quick
@given(endpoint=st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=60))
def test_any_endpoint_gets_a_page_or_a_404(browser, endpoint):
    # A "%2F" is a slash by the time the app sees it, and Werkzeug answers a path with two
    # slashes in a row with a redirect to the path with one (308): also a page, not an error.
    for page in ("/routes/", "/responses/"):
        response = browser.get(page + quote(endpoint, safe=""))
        assert answered(response) in (200, 308, 404)
        if response.status_code == 308:
            assert "//" in page + endpoint and "//" not in response.location.split("://")[1]


@quick
@given(name=names, others=st.lists(names, max_size=20))
def test_tampering_changes_one_character_of_any_session_and_breaks_its_signature(app, name, others):
    with app.test_request_context():
        value = session_serializer().dumps({"_permanent": True, "name": name, "names": others})
        changed = tampered(value)
        assert signature_problem(changed) is not None
        before = json.loads(decode_data(value.rsplit(".", 2)[0]))
        after = json.loads(decode_data(changed.rsplit(".", 2)[0]))
        assert after["name"][:-1] == name[:-1] and after["name"][-1] != name[-1]
        assert {**after, "name": name} == before

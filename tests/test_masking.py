"""The launch's access cookie and token are secrets: every page shows them masked."""

import http.client

import pytest
from flask import Flask

from desktop.access import ACCESS_COOKIE, AccessGuard, new_token
from desktop.server import start_server
from webapp.masking import MASK, mask_cookies, mask_query, mask_set_cookie, mask_url

from .app_pages import every_page_path, panel_source
from .helpers import submit_name

PLANTED = "PlantedToken8xQ2w"
SHOWN = {  # pages that show cookies, headers or query arguments, and what they show masked
    "/request": [
        "flasky_access=" + MASK,
        '<code>token</code></td><td class="text-break"><code>' + MASK,
    ],
    "/wsgi": ["flasky_access=" + MASK, "token=" + MASK],
    "/session": ['<code>flasky_access</code></td><td class="text-break"><code>' + MASK],
}


@pytest.fixture
def app_of_a_launch():
    """The app with the masked names of a launch (the desktop config's, which are the base's)."""
    app = Flask(__name__)
    app.config.update(MASKED_COOKIES=("flasky_access",), MASKED_ARGS=("token",))
    with app.app_context():
        yield app


@pytest.mark.parametrize(
    ("query", "masked"),
    [
        ("token=abc", f"token={MASK}"),
        ("a=1&token=abc&b=2", f"a=1&token={MASK}&b=2"),
        ("token=a&token=b", f"token={MASK}&token={MASK}"),
        ("TOKEN=abc", f"TOKEN={MASK}"),
        ("tok%65n=abc", f"tok%65n={MASK}"),
        ("token", f"token={MASK}"),
        ("tokens=abc&a=token", "tokens=abc&a=token"),
        ("", ""),
    ],
)
def test_token_arguments_are_masked_wherever_they_are_in_a_query(app_of_a_launch, query, masked):
    assert mask_query(query) == masked


def test_urls_keep_all_but_the_token(app_of_a_launch):
    assert mask_url("http://127.0.0.1:5000/wsgi?token=abc#top") == (
        f"http://127.0.0.1:5000/wsgi?token={MASK}#top"
    )
    assert mask_url("/request") == "/request"


def test_the_access_cookie_is_masked_in_cookie_and_set_cookie_headers(app_of_a_launch):
    assert mask_cookies("answer=42; flasky_access=abc; x=1") == (
        f"answer=42; flasky_access={MASK}; x=1"
    )
    assert mask_cookies("flasky_access=abc") == f"flasky_access={MASK}"
    assert mask_set_cookie("flasky_access=abc; Path=/; HttpOnly") == (
        f"flasky_access={MASK}; Path=/; HttpOnly"
    )
    assert mask_set_cookie("answer=42; Path=/") == "answer=42; Path=/"


def test_no_page_shows_the_launch_token_planted_in_cookie_query_and_referer(app, client):
    submit_name(client, "Alice")
    client.set_cookie("flasky_access", PLANTED)
    client.get("/response")  # one more cookie, to be shown beside it
    query = {"token": PLANTED, "colour": "blue"}
    headers = {"Referer": f"http://localhost/?token={PLANTED}"}
    paths = every_page_path(app)
    assert len(paths) > 20
    for path in paths:
        page = client.get(path, query_string=query, headers=headers).get_data(as_text=True)
        assert PLANTED not in page, path
        for shown in SHOWN.get(path, []):
            assert shown in page, (path, shown)
        if source := panel_source(page):
            assert PLANTED not in client.get(source).text, source
    assert PLANTED not in client.get("/responses").text


def test_a_post_with_the_token_in_its_address_is_masked_in_the_latest_responses(client):
    client.post(f"/csrf/target?token={PLANTED}")
    page = client.get("/responses").text
    assert f"<code>POST /csrf/target?token={MASK}</code>" in page
    assert PLANTED not in page


def test_behind_the_real_guard_and_server_no_page_shows_the_token(app):
    """As the desktop app serves it: the guard lets the window in by its cookie; a ?token= that
    is not the launch's own reaches the app, and Waitress puts it in REQUEST_URI too."""
    token = new_token()
    with start_server(AccessGuard(app, token)) as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        host = f"127.0.0.1:{server.port}"
        for path in every_page_path(app):
            connection.request(
                "GET",
                f"{path}?token={PLANTED}",
                headers={"Host": host, "Cookie": f"{ACCESS_COOKIE}={token}"},
            )
            response = connection.getresponse()
            page = response.read().decode("utf-8", "replace")
            assert response.status != 403, path
            assert token not in page and PLANTED not in page, path
        connection.close()

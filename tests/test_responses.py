"""The response panel of every page and the latest responses: what the app really sent."""

import re

import pytest

from webapp.response_log import ResponseLog, SentResponse

from .helpers import submit_name

pytestmark = pytest.mark.portable


def panel_source(page: str) -> str:
    return re.search(r'<details class="response-panel[^"]*" data-src="([^"]+)">', page).group(1)


def sent_as_text(response) -> str:
    """The status line and headers the client received: the app's own, with no server between."""
    headers = [f"{name}: {value}" for name, value in response.headers.items()]
    return "\n".join([response.status, *headers])


@pytest.mark.parametrize("path", ["/", "/bad-request", "/response", "/request", "/no-such-page"])
def test_every_page_has_a_collapsed_panel_with_the_headers_it_was_sent_with(client, path):
    response = client.get(path)
    panel_tag = re.search(r'<details class="response-panel[^>]*>', response.text).group(0)
    assert " open" not in panel_tag
    panel = client.get(panel_source(response.text))
    assert panel.status_code == 200
    assert panel.mimetype == "text/plain"
    assert panel.text == sent_as_text(response)


def test_the_panel_shows_the_status_and_the_set_cookie_of_a_page(client):
    assert client.get(panel_source(client.get("/bad-request").text)).text.startswith(
        "400 BAD REQUEST\n"
    )
    panel = client.get(panel_source(client.get("/response").text)).text
    assert "\nSet-Cookie: answer=42; HttpOnly; Path=/; SameSite=Lax" in panel


def test_the_panel_shows_the_session_cookie_flask_adds_after_every_hook(client):
    submit_name(client, "Alice")
    panel = client.get(panel_source(client.get("/").text)).text
    assert "\nSet-Cookie: flasky_session=" in panel
    assert "\nVary: Cookie" in panel


def test_the_redirect_is_in_the_latest_responses_just_before_the_page_it_led_to(client):
    client.get("/redirect", follow_redirects=True)
    page = client.get("/responses").text
    redirect = page.index("<code>GET /redirect</code> → <strong>302 FOUND</strong>")
    landing = page.index("<code>GET /</code> → <strong>200 OK</strong>")
    assert landing < redirect  # newest first
    assert "\nLocation: /\n" in page


def test_a_post_that_redirects_shows_its_302_in_the_latest_responses(client):
    submit_name(client, "Alice")
    assert "<code>POST /</code> → <strong>302 FOUND</strong>" in client.get("/responses").text


def test_only_pages_are_logged_not_their_assets(client):
    client.get("/static/flasky.css")
    client.get(panel_source(client.get("/").text))
    page = client.get("/responses").text
    assert "<code>GET /static/flasky.css</code>" not in page
    assert "<code>GET /responses/" not in page
    assert "<code>GET /</code>" in page


def test_an_unknown_response_is_a_404(client):
    assert client.get("/responses/no-such-response").status_code == 404


def test_the_log_keeps_the_latest_responses_newest_first():
    log = ResponseLog(size=3)
    for number in range(5):
        log.add(SentResponse(str(number), None, "GET", f"/{number}", "", "200 OK", []))
    assert [response.id for response in log.latest(10)] == ["4", "3", "2"]
    assert log.get("1") is None
    assert log.get("2").path == "/2"

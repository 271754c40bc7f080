"""The tour: every note linked to its live page, visited pages kept in the session, and
previous/next links from page to page."""

import re

import pytest
from flask import url_for

from webapp.main.tour import NOTES, PAGES, STOPS

from .helpers import submit_name

pytestmark = pytest.mark.portable


def tour_rows(client) -> list[tuple[str, str, str, str]]:
    """(page, note, link, seen) for each row of the tour."""
    page = client.get("/tour").text
    rows = re.findall(
        r"<tr>\s*<td>(\d+)</td>\s*<td>(.*?)</td>\s*<td><a href=\"([^\"]+)\">.*?</a></td>\s*"
        r"<td>(.*?)</td>\s*</tr>",
        page,
        re.S,
    )
    return [
        (number, note, link, "seen" if ">seen<" in seen else "not yet")
        for number, note, link, seen in rows
    ]


def stop_urls(app) -> list[str]:
    with app.test_request_context():
        return [url_for(endpoint, **PAGES[endpoint]) for endpoint in STOPS]


def note_urls(app) -> list[str]:
    with app.test_request_context():
        return [note.url for note in NOTES]


def tour_links(page: str) -> dict[str, str]:
    nav = re.search(r'<nav class="tour-links[^>]*aria-label="Tour">(.*?)</nav>', page, re.S).group(
        1
    )
    return dict(
        (rel, href) for href, rel in re.findall(r'<a href="([^"]+)" rel="(prev|next)">', nav)
    )


def test_the_tour_lists_every_note_with_the_page_that_shows_it(app, client):
    rows = tour_rows(client)
    assert [(int(number), link) for number, _text, link, _seen in rows] == [
        (note.page, url) for note, url in zip(NOTES, note_urls(app), strict=True)
    ]


def test_every_page_the_tour_names_exists(client):
    submit_name(client, "Alice")  # so that /user/1 is a name of the history
    for _number, _text, link, _seen in tour_rows(client):
        assert client.get(link).status_code in (200, 302, 400), link


def test_a_page_is_marked_seen_once_visited(client):
    assert {seen for *_, seen in tour_rows(client)} == {"not yet"}
    client.get("/threads")
    rows = tour_rows(client)
    threads = [seen for _number, _text, link, seen in rows if link == "/threads"]
    assert threads == ["seen", "seen"]
    assert "You have seen 1 of these\n  17 pages." in client.get("/tour").text
    with client.session_transaction() as session:
        assert session["visited"] == ["main.threads"]


def test_the_session_changes_only_at_the_first_visit_of_a_page(client):
    assert "Set-Cookie" in client.get("/wsgi").headers  # a new session, holding the mark
    assert "Set-Cookie" not in client.get("/wsgi").headers
    client.get("/redirect")
    with client.session_transaction() as session:
        assert session["visited"] == ["main.wsgi", "main.redirect_home"]


def test_a_form_sent_or_an_asset_fetched_marks_nothing(client):
    # The last form of the CSRF demo carries this session's own token.
    token = re.findall(r'name="csrf_token" value="([^"]+)"', client.get("/csrf").text)[-1]
    assert client.post("/", data={"name": "Alice", "csrf_token": token}).status_code == 302
    client.get("/static/flasky.css")
    with client.session_transaction() as session:
        assert session["visited"] == ["main.csrf_demo"]


def test_previous_and_next_lead_through_every_stop_in_order(app, client):
    urls = stop_urls(app)
    submit_name(client, "Alice")
    for index, url in enumerate(urls):
        page = client.get(url).text
        links = tour_links(page)
        assert links.get("prev") == (urls[index - 1] if index else None), url
        assert links.get("next") == (urls[index + 1] if index + 1 < len(urls) else None), url
        assert f"The tour: page {index + 1} of {len(urls)}</a>" in page


def test_the_redirect_is_on_the_tour_but_not_a_stop_of_its_links(client):
    assert "main.redirect_home" in PAGES and "main.redirect_home" not in STOPS
    assert "/redirect" in [link for _n, _t, link, _s in tour_rows(client)]

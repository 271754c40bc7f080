"""What a visitor does, in a real browser engine on the real server."""

import re

import pytest
from playwright.sync_api import Page, Request, expect

from .conftest import NARROW, WIDE
from .pages import PAGES, give_a_name, submit_name

CHANGED = "Looks like you have changed your name!"
# How the page in the tab was reached: the last entry of its history.
NAVIGATION = """() => {
    const entry = performance.getEntriesByType("navigation")[0];
    return {type: entry.type, redirects: entry.redirectCount};
}"""


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def test_empty_name_is_stopped_by_the_browser_before_any_request(page):
    posts: list[Request] = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    page.goto("/")
    name = page.get_by_label("What is your name?")
    page.get_by_role("button", name="Submit").click()

    assert name.evaluate("field => field.validity.valueMissing")
    assert name.evaluate("field => field.validationMessage")
    expect(heading(page)).to_have_text("Hello, Stranger!")
    # The next submission is the first the server sees: the empty one never left the page.
    submit_name(page, "Alice")
    assert [request.post_data_json["name"] for request in posts] == ["Alice"]


def test_blank_name_gets_an_inline_error_and_stays_on_the_index(page):
    page.goto("/")
    response = submit_name(page, "   ")  # not empty to the browser, blank to the server
    assert (response.request.method, response.status) == ("POST", 200)
    assert response.request.redirected_from is None
    assert page.url.endswith("/")
    expect(heading(page)).to_have_text("Hello, Stranger!")
    expect(page.get_by_label("What is your name?")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.get_by_text("This field is required.")).to_be_visible()


def test_valid_name_redirects_to_a_get_and_a_reload_does_not_resubmit(page):
    page.goto("/")
    landed = submit_name(page, "Alice")

    post = landed.request.redirected_from
    assert (post.method, post.response().status) == ("POST", 302)
    assert (landed.request.method, landed.status, landed.url) == ("GET", 200, page.url)
    assert page.evaluate(NAVIGATION) == {"type": "navigate", "redirects": 1}
    expect(heading(page)).to_have_text("Hello, Alice!")
    expect(page).to_have_title("Hello, Alice! · Flasky")

    reloaded = page.reload()
    assert (reloaded.request.method, reloaded.request.redirected_from) == ("GET", None)
    assert page.evaluate(NAVIGATION) == {"type": "reload", "redirects": 0}
    expect(heading(page)).to_have_text("Hello, Alice!")
    names_given = page.get_by_role("list").filter(has_text="Alice").get_by_role("listitem")
    expect(names_given).to_have_count(1)


def test_changing_the_name_flashes_once_and_the_greeting_stays(page):
    give_a_name(page, "Alice")
    expect(page.get_by_role("alert")).to_have_count(0)

    submit_name(page, "Bob")
    expect(page.get_by_role("alert")).to_have_text(CHANGED)
    expect(heading(page)).to_have_text("Hello, Bob!")

    page.reload()
    expect(heading(page)).to_have_text("Hello, Bob!")
    expect(page.get_by_role("alert")).to_have_count(0)


def test_the_flash_can_be_dismissed(page):
    give_a_name(page, "Alice")
    submit_name(page, "Bob")
    page.get_by_role("alert").get_by_role("button", name="Close").click()
    expect(page.get_by_role("alert")).to_have_count(0)


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["wide", "narrow"])
def test_every_navbar_link_opens_its_page(new_context, viewport):
    page = new_context(viewport=viewport).new_page()
    give_a_name(page)
    navbar = page.get_by_role("navigation", name="Main")
    links = navbar.locator(".nav-link")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert set(hrefs) == {*PAGES, "/redirect"} - {"/no-such-page"}

    for index, href in enumerate(hrefs):
        link = links.nth(index)
        if viewport is NARROW:
            expect(link).to_be_hidden()
            toggler = navbar.get_by_role("button", name="Toggle navigation")
            toggler.click()
            expect(toggler).to_have_attribute("aria-expanded", "true")
            # Bootstrap marks the menu .show once it has finished opening.
            expect(navbar.locator(".navbar-collapse")).to_have_class(re.compile(r"\bshow\b"))
        with page.expect_navigation() as navigation:
            link.click()
        response = navigation.value
        assert response.status == PAGES.get(href, 200), href
        expect(heading(page)).to_be_visible()
        if href == "/redirect":
            assert response.request.redirected_from.response().status == 302
            assert page.url == page.evaluate("location.origin") + "/"
        else:
            assert page.url == page.evaluate("location.origin") + href
            expect(links.nth(index)).to_have_attribute("aria-current", "page")


def test_missing_page_shows_the_custom_404_with_a_way_back(page):
    response = page.goto("/no/such/page")
    assert response.status == 404
    expect(page).to_have_title("Page not found · Flasky")
    expect(heading(page)).to_have_text("Page not found")
    with page.expect_navigation():
        page.get_by_role("link", name="Back to the home page").click()
    expect(heading(page)).to_have_text("Hello, Stranger!")
    assert page.url == page.evaluate("location.origin") + "/"


def test_a_refused_form_comes_back_with_what_was_typed_and_sends_again(page):
    page.goto("/")
    page.locator("input[name=csrf_token]").evaluate("token => token.remove()")
    page.get_by_label("What is your name?").fill("Alice")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Submit").click()
    assert navigation.value.status == 400
    expect(page.get_by_role("alert")).to_contain_text("The form has expired, so it was not sent")
    expect(page.get_by_label("What is your name?")).to_have_value("Alice")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit").click()
    expect(heading(page)).to_have_text("Hello, Alice!")

"""The live demos, in a real browser engine on the real server: each shows what it claims."""

import re

import pytest
from playwright.sync_api import Page, expect

from webapp.main.server import PROBE_SECONDS

from .conftest import NARROW, WIDE
from .pages import give_a_name


def open_response_panel(page: Page):
    panel = page.locator("details.response-panel")
    expect(panel).not_to_have_attribute("open", "")
    panel.locator("summary").click()
    return panel


def test_the_response_panel_shows_the_status_and_headers_of_the_page(page):
    page.goto("/response")
    text = open_response_panel(page).locator(".response-text")
    expect(text).to_contain_text("200 OK\nContent-Type: text/html; charset=utf-8")
    expect(text).to_contain_text("Set-Cookie: answer=42")
    expect(page.locator(".redirect-note")).to_be_hidden()


def test_after_a_redirect_the_panel_points_to_the_302_the_browser_followed(page):
    page.goto("/redirect")
    assert page.url == page.evaluate("location.origin") + "/"
    panel = open_response_panel(page)
    expect(panel.locator(".response-text")).to_contain_text("200 OK")
    note = panel.locator(".redirect-note")
    expect(note).to_be_visible()
    with page.expect_navigation():
        note.get_by_role("link").click()
    redirect = page.locator(".sent-response").filter(has_text="GET /redirect → 302 FOUND").first
    expect(redirect).to_contain_text("Location: /")


def session_cookie(page: Page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "flasky_session")


def test_tamper_reload_and_restore_the_session_cookie(page):
    give_a_name(page, "Alice")
    page.goto("/session")
    expect(page.locator(".signature-check")).to_contain_text("Flask accepted this cookie")
    original = session_cookie(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Tamper with my session cookie").click()
    expect(page.locator(".signature-check")).to_contain_text("Flask refused this cookie")
    expect(page.locator(".cookie-data")).to_contain_text('"name": "Alicf"')
    expect(page.locator(".session-now")).to_have_text("An empty session: {}.")
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Stranger!")

    with page.expect_navigation():
        page.get_by_role("link", name="restore it on the session page").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Restore my session").click()
    expect(page.get_by_role("status")).to_have_text(
        "Your session is back, exactly as it was before the tamper."
    )
    # The same data; Flask has signed it again with a newer timestamp, as on every response.
    assert session_cookie(page).rsplit(".", 2)[0] == original.rsplit(".", 2)[0]
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Alice!")


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["wide", "narrow"])
def test_the_csrf_demo_refuses_the_forged_forms_and_accepts_the_real_one(new_context, viewport):
    page = new_context(viewport=viewport).new_page()
    page.goto("/csrf")
    forged = {
        "As another site would send it": "The CSRF token is missing.",
        "With another session's token": "The CSRF tokens do not match.",
    }
    for form, reason in forged.items():
        with page.expect_navigation() as navigation:
            page.get_by_role("region", name=form).get_by_role("button").click()
        assert (navigation.value.request.method, navigation.value.status) == ("POST", 400)
        expect(page.get_by_role("heading", level=1)).to_have_text("The form has expired")
        expect(page.locator(".csrf-refusal")).to_contain_text(reason)
        with page.expect_navigation():
            page.get_by_role("link", name="Back to the CSRF demo").click()

    with page.expect_navigation() as navigation:
        page.get_by_role("region", name="From this app's own page").get_by_role("button").click()
    assert navigation.value.request.redirected_from.response().status == 302
    expect(page.get_by_role("alert")).to_contain_text("Accepted: the form carried the token")


def test_a_burst_from_the_browser_is_answered_side_by_side_by_several_pool_threads(page):
    page.goto("/threads")
    page.get_by_label("Requests in the burst").fill("8")
    with page.expect_navigation():
        page.get_by_role("button", name="Send a burst").click()
    rows = page.locator(".burst-results tbody tr")
    expect(page.get_by_role("status")).to_contain_text("8 of 8 requests answered", timeout=10_000)
    expect(rows).to_have_count(8)
    threads = rows.locator(".burst-thread").all_text_contents()
    assert all(re.fullmatch(r"waitress-\d+", thread) for thread in threads)
    assert len(set(threads)) > 1
    # Sent at once: several started on the server before the first one finished.
    started = [int(text) for text in rows.locator("td:nth-child(3)").all_text_contents()]
    assert len([ms for ms in started if ms < PROBE_SECONDS * 1000]) > 1
    bars = rows.locator(".burst-bar")
    assert all(bars.nth(i).bounding_box()["width"] > 0 for i in range(8))


@pytest.mark.parametrize(
    ("size", "message"),
    [("1000000", "Number must be between 1 and 24."), ("many", "Not a valid integer value.")],
)
def test_a_bad_burst_size_gets_a_clear_message_in_the_browser(page, size, message):
    page.goto(f"/threads?size={size}")
    expect(page.locator(".invalid-feedback")).to_have_text(message)
    expect(page.locator("#burst")).to_have_count(0)

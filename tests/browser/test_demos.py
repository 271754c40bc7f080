"""The live demos, in a real browser engine on the real server: each shows what it claims."""

from playwright.sync_api import Page, expect


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

"""In a real browser let in by the launch's token: no page shows the token or its cookie."""

from playwright.sync_api import expect

from .conftest import TOKEN
from .pages import every_page


def test_no_page_shows_the_launch_token(page):
    for name, response in every_page(page):
        assert TOKEN not in response.text(), name
        panel = page.locator("details.response-panel")
        if panel.count():
            panel.locator("summary").click()
            expect(page.locator(".response-text")).to_contain_text("Content-Type:")
        assert TOKEN not in page.content(), name
    page.goto("/request?token=not-the-launch-token")
    assert "not-the-launch-token" not in page.content()
    assert "flasky_access=••••••••" in page.content()

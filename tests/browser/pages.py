"""The app's pages as a visitor reaches them, and ways to act on them."""

from playwright.sync_api import Page, expect

# Every page of the navbar, and the custom 404, with the status each is sent with.
PAGES = {
    "/": 200,
    "/user/Dave": 200,
    "/user/1": 200,
    "/request": 200,
    "/context": 200,
    "/routes": 200,
    "/bad-request": 400,
    "/response": 200,
    "/no-such-page": 404,
}


def submit_name(page: Page, name: str) -> None:
    """Type ``name`` into the form on the index and send it, as a user does."""
    page.get_by_label("What is your name?").fill(name)
    with page.expect_navigation():
        page.get_by_role("button", name="Submit").click()


def give_a_name(page: Page, name: str = "Alice") -> None:
    """Open the index and give it ``name``, so that every page has something to show."""
    page.goto("/")
    submit_name(page, name)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {name}!")

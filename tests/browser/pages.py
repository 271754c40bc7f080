"""The app's pages as a visitor reaches them, and ways to act on them."""

from collections.abc import Iterator

from playwright.sync_api import Page, Response, expect

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
    "/wsgi": 200,
    "/threads": 200,
    "/command-line": 200,
    "/secret-key": 200,
    "/csrf": 200,
    "/session": 200,
    "/tour": 200,
    "/no-such-page": 404,
}
# Pages reached from other pages (the tour, a page's panel, the routes), not from the navbar.
MORE_PAGES = {
    "/responses": 200,
    "/routes/main.index": 200,
}


def submit_name(page: Page, name: str) -> Response:
    """Type ``name`` into the form on the index and send it, as a user does."""
    page.get_by_label("What is your name?").fill(name)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Submit").click()
    return navigation.value


def give_a_name(page: Page, name: str = "Alice") -> None:
    """Open the index and give it ``name``, so that every page has something to show."""
    page.goto("/")
    submit_name(page, name)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {name}!")


def every_page(page: Page) -> Iterator[tuple[str, Response]]:
    """Open every page in ``page``, in each state a visitor meets, and yield a short name for
    it with the response that brought it. Act on the page before taking the next one.
    """
    yield "index", page.goto("/")
    yield "index-blank-name", submit_name(page, " ")
    give_a_name(page, "Alice")
    yield "index-changed-name", submit_name(page, "Bob")
    for path in [*PAGES, *MORE_PAGES]:
        if path != "/":
            yield path.strip("/").replace("/", "-").lower(), page.goto(path)
    for name, show in DEMOS.items():
        yield name, show(page)


def page_count() -> int:
    """How many pages ``every_page`` opens."""
    return len(PAGES) + len(MORE_PAGES) + 2 + len(DEMOS)


def click_and_wait(page: Page, button) -> Response:
    with page.expect_navigation() as navigation:
        button.click()
    return navigation.value


def send_a_burst(page: Page) -> Response:
    """The threads page once a burst of eight requests has been answered."""
    response = page.goto("/threads?size=8")
    expect(page.get_by_role("status")).to_contain_text("8 of 8 requests answered")
    return response


def tamper_with_the_session(page: Page) -> Response:
    """The session page just after its cookie was tampered with (the session is set aside)."""
    page.goto("/session")
    button = page.get_by_role("button", name="Tamper with my session cookie")
    response = click_and_wait(page, button)
    expect(page.locator(".signature-check")).to_contain_text("Flask refused this cookie")
    return response


def send_a_forged_form(page: Page) -> Response:
    """The friendly 400 a form without a token gets."""
    page.goto("/csrf")
    form = page.get_by_role("region", name="As another site would send it")
    return click_and_wait(page, form.get_by_role("button"))


def open_the_response_panel_after_a_redirect(page: Page) -> Response:
    """The home page reached through /redirect, its response panel open and in view."""
    response = page.goto("/redirect")
    panel = page.locator("details.response-panel")
    panel.locator("summary").click()
    expect(panel.locator(".response-text")).to_contain_text("200 OK")
    panel.scroll_into_view_if_needed()
    return response


def open_the_refusal_page(page: Page) -> Response:
    """The access guard's own page, which a browser without the launch's cookie gets. The
    page's context is no longer let in after this."""
    page.context.clear_cookies()
    response = page.goto("/")
    assert response.status == 403
    return response


# Pages in the state a demo leaves them in, by name, and how to get there.
DEMOS = {
    "threads-burst": send_a_burst,
    "session-tampered": tamper_with_the_session,
    "csrf-refused": send_a_forged_form,
    "index-response-panel": open_the_response_panel_after_a_redirect,
}
